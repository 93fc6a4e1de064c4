"""The field-level state that a USB package carries, and its merge: for a record of any record
table, each field's stored value with the hybrid-logical-clock stamp of its last change (and who
made it); merged field by field, the newer stamp wins (the stamp ends with the device id, so
there are no ties), so A then B equals B then A, and twice equals once, on every machine.

A value that loses to a concurrent change is not dropped: it is kept as a conflict (both values,
authors and stamps) until a person decides. "Concurrent" is read from what each side knew: the
losing value was never in the winner's history of that field (the stamps a package lists for
it), and, for our own value, we changed it since the other side last acknowledged our data.

Generic: a table made with schema._record_table syncs with no code of its own here."""

from __future__ import annotations

import functools
import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from forms.choices import OLD_STATUS_WORDS

from .db import Store, _insert_rows, _update_row
from .derived import DERIVED, derived_values
from .hlc import Stamp
from .schema import RECORD_COLUMNS, TABLES

# Parents before children, so that a record arrives after what its foreign keys point at.
ORDER = ("villages", "groups", "cadres", "households", "members", "finances", "visits",
         "measures", "status_history", "year_closures", "frozen_years", "procedure_steps",
         "exit_plans", "policy_values", "village_facts", "county_facts")  # fmt: skip
STAMP_COLUMNS = ("created_at", "updated_at", "hlc", "device_id")
assert set(ORDER) == set(TABLES.values()), "every record table has its place in ORDER"
# A stamp more than a day ahead of this machine's clock: taken (the newer stamp still wins, so
# every machine ends the same), flagged, and never folded into the clock.
FUTURE_MS = 24 * 3600 * 1000

# table → id → field → [value, stamp, author, [earlier stamps of that field the sender had]]
State = dict[str, dict[str, dict[str, list]]]


def _fields(store: Store, table: str) -> list[str]:
    """A record table's synced fields, read once per open register (PRAGMA table_info costs
    milliseconds on a county file in the middle of a batch, and a batch asks thousands of times)."""
    cache = store.__dict__.setdefault("_sync_fields", {})
    if table not in cache:
        derived = set(DERIVED.get(table, {}))
        cache[table] = [c for c in store.db[table].columns_dict
                        if c not in STAMP_COLUMNS + ("id",) and c not in derived]  # fmt: skip
    return cache[table]


def _ids_param(ids: Iterable[str]) -> str:
    return json.dumps(list(ids))


IN_IDS = "in (select value from json_each(?))"


@dataclass
class _Field:
    stamp: str = ""
    author: str | None = None
    seq: int = 0
    known: set = field(default_factory=set)
    local: bool = False  # the value stands as made here (not as merged from elsewhere)

    def see(self, hlc: str, seq: int, author: str | None, op: str = "") -> None:
        self.known.add(hlc)
        if hlc > self.stamp:
            self.stamp, self.author, self.local = hlc, author, op != "merge"
        self.seq = max(self.seq, seq)


LOG_COLUMNS = "table_name, record_id, field, hlc, seq, operator, op"


def _history(rows) -> dict[str, dict[str, dict[str | None, _Field]]]:
    """table → id → field (None: the insert, which stands for every field) → its history."""
    out: dict = {}
    for table, rid, fname, hlc, seq, author, op in rows:
        f = out.setdefault(table, {}).setdefault(rid, {}).setdefault(fname, _Field())
        f.see(hlc, seq, author, op)
    return out


def _field_of(history: dict[str | None, _Field], name: str) -> _Field | None:
    """A field's history with its record's insert folded in; None when neither is there."""
    own, born = history.get(name), history.get(None)
    if born is None:
        return own
    if own is None:
        return born
    out = _Field(own.stamp, own.author, max(own.seq, born.seq), own.known | born.known, own.local)
    if born.stamp > own.stamp:
        out.stamp, out.author, out.local = born.stamp, born.author, born.local
    return out


