"""`verify`: the register checked against its own history (storage.chain).

Three checks, each finding said in Chinese with the record it concerns:
- the chain: every change-log row's hash recomputed from the one before; an edited row, or a
  deleted one (the next row no longer follows), breaks it there;
- the records: each record's data digested again and compared with the digest its newest log
  row holds; a value changed with a database browser or the sqlite3 tool shows, named with the
  value its history gives where a logged change says it; a record with no history at all, or a
  history whose record is gone, shows too;
- the anchors kept outside this file's control: on a laptop the chain head the county's receipt
  says the county kept (a chain rebuilt whole since then no longer reaches it); at the county
  the packages it refused because a team's history had been rewritten."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

from . import chain
from .db import Store
from .schema import TABLES
from .sync import COUNTY_PEER, HISTORY_REWRITTEN, NEW_LAPTOP, TABLE_WORDS, record_label

CHAIN, RECORD, ANCHOR = "变更记录链", "记录与历史", "县里的核对"


@dataclass
class Finding:
    kind: str  # CHAIN | RECORD | ANCHOR
    message: str
    seq: int | None = None
    table: str | None = None
    record_id: str | None = None
    field: str | None = None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Verified:
    log_rows: int = 0
    records: int = 0
    unchecked: int = 0  # records whose newest log row predates the chain (no digest)
    head: tuple = (0, "")
    findings: list[Finding] = field(default_factory=list)
    # not findings, but for a person to confirm: a team's history began anew on a new laptop
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def to_dict(self) -> dict:
        return {"ok": self.ok, "log_rows": self.log_rows, "records": self.records,
                "unchecked": self.unchecked, "head": {"seq": self.head[0], "hash": self.head[1]},
                "findings": [f.to_dict() for f in self.findings], "notes": self.notes}  # fmt: skip


def verify(store: Store, progress: Callable[[str], None] | None = None) -> Verified:
    out = Verified(head=chain.head(store.db.conn))
    say = progress or (lambda _: None)
    say("核对变更记录链（checking the chain）")
    out.findings += _chain(store, out)
    say("核对每条记录（checking the records）")
    out.findings += _records(store, out)
    out.findings += _anchors(store)
    out.notes = [f"{at} 导入的数据包 {package}：{reason}" for package, at, reason in
                 store.db.execute("select package, imported_at, reason from sync_inbox where "
                                  "result = 'applied' and reason like ?", [f"%{NEW_LAPTOP}%"])]  # fmt: skip
    return out


def _what(store: Store, table: str, rid: str, fname: str | None) -> str:
    label = record_label(store, table, rid)
    return label + (f"的“{_field_label(table, fname)}”" if fname else "")


def _chain(store: Store, out: Verified) -> list[Finding]:
    found = []
    for row, missing in chain.breaks("", _counted(chain.rows(store.db.conn), out)):
        seq, table, rid, fname = row[0], row[5], row[6], row[8]
        what = _what(store, table, rid, fname)
        if missing:
            gone = f"第 {seq - missing} 条" if missing == 1 else f"第 {seq - missing}–{seq - 1} 条"
            message = (f"{gone}变更记录被删除了：第 {seq} 条（{what}）前的历史不完整"
                       "（change-log rows deleted）")  # fmt: skip
        else:
            message = (f"第 {seq} 条变更记录（{what}）被改动过，或它前面的一条改动后重算了校验码"
                       "（change-log row altered, or the chain broken before it）")  # fmt: skip
        found.append(Finding(CHAIN, message, seq, table, rid, fname))
    return found


def _counted(rows, out: Verified):
    for row in rows:
        out.log_rows += 1
        yield row


def _records(store: Store, out: Verified) -> list[Finding]:
    conn, found = store.db.conn, []
    for table in TABLES.values():
        # the newest log row of each record (SQLite gives the bare column of the max row)
        last = {rid: (seq, digest) for rid, seq, digest in conn.execute(
            "select record_id, max(seq), digest from change_log where table_name = ? "
            "group by record_id", [table])}  # fmt: skip
        columns = chain.data_columns(conn, table)
        names = ", ".join(f"[{c}]" for c in columns)
        for rid, *values in conn.execute(f"select id, {names} from [{table}]"):
            out.records += 1
            seq, digest = last.pop(rid, (None, None))
            if seq is None:
                found.append(Finding(RECORD, f"{_what(store, table, rid, None)}：没有任何变更"
                                     "记录，不是用本软件录入的（a record with no history）",
                                     None, table, rid))  # fmt: skip
            elif digest is None:
                out.unchecked += 1
            elif chain.record_digest(columns, values) != digest:
                found += _differences(store, table, rid, dict(zip(columns, values)), seq)
        for rid, (seq, _) in last.items():
            word = TABLE_WORDS.get(table, table)
            found.append(Finding(RECORD, f"{word}记录 {rid} 有变更记录（最后一条是第 {seq} 条），"
                                 "但记录本身不见了：被直接从数据库中删除"
                                 "（a record deleted outside the app）", seq, table, rid))  # fmt: skip
    return found


def _differences(store: Store, table: str, rid: str, now: dict, seq: int) -> list[Finding]:
    """The fields whose stored value is not the one their newest logged change wrote."""
    logged = {}
    for fname, new in store.db.execute(
        "select field, new from change_log where table_name = ? and record_id = ? "
        "and field is not null order by seq",
        [table, rid],
    ):
        logged[fname] = new
    out = []
    for fname, value in now.items():
        if fname in logged and not _same(value, logged[fname]):
            history = json.loads(logged[fname]) if logged[fname] is not None else None
            out.append(Finding(RECORD, f"{_what(store, table, rid, fname)}现在是 {_shown(value)}，"
                               f"历史记录中最后一次修改为 {_shown(history)}：这个值是在本软件之外"
                               "改动的（value changed outside the app）", seq, table, rid,
                               fname))  # fmt: skip
    if not out:
        out.append(Finding(RECORD, f"{_what(store, table, rid, None)}的内容与历史记录不符：录入时"
                           "的某项数值在本软件之外被改动过（record differs from its history）",
                           seq, table, rid))  # fmt: skip
    return out


def _same(stored, logged_json: str | None) -> bool:
    """A stored value against a logged one: the app logs the form's value (true, [..]), a merge
    the stored one (1, "[..]")."""
    logged = json.loads(logged_json) if logged_json is not None else None
    if stored == logged:
        return True
    if isinstance(logged, bool) or isinstance(stored, bool):
        return stored is not None and logged is not None and bool(stored) == bool(logged)
    if isinstance(stored, (int, float)) and isinstance(logged, (int, float)):
        return abs(stored - logged) < 1e-9
    if isinstance(stored, str) and isinstance(logged, (list, dict)):
        try:
            return json.loads(stored) == logged
        except ValueError:
            return False
    return False


def _shown(value) -> str:
    return "空" if value in (None, "") else str(value)


def _field_label(table: str, fname: str) -> str:
    from forms.entities import FORMS

    from .schema import ENTITIES

    form = FORMS.get(ENTITIES.get(table, ""))
    for f in form.fields if form else ():
        if f.key == fname:
            return f.label
    return fname


def _anchors(store: Store) -> list[Finding]:
    conn, found = store.db.conn, []
    row = conn.execute(
        "select chain_seq, chain_hash from sync_peers where peer = ?", [COUNTY_PEER]
    ).fetchone()
    if row and row[0]:
        seq, kept = row
        here = chain.hash_at(conn, seq)
        if here is None:
            found.append(Finding(ANCHOR, f"县里已收到本机到第 {seq} 条的变更记录，但本机没有第 "
                                 f"{seq} 条了：历史记录被删除或换成了旧的文件"
                                 "（history shorter than the county received）", seq))  # fmt: skip
        elif here != kept:
            found.append(Finding(ANCHOR, f"本机的历史记录与县里上次收到的不一致：第 {seq} 条及以前"
                                 "的变更记录被改写过（history rewritten since the county received"
                                 " it）", seq))  # fmt: skip
    for package, imported_at, reason in conn.execute(
        "select package, imported_at, reason from sync_inbox where result = 'refused' "
        "and reason like ?",
        [f"%{HISTORY_REWRITTEN}%"],
    ):
        found.append(Finding(ANCHOR, f"{imported_at} 拒收的数据包 {package}：{reason}"))
    return found
