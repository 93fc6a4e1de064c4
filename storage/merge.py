"""The field-level state that a USB package carries, and its merge: for every record of every
record table, each field's stored value with the hybrid-logical-clock stamp of its last change;
merged field by field, the newer stamp wins (the stamp ends with the device id, so there are no
ties), so A then B equals B then A, and twice equals once, on every machine.

Generic: a table made with schema._record_table syncs with no code of its own here. Still to
come (issue 9): the losing values kept as conflicts, the authority of a team over its villages,
the far-future stamps, and the package and receipt around this state."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Iterable

from .db import DERIVED, Store, _derived, _insert_rows, _update_row
from .schema import RECORD_COLUMNS, TABLES

# Parents before children, so that a record arrives after what its foreign keys point at.
ORDER = ("villages", "groups", "cadres", "households", "members", "finances", "visits",
         "measures", "status_history", "policy_values", "village_facts", "county_facts")  # fmt: skip
STAMP_COLUMNS = ("created_at", "updated_at", "hlc", "device_id")
assert set(ORDER) == set(TABLES.values()), "every record table has its place in ORDER"

State = dict[str, dict[str, dict[str, list]]]  # table → id → field → [value, stamp]


def _fields(store: Store, table: str) -> list[str]:
    derived = set(DERIVED.get(table, {}))
    return [c for c in store.db[table].columns_dict if c not in STAMP_COLUMNS + ("id",)
            and c not in derived]  # fmt: skip


def field_state(store: Store, tables: Iterable[str] = ORDER) -> State:
    """Every field of every record (tombstones included) with the stamp of its last change,
    read from the change log: an insert stamps every field, an update or a delete its own."""
    state: State = {}
    for table in tables:
        fields = _fields(store, table)
        stamps: dict[str, dict[str | None, str]] = {}
        for rid, field, hlc in store.db.execute(
            "select record_id, field, max(hlc) from change_log where table_name = ? "
            "group by record_id, field",
            [table],
        ):
            stamps.setdefault(rid, {})[field] = hlc
        rows = store.db.execute(
            f"select id, {', '.join(f'[{f}]' for f in fields)} from [{table}]"
        ).fetchall()
        out = state.setdefault(table, {})
        for rid, *values in rows:
            mine = stamps.get(rid, {})
            born = mine.get(None, "")  # the insert's stamp stands for fields never changed since
            out[rid] = {f: [v, max(mine.get(f, ""), born)] for f, v in zip(fields, values)}
    return state


def merge(store: Store, incoming: State) -> dict[str, int]:
    """Apply another register's field state, in one transaction: a field takes the incoming
    value when its stamp is newer than this register's. Returns counts (records inserted,
    fields taken, fields kept)."""
    counts = {"inserted": 0, "taken": 0, "kept": 0}
    mine = field_state(store, [t for t in ORDER if t in incoming])
    log, newest = [], None
    with store.atomic():
        for table in ORDER:
            for rid, fields in incoming.get(table, {}).items():
                here = mine.get(table, {}).get(rid)
                if here is None:
                    values = {f: v for f, (v, _s) in fields.items()}
                    row = {**values, **_derived(table, values), "id": rid}
                    stamps = [s for _v, s in fields.values()]
                    row.update(_stamp_columns(max(stamps)), created_at=stamp_time(min(stamps)))
                    _insert_rows(store.db.conn, table, [row])
                    counts["inserted"] += 1
                    taken = fields
                else:
                    taken = {f: vs for f, vs in fields.items()
                             if vs[1] > here.get(f, [None, ""])[1]}  # fmt: skip
                    counts["kept"] += len(fields) - len(taken)
                    if taken:
                        values = {f: v for f, (v, _s) in taken.items()}
                        top = max(s for _v, s in taken.values())
                        _update_row(store.db.conn, table, rid, {
                            **values, **_derived(table, values), **_stamp_columns(top)})  # fmt: skip
                counts["taken"] += len(taken)
                for f, (v, stamp) in taken.items():
                    old = None if here is None else here.get(f, [None])[0]
                    log.append(_log(store, table, rid, f, old, v, stamp))
                    newest = max(newest or stamp, stamp)
        _insert_rows(store.db.conn, "change_log", log)
        if newest:
            store.clock.observe(newest)
            store._save_clock()
    return counts


def _stamp_columns(stamp: str) -> dict:
    """The record's last-write columns for a change stamped elsewhere (created_at stays)."""
    device = stamp.split("-", 2)[2]
    return {"hlc": stamp, "device_id": device, "updated_at": stamp_time(stamp)}