def _values(store: Store, table: str, ids: list[str], fields: list[str]) -> dict[str, tuple]:
    rows = store.db.execute(
        f"select id, {', '.join(f'[{f}]' for f in fields)} from [{table}] where id {IN_IDS}",
        [_ids_param(ids)],
    )
    return {rid: values for rid, *values in rows}


def _state_of(store: Store, history, since: int = 0, has=None) -> State:
    """The state of the records in `history` (only their log rows after `since` in it);
    `has(field history)` says the receiver has that value already (it came from there)."""
    state: State = {}
    for table in ORDER:
        records = history.get(table)
        if not records:
            continue
        fields = _fields(store, table)
        values = _values(store, table, list(records), fields)
        out = state.setdefault(table, {})
        for rid, hist in records.items():
            if rid not in values:
                continue
            entry = {}
            for name, value in zip(fields, values[rid]):
                f = _field_of(hist, name)
                if f is None or (has and has(f)):
                    continue  # not changed since `since`, or the receiver's own value
                earlier = sorted(f.known - {f.stamp})
                entry[name] = [value, f.stamp, f.author] + ([earlier] if earlier else [])
            if entry:
                out[rid] = entry
    return state


def changes_since(store: Store, since: int, tables: Iterable[str] = ORDER, has=None) -> State:
    """Every field changed (or record made) in this register after change-log seq `since`."""
    wanted = list(tables)
    rows = store.db.execute(
        f"select {LOG_COLUMNS} from change_log where seq > ? and table_name {IN_IDS}",
        [since, _ids_param(wanted)],
    )
    return _state_of(store, _history(rows), since, has)


def state_of_records(
    store: Store, records: dict[str, list[str]], since: int = 0, has=None
) -> State:
    """The fields of these records (table → ids) changed after `since` (0: all of them)."""
    rows = []
    for table, ids in records.items():
        rows += store.db.execute(
            f"select {LOG_COLUMNS} from change_log "
            f"where table_name = ? and record_id {IN_IDS} and seq > ?",
            [table, _ids_param(ids), since],
        ).fetchall()
    return _state_of(store, _history(rows), since, has)


def field_state(store: Store, tables: Iterable[str] = ORDER) -> State:
    """Every field of every record (tombstones included) with the stamp of its last change."""
    return changes_since(store, 0, tables)


def write_raw(store: Store, table: str, rid: str, name: str, value) -> dict:
    """Write one field's stored value as a new change of this register (a conflict decided:
    the value kept travels like any edit). Returns {field: (old, new)}."""
    if name not in _fields(store, table):
        raise KeyError(name)
    old = store.db.execute(f"select [{name}], hlc from [{table}] where id = ?", [rid]).fetchone()
    if old is None:
        from .db import RecordNotFound

        raise RecordNotFound(f"记录不存在：{table} {rid}（record not found）")
    hlc, at = store._stamp(old[1])
    with store.atomic():
        _update_row(store.db.conn, table, rid, {name: value, **derived_values(table, {name: value}),
                                                "updated_at": at, "hlc": hlc,
                                                "device_id": store.device_id})  # fmt: skip
        op = "update" if name != "deleted" else ("delete" if value else "restore")
        row = store._log(hlc, at, table, rid, op, name, old[0], value)
        store.append_log([row])
        store._save_clock()
    return {name: (old[0], value)}


def last_seq(store: Store) -> int:
    return store.db.execute("select coalesce(max(seq), 0) from change_log").fetchone()[0]


# -- the merge ----------------------------------------------------------------------------------
@dataclass
class Merged:
    inserted: int = 0
    taken: int = 0  # fields that took the incoming value
    kept: int = 0  # fields that kept ours
    conflicts: list[dict] = field(default_factory=list)
    future: int = 0  # fields stamped more than a day ahead of this machine's clock
    households: set = field(default_factory=set)
    tables: set = field(default_factory=set)  # tables a value was taken into


# A package from a laptop not yet upgraded may carry the old status words (migration 7).
STATUS_TABLES = ("households", "status_history")


def _upgrade_status_words(records: dict) -> None:
    for entries in records.values():
        e = entries.get("status")
        if e and e[0] in OLD_STATUS_WORDS:
            e[0] = OLD_STATUS_WORDS[e[0]]


