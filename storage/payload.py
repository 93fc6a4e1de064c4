"""The shape a sync payload must have before anything reads it for the register.

A package is sealed with the team's key, so a payload that opens came from a holder of the key:
still, a damaged laptop, an old bug or a rogue copy can seal anything. Every name that will
stand in SQL (tables, fields) must be one of this program's, every value one SQLite stores as
sent (no lone surrogate, no NaN or infinity, no integer past 64 bits), every number a number.
`problem(payload)` says the first thing wrong, in Chinese, or None."""

from __future__ import annotations

import math
import re

from .merge import ORDER

STAMP = re.compile(r"\d{13}-\d{5}-[0-9A-Za-z_.]{1,64}")
FIELD = re.compile(r"[a-z][a-z0-9_]{0,63}")
INT_LIMIT = 1 << 63


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text_ok(value: str) -> bool:
    return _SURROGATE.search(value) is None


def _scalar_ok(value) -> bool:
    kind = type(value)
    if kind is str:
        return _SURROGATE.search(value) is None
    if value is None or kind is bool:
        return True
    if kind is int:
        return -INT_LIMIT <= value < INT_LIMIT
    if kind is float:
        return math.isfinite(value)
    return False


def _seq_ok(value) -> bool:
    return type(value) is int and 0 <= value < INT_LIMIT


class _Seen:
    """Stamps, authors and field names checked once each: a package's records share them."""

    def __init__(self):
        self.stamps: set = set()
        self.authors: set = {None}
        self.names: set = set()

    def stamp(self, value) -> bool:
        if value in self.stamps:
            return True
        if isinstance(value, str) and STAMP.fullmatch(value) is not None:
            self.stamps.add(value)
            return True
        return False

    def author(self, value) -> bool:
        if value in self.authors:
            return True
        if isinstance(value, str) and _text_ok(value):
            self.authors.add(value)
            return True
        return False

    def name(self, value) -> bool:
        if value in self.names:
            return True
        if isinstance(value, str) and FIELD.fullmatch(value) is not None:
            self.names.add(value)
            return True
        return False


def _entry_problem(entry, seen: _Seen) -> str | None:
    """[value, stamp, author, (earlier stamps)] of one field (the hot path: a county's package
    holds a million of them)."""
    if type(entry) is not list or not 2 <= len(entry) <= 4:
        return "字段的值应为 [值, 时间戳, 作者]"
    if not _scalar_ok(entry[0]):
        return "字段的值不是能保存的文字或数字"
    if not seen.stamp(entry[1]):
        return "时间戳格式不对"
    if len(entry) > 2 and not seen.author(entry[2]):
        return "作者应为文字"
    if len(entry) > 3 and not (type(entry[3]) is list and all(seen.stamp(e) for e in entry[3])):
        return "此前的时间戳应为时间戳的列表"
    return None


def _records_problem(records) -> str | None:
    if not isinstance(records, dict):
        return "records 应为对象"
    seen = _Seen()
    for table, rows in records.items():
        if table not in ORDER:
            return f"本软件没有这个数据表：{str(table)[:40]!r}（请升级软件）"
        if not isinstance(rows, dict):
            return f"{table} 应为对象"
        for rid, fields in rows.items():
            if not (type(rid) is str and 0 < len(rid) <= 100 and _text_ok(rid)):
                return f"{table} 中有不合格式的记录编号"
            if type(fields) is not dict:
                return f"{table} {rid[:40]} 应为对象"
            for name, entry in fields.items():
                if not seen.name(name):
                    return f"{table} {rid[:40]} 中有不合格式的字段名"
                why = _entry_problem(entry, seen)
                if why:
                    return f"{table} {rid[:40]} {name}：{why}"
    return None


def _rows_of_scalars(rows, key: str) -> str | None:
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return f"receipt.{key} 应为对象的列表"
    for row in rows:
        if not all(isinstance(k, str) and _text_ok(k) for k in row):
            return f"receipt.{key} 中有不合格式的名称"
        if key != "duplicates" and not all(_scalar_ok(v) for v in row.values()):
            return f"receipt.{key} 中有不能保存的值"
    return None


def _receipt_problem(receipt) -> str | None:
    if receipt is None:
        return None
    if not isinstance(receipt, dict):
        return "receipt 应为对象"
    for key in ("packages", "conflicts", "duplicates"):
        if key in receipt:
            why = _rows_of_scalars(receipt[key], key)
            if why:
                return why
    chain = receipt.get("chain")
    if chain is not None and not isinstance(chain, dict):
        return "receipt.chain 应为对象"
    return None


def problem(payload) -> str | None:
    """What is wrong with a payload's shape (None: it may be read)."""
    if not isinstance(payload, dict):
        return "内容应为对象"
    why = _records_problem(payload.get("records"))
    if why:
        return why
    for key in ("upto", "ack"):
        if payload.get(key) is not None and not _seq_ok(payload[key]):
            return f"{key} 应为非负整数"
    why = _receipt_problem(payload.get("receipt"))
    if why:
        return why
    chain = payload.get("chain")
    if chain is not None and not isinstance(chain, dict):
        return "chain 应为对象"
    return None