def stamp_time(stamp: str) -> str:
    return datetime.fromtimestamp(int(stamp.split("-", 1)[0]) / 1000).isoformat(timespec="seconds")


def _log(store: Store, table: str, rid: str, field: str, old, new, stamp: str) -> dict:
    # the change as it was made elsewhere: its own stamp and device, marked as merged here
    return {"hlc": stamp, "device_id": stamp.split("-", 2)[2], "operator": store.operator,
            "at": stamp_time(stamp), "table_name": table, "record_id": rid, "op": "merge",
            "field": field, "old": _text(old), "new": _text(new)}  # fmt: skip


def _text(value):
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


def logical_dump(store: Store) -> dict:
    """The register's records without their stamps: what two merged registers must agree on."""
    keep = set(RECORD_COLUMNS) - set(STAMP_COLUMNS)
    out = {}
    for table in ORDER:
        fields = sorted(keep - {"id"} | set(_fields(store, table)))
        rows = store.db.execute(
            f"select id, {', '.join(f'[{f}]' for f in fields)} from [{table}] order by id"
        ).fetchall()
        out[table] = rows
    return out


# -- whose records: a team may change only its own villages' ------------------------------------
BY_VILLAGE = ("groups", "cadres", "households", "measures", "village_facts")
BY_HOUSEHOLD = ("members", "finances", "visits", "status_history")
COUNTY_WIDE = ("policy_values", "county_facts")  # only the county changes these
assert set(ORDER) == {"villages", *BY_VILLAGE, *BY_HOUSEHOLD, *COUNTY_WIDE}


def _village_of_household(store: Store, state: State) -> dict[str, str]:
    """household id → village id, from the state itself and, for the others, the register."""
    out = {rid: f["village_id"][0] for rid, f in state.get("households", {}).items()}
    wanted = {f["household_id"][0] for t in BY_HOUSEHOLD for f in state.get(t, {}).values()}
    wanted -= set(out)
    for hid in wanted:
        row = store.db.execute("select village_id from households where id = ?", [hid]).fetchone()
        if row:
            out[hid] = row[0]
    return out


def village_of(table: str, rid: str, fields: dict, households: dict[str, str]) -> str | None:
    """The village a record belongs to (its id), or None for a county-wide record."""
    if table == "villages":
        return rid
    if table in BY_VILLAGE:
        return fields["village_id"][0]
    if table in BY_HOUSEHOLD:
        return households.get(fields["household_id"][0], "")  # "" : a household unknown here
    return None


def outside(store: Store, state: State, village_ids: set[str]) -> list[tuple[str, str]]:
    """The records of `state` that are not of these villages (county-wide ones included):
    what a team's package may not carry."""
    households = _village_of_household(store, state)
    return [
        (table, rid)
        for table in ORDER
        for rid, fields in state.get(table, {}).items()
        if village_of(table, rid, fields, households) not in village_ids
    ]


def within(store: Store, state: State, village_ids: set[str]) -> State:
    """The part of `state` a team is sent: its villages' records and the county-wide ones."""
    households = _village_of_household(store, state)
    return {
        table: {
            rid: fields
            for rid, fields in records.items()
            if (v := village_of(table, rid, fields, households)) is None or v in village_ids
        }
        for table, records in state.items()
    }