def merge(
    store: Store,
    incoming: State,
    *,
    acked_seq: int | None = None,
    peer: str | None = None,
    now_ms: int | None = None,
    local: dict | None = None,
) -> Merged:
    """Apply another register's state in one transaction: per field the newer stamp wins.
    `local`: local_rows(store, incoming), when the caller read them already (authority).

    `acked_seq`: the last of our change-log rows the sender has acknowledged; our value of a
    field changed after it is one the sender had not seen (None: take every one as unseen)."""
    out = Merged()
    horizon = (now_ms if now_ms is not None else int(time.time() * 1000)) + FUTURE_MS
    log, newest = [], None
    walls: dict[str, int] = {}  # stamp → its wall time; a record's fields mostly share one stamp
    known_lost = _known_lost(store, incoming)
    with store.atomic():
        for table in ORDER:
            records = incoming.get(table)
            if not records:
                continue
            fields = _fields(store, table)
            field_set = set(fields)
            if table in STATUS_TABLES:
                _upgrade_status_words(records)
            here_values = (local[table] if local and table in local
                           else _values(store, table, list(records), fields))  # fmt: skip
            # a record not here has no history here either (records are never removed)
            history = _history(store.db.execute(
                f"select {LOG_COLUMNS} from change_log "
                f"where table_name = ? and record_id {IN_IDS}", [table, _ids_param(here_values)])
            ).get(table, {}) if here_values else {}  # fmt: skip
            inserts = []
            for rid, entries in records.items():
                for e in entries.values():
                    stamp = e[1]
                    wall = walls.get(stamp)
                    if wall is None:
                        wall = walls[stamp] = Stamp.parse(stamp).wall_ms
                    if wall > horizon:
                        out.future += 1
                    elif newest is None or stamp > newest:
                        newest = stamp
                if rid not in here_values:
                    # only the fields this program has (a newer sender may have more)
                    known = {f: e for f, e in entries.items() if f in field_set}
                    if known:
                        inserts.append(_insert(table, rid, known, log, out))
                    continue
                here = dict(zip(fields, here_values[rid]))
                taken = {}
                for name, entry in entries.items():
                    if name not in here:
                        continue  # a field this program does not have (a newer sender)
                    value, stamp, author = entry[0], entry[1], _at(entry, 2)
                    mine = _field_of(history.get(rid, {}), name) or _Field()
                    if stamp == mine.stamp:
                        continue
                    differs = value != here[name]
                    if stamp > mine.stamp:
                        taken[name] = entry
                        # ours is unseen by the sender: made here after its last acknowledgement
                        # (a value merged from it, or relayed through it, it has had)
                        unseen = acked_seq is None or (mine.local and mine.seq > acked_seq)
                        if differs and unseen and mine.stamp not in set(_at(entry, 3) or ()):
                            out.conflicts.append(_conflict(table, rid, name, (value, stamp, author),
                                                           (here[name], mine.stamp, mine.author),
                                                           True, peer))  # fmt: skip
                    else:
                        out.kept += 1
                        if (
                            differs
                            and stamp not in mine.known
                            and ((table, rid, name, stamp) not in known_lost)
                        ):
                            out.conflicts.append(_conflict(table, rid, name,
                                                           (here[name], mine.stamp, mine.author),
                                                           (value, stamp, author), False, peer))  # fmt: skip
                if taken:
                    values = {f: e[0] for f, e in taken.items()}
                    top = max(e[1] for e in taken.values())
                    _update_row(store.db.conn, table, rid, {
                        **values, **derived_values(table, values), **_stamp_columns(top)})  # fmt: skip
                    for f, e in taken.items():
                        log.append(_log(store, table, rid, f, here[f], e[0], e[1], _at(e, 2)))
                    out.taken += len(taken)
                    out.tables.add(table)
                    _note_household(out, table, rid, {**here, **values})
            if inserts:
                _insert_rows(store.db.conn, table, inserts, stored=True)
                out.tables.add(table)
                for row in inserts:
                    _note_household(out, table, row["id"], row)
        store.append_log(log)
        _keep_conflicts(store, out.conflicts)
        if newest:
            store.clock.observe(newest)
            store._save_clock()
    return out


