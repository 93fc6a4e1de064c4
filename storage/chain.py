"""The change log as a hash chain: any change made outside the app shows.

Each change-log row holds `digest`, a digest of its record's data as the change left it, and
`hash`, the SHA-256 of the previous row's hash and this row's own content (its seq, stamp,
operator, time, record, field, old → new, context and digest). So an edited or deleted log row
breaks the chain at that point, and a record whose data no longer matches the digest of its last
log row was changed outside the app (storage.verify reads both). A history rebuilt whole, chain
and all, is caught against a head kept outside the file: the county keeps the last head each
team sent (storage.sync), and its receipt tells the team.

A record's data is every column but its id, its stamps and its derived search keys, as SQLite
stores it, NULLs left out (a column added later with no value keeps every digest). A migration
that changes stored values must call `redigest` for the records it touched and `rebuild`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Iterable, Sequence

from .derived import DERIVED

HASH_CHARS = 32  # 128 bits of SHA-256, in hex
NOT_DATA = frozenset({"id", "created_at", "updated_at", "hlc", "device_id"})
# The change-log columns a row's hash covers, in this order (then the previous row's hash).
CONTENT = ("seq", "hlc", "device_id", "operator", "at", "table_name", "record_id", "op", "field",
           "old", "new", "context", "digest")  # fmt: skip
_MARKS = ", ".join("?" * (len(CONTENT) + 1))
_INSERT = f"insert into change_log ({', '.join(CONTENT)}, hash) values ({_MARKS})"
_IN_IDS = "in (select value from json_each(?))"


def data_columns(conn: sqlite3.Connection, table: str, cache: dict | None = None) -> tuple:
    """The columns of a record table that its digest covers, in a fixed order."""
    if cache is not None and table in cache:
        return cache[table]
    derived = set(DERIVED.get(table, {}))
    columns = tuple(
        sorted(
            name
            for _, name, *_ in conn.execute(f"PRAGMA table_info([{table}])")
            if name not in NOT_DATA and name not in derived
        )
    )
    if cache is not None:
        cache[table] = columns
    return columns


def _plain(value):
    return value.hex() if isinstance(value, bytes) else str(value)


# One encoder made once: json.dumps with options builds a new one per call, and a county's
# merge hashes a million rows.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_plain).encode


def record_digest(columns: Sequence[str], values: Sequence) -> str:
    data = {c: v for c, v in zip(columns, values) if v is not None}
    return hashlib.sha256(_encode(data).encode("utf-8")).hexdigest()[:HASH_CHARS]


def row_hash(prev: str, content: Sequence) -> str:
    return hashlib.sha256(_encode([prev, *content]).encode("utf-8")).hexdigest()[:HASH_CHARS]


def head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(seq, hash) of the newest change-log row; (0, "") for an empty log."""
    row = conn.execute("select seq, hash from change_log order by seq desc limit 1").fetchone()
    return (row[0], row[1] or "") if row else (0, "")


def hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    """The stored hash of row `seq` ("" for seq 0, the chain's start; None: no such row)."""
    if seq == 0:
        return ""
    row = conn.execute("select hash from change_log where seq = ?", [seq]).fetchone()
    return None if row is None else (row[0] or "")


def digests(conn: sqlite3.Connection, table: str, ids: Iterable[str], cache=None) -> dict:
    """record id → the digest of its data as stored now."""
    columns = data_columns(conn, table, cache)
    names = ", ".join(f"[{c}]" for c in columns)
    rows = conn.execute(
        f"select id, {names} from [{table}] where id {_IN_IDS}", [json.dumps(list(ids))]
    )
    return {rid: record_digest(columns, values) for rid, *values in rows}


def append(
    conn: sqlite3.Connection, rows: list[dict], *, context: str | None = None, cache=None
) -> None:
    """Append change-log rows (hlc … new, and context) at the end of the chain, each with the
    digest of its record as it stands now: call it after the records are written, inside the
    same transaction."""
    if not rows:
        return
    ids: dict[str, set] = {}
    for r in rows:
        ids.setdefault(r["table_name"], set()).add(r["record_id"])
    digest = {table: digests(conn, table, records, cache) for table, records in ids.items()}
    seq, prev = head(conn)
    out = []
    for r in rows:
        seq += 1
        content = (seq, r["hlc"], r["device_id"], r["operator"], r["at"], r["table_name"],
                   r["record_id"], r["op"], r.get("field"), r.get("old"), r.get("new"),
                   r.get("context", context), digest[r["table_name"]].get(r["record_id"]))  # fmt: skip
        prev = row_hash(prev, content)
        out.append((*content, prev))
    conn.executemany(_INSERT, out)


def rows(conn: sqlite3.Connection, after: int = 0, upto: int | None = None):
    """The change-log rows after seq `after` (up to `upto`) in order: CONTENT then hash."""
    sql = f"select {', '.join(CONTENT)}, hash from change_log where seq > ?"
    args: list = [after]
    if upto is not None:
        sql += " and seq <= ?"
        args.append(upto)
    return conn.execute(sql + " order by seq", args)


def breaks(prev: str, chain: Iterable[Sequence], after: int = 0):
    """Yield (row, missing) for every row (CONTENT then hash) whose hash does not follow from
    the row before it; `missing`: how many seq numbers are skipped before it (rows deleted)."""
    last = after
    for row in chain:
        seq, stored = row[0], row[-1]
        if row_hash(prev, row[:-1]) != stored:
            yield row, seq - last - 1
        prev, last = stored or "", seq


def redigest(conn: sqlite3.Connection, table: str, ids: Iterable[str] | None = None) -> None:
    """Set the digest of each record's newest log row to its data as stored now (all records
    of the table when `ids` is None); `rebuild` the chain after."""
    where, args = "where table_name = ?", [table]
    if ids is not None:
        where += f" and record_id {_IN_IDS}"
        args.append(json.dumps(list(ids)))
    last = dict(
        conn.execute(f"select record_id, max(seq) from change_log {where} group by record_id", args)
    )
    if not last:
        return
    now = digests(conn, table, last)
    conn.executemany(
        "update change_log set digest = ? where seq = ?",
        [(now.get(rid), seq) for rid, seq in last.items()],
    )


def rebuild(conn: sqlite3.Connection, after: int = 0, batch: int = 20000) -> int:
    """Recompute the hash of every row after seq `after`, from the one at `after`: for the
    app's own rewrites (a migration, a village taking the county's id at enrolment) only.
    Returns the rows rehashed."""
    prev = hash_at(conn, after) or ""
    done = 0
    while True:  # in pages: a county's log does not fit in memory twice
        page = conn.execute(
            f"select {', '.join(CONTENT)} from change_log where seq > ? order by seq limit ?",
            [after, batch],
        ).fetchall()
        if not page:
            return done
        pending = []
        for row in page:
            prev = row_hash(prev, row)
            pending.append((prev, row[0]))
        conn.executemany("update change_log set hash = ? where seq = ?", pending)
        done += len(page)
        after = page[-1][0]