def _at(entry: list, i: int):
    return entry[i] if len(entry) > i else None


def _insert(table: str, rid: str, entries: dict, log: list, out: Merged) -> dict:
    """A record new here: its row, and log rows as its maker's were (the oldest stamp for the
    record as made, one row per field changed after)."""
    values = {f: e[0] for f, e in entries.items()}
    stamps = [e[1] for e in entries.values()]
    born, top = min(stamps), max(stamps)
    first = next(e for e in entries.values() if e[1] == born)
    row = {**values, **derived_values(table, values), "id": rid, **_stamp_columns(top),
           "created_at": stamp_time(born)}  # fmt: skip
    log.append(_log_row(table, rid, None, None, None, born, _at(first, 2)))
    for f, e in entries.items():
        if e[1] != born:
            log.append(_log_row(table, rid, f, None, e[0], e[1], _at(e, 2)))
    out.inserted += 1
    out.taken += len(entries)
    return row


def _note_household(out: Merged, table: str, rid: str, row: dict) -> None:
    if table == "households":
        out.households.add(rid)
    elif row.get("household_id"):
        out.households.add(row["household_id"])


def _known_lost(store: Store, incoming: State) -> set[tuple]:
    """Values already kept as conflicts here, so that a package imported twice adds none."""
    ids = [rid for records in incoming.values() for rid in records]
    if not ids:
        return set()
    rows = store.db.execute(
        f"select table_name, record_id, field, lost_stamp from sync_conflicts "
        f"where record_id {IN_IDS}",
        [_ids_param(ids)],
    )
    return {tuple(r) for r in rows}


def conflict_id(table: str, rid: str, name: str, won: str, lost: str) -> str:
    """The same on every machine, so that a conflict found at both ends is one conflict."""
    key = "|".join((table, rid, name, won, lost)).encode("utf-8")
    return hashlib.sha256(key).hexdigest()[:20]


def _conflict(table, rid, name, won: tuple, lost: tuple, incoming_won: bool, peer) -> dict:
    return {
        "id": conflict_id(table, rid, name, won[1], lost[1]),
        "table_name": table, "record_id": rid, "field": name,
        "won_value": _text(won[0]), "won_stamp": won[1], "won_author": won[2],
        "lost_value": _text(lost[0]), "lost_stamp": lost[1], "lost_author": lost[2],
        "incoming_won": int(incoming_won), "peer": peer,
        "detected_at": datetime.now().isoformat(timespec="seconds"),
    }  # fmt: skip


def _keep_conflicts(store: Store, conflicts: list[dict]) -> None:
    keep_conflicts(store, conflicts)


def keep_conflicts(store: Store, conflicts: list[dict]) -> int:
    """Store conflicts (found here, or listed in a receipt); one already kept is left as is."""
    if not conflicts:
        return 0
    columns = list(conflicts[0])
    before = store.db.execute("select count(*) from sync_conflicts").fetchone()[0]
    store.db.conn.executemany(
        f"insert or ignore into sync_conflicts ({', '.join(columns)}) "
        f"values ({', '.join('?' * len(columns))})",
        [[c.get(k) for k in columns] for c in conflicts],
    )
    return store.db.execute("select count(*) from sync_conflicts").fetchone()[0] - before


def _stamp_columns(stamp: str) -> dict:
    """The record's last-write columns for a change stamped elsewhere (created_at stays)."""
    device = stamp.split("-", 2)[2]
    return {"hlc": stamp, "device_id": device, "updated_at": stamp_time(stamp)}


def stamp_time(stamp: str) -> str:
    return _wall_time(stamp.split("-", 1)[0])


@functools.lru_cache(maxsize=4096)
def _wall_time(wall: str) -> str:
    # a package's records were made many to a millisecond: each one is worked out once
    return datetime.fromtimestamp(int(wall) / 1000).isoformat(timespec="seconds")


def _log(store: Store, table: str, rid: str, field: str, old, new, stamp: str, author) -> dict:
    return _log_row(table, rid, field, old, new, stamp, author or store.operator)


def _log_row(table: str, rid: str, field: str | None, old, new, stamp: str, author) -> dict:
    # the change as it was made elsewhere: its own stamp, device and author, marked as merged
    return {"hlc": stamp, "device_id": stamp.split("-", 2)[2], "operator": author,
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
BY_VILLAGE = ("groups", "cadres", "households", "measures", "village_facts", "year_closures",
              "exit_plans")  # fmt: skip
BY_HOUSEHOLD = ("members", "finances", "visits", "status_history", "frozen_years",
                "procedure_steps")  # fmt: skip
COUNTY_WIDE = ("policy_values", "county_facts")  # only the county changes these
assert set(ORDER) == {"villages", *BY_VILLAGE, *BY_HOUSEHOLD, *COUNTY_WIDE}


def records_of_villages(store: Store, village_ids: Iterable[str]) -> dict[str, list[str]]:
    """table → ids of every record (tombstones too) of these villages, and the county-wide."""
    ids = _ids_param(village_ids)
    rows = store.db.execute(f"select id from villages where id {IN_IDS}", [ids])
    out = {"villages": [r[0] for r in rows]}
    for table in BY_VILLAGE:
        out[table] = [r[0] for r in store.db.execute(
            f"select id from [{table}] where village_id {IN_IDS}", [ids])]  # fmt: skip
    for table in BY_HOUSEHOLD:
        out[table] = [r[0] for r in store.db.execute(
            f"select t.id from [{table}] t join households h on h.id = t.household_id "
            f"where h.village_id {IN_IDS}", [ids])]  # fmt: skip
    for table in COUNTY_WIDE:
        out[table] = [r[0] for r in store.db.execute(f"select id from [{table}]")]
    return out


def local_rows(store: Store, state: State) -> dict[str, dict[str, tuple]]:
    """table → id → this register's stored fields (merge's order) of the records in `state`
    that it has: read once for the authority check and the merge (a county's indexes are big)."""
    return {t: _values(store, t, list(r), _fields(store, t)) for t, r in state.items() if r}


def foreign_records(
    store: Store, state: State, village_ids: set[str], local_rows_: dict | None = None
) -> list[tuple[str, str]]:
    """The records of `state` a team of these villages may not change: county-wide ones, and
    any whose village (as sent, or as this register has it) is not one of them."""
    rows = local_rows_ if local_rows_ is not None else local_rows(store, state)
    out = []
    households = {}
    for rid, f in state.get("households", {}).items():
        if "village_id" in f:
            households[rid] = {f["village_id"][0]}
    for table in ORDER:
        records = state.get(table)
        if not records:
            continue
        if table in COUNTY_WIDE:
            out += [(table, rid) for rid in records]
            continue
        key = {"villages": "id", **dict.fromkeys(BY_VILLAGE, "village_id"),
               **dict.fromkeys(BY_HOUSEHOLD, "household_id")}[table]  # fmt: skip
        at = _fields(store, table).index(key) if key != "id" else None
        local = {rid: (rid if at is None else row[at]) for rid, row in rows.get(table, {}).items()}
        for rid, fields in records.items():
            owners = {local[rid]} if rid in local else set()
            if key == "id":
                owners = {rid}
            elif key in fields:
                owners.add(fields[key][0])
            if table in BY_HOUSEHOLD:
                owners = set().union(*(_village_of(store, households, h) for h in owners))
            if rid in local and table == "households":
                households[rid] = households.get(rid, set()) | {local[rid]}
            if not owners or not owners <= village_ids:
                out.append((table, rid))
    return out


def _village_of(store: Store, known: dict[str, set], household_id: str) -> set[str]:
    if household_id not in known:
        row = store.db.execute(
            "select village_id from households where id = ?", [household_id]
        ).fetchone()
        known[household_id] = {row[0]} if row else set()
    return known[household_id]
