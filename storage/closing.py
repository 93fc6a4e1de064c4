"""Closing a year (年度数据封存): every household's criteria inputs and verdicts of the year, frozen.

docs/domain.md, "Closed years": after a year's 动态调整 the county (or a team, for its villages)
closes the year. Evaluating a closed year then reads the frozen record, so that an edit made
afterwards changes the open year only and a past year's decision stays as it was decided (不得虚报).
A reopen needs a reason and is logged; both are records (year_closures, frozen_years) that travel
by USB like any other change.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from forms.criteria.batch import bulk
from forms.criteria.household import evaluate_household
from forms.entities import HOUSEHOLD, MEMBER

from .db import StorageError, Store
from .frozen_words import ZDICT_V1
from .schema import RECORD_COLUMNS

# What a frozen snapshot keeps of a record: its data and id, not its stamps or search keys.
_DROP = frozenset(RECORD_COLUMNS) - {"id"} | {"name_initials"}
# Who to call and where things are is not an input of any verdict: a closed year shows these as
# they are now (a new phone number, a new 帮扶责任人), and freezing them would double the record.
LIVE_HOUSEHOLD_FIELDS = frozenset(f.key for f in HOUSEHOLD.fields if f.live)
# a member's household is the record's own, given back when the record is read (thawed)
LIVE_MEMBER_FIELDS = frozenset({f.key for f in MEMBER.fields if f.live} | {"household_id"})
_HISTORY_KEYS = ("status", "date", "year")
# Policy values of a closed year are not copied into each household's record: they are refused
# any edit while the year is closed (refuse_if_closed), which keeps them as they were.


class ClosedYearError(StorageError):
    """A write into a closed year."""


@dataclass(frozen=True)
class Closure:
    village_id: str
    year: int
    closed_at: str
    closed_by: str

    def to_dict(self) -> dict:
        """As a snapshot carries it ("closed"), read by forms.criteria: plain values."""
        return {
            "year": self.year,
            "closed_at": self.closed_at,
            "closed_by": self.closed_by,
            "note": self.note(),
        }

    def note(self) -> str:
        """What the check panel, the CLI and the reports say of a figure of a closed year."""
        return f"{self.year}年度已于{self.closed_at[:10]}封存（{self.closed_by}），按封存数据"


def _plain(record: dict | None, live=frozenset()) -> dict | None:
    if record is None:
        return None
    return {k: v for k, v in record.items() if v is not None and k not in _DROP and k not in live}


def frozen_inputs(snapshot: dict) -> dict:
    """What the criteria read of a household snapshot, without stamps and live-only fields."""
    return {
        "household": _plain(snapshot["household"], LIVE_HOUSEHOLD_FIELDS),
        "members": _table([_plain(m, LIVE_MEMBER_FIELDS) for m in snapshot.get("members") or ()]),
        "finance": _plain(snapshot.get("finance")),
        "finance_prev": _plain(snapshot.get("finance_prev")),
        "history": [
            {k: e[k] for k in _HISTORY_KEYS if e.get(k) is not None}
            for e in snapshot.get("history") or ()
        ],
    }


# A frozen record is JSON, deflated with a preset dictionary of the register's keys and words
# and written as base85 text (it travels in the JSON of a USB package): ~0.9 KB a household
# instead of ~2.2 KB, so that four fit in a page of the file rather than one.
_PREFIX = "z1:"


def encode(value) -> str:
    raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    deflate = zlib.compressobj(9, zdict=ZDICT_V1)
    return _PREFIX + base64.b85encode(deflate.compress(raw) + deflate.flush()).decode("ascii")


def decode(text: str):
    """A frozen record's value; plain JSON is read as it is."""
    if not text.startswith(_PREFIX):
        return json.loads(text)
    inflate = zlib.decompressobj(zdict=ZDICT_V1)
    raw = inflate.decompress(base64.b85decode(text[len(_PREFIX) :])) + inflate.flush()
    return json.loads(raw)


def _table(rows: list[dict]) -> dict:
    """Rows as one key list and value lists: a member's twenty keys written once, not per row."""
    keys = sorted({k for r in rows for k in r})
    return {"keys": keys, "rows": [[r.get(k) for k in keys] for r in rows]}


def _rows(table: dict) -> list[dict]:
    keys = table["keys"]
    return [{k: v for k, v in zip(keys, row) if v is not None} for row in table["rows"]]


def thawed(inputs: dict, household_id: str) -> dict:
    """A frozen record's inputs as a snapshot's parts again."""
    members = [{**m, "household_id": household_id} for m in _rows(inputs["members"])]
    return {**inputs, "members": members}


def _verdicts(snapshot: dict) -> list[str]:
    """The twelve statuses as decided; the reasons follow from the frozen inputs."""
    return [c.status for c in evaluate_household(snapshot).criteria]


def closures(store: Store, year: int | None = None) -> dict[str, Closure]:
    """The villages whose year is closed now: village id → Closure (one year, or every year
    keyed by (village, year) when `year` is None)."""
    where, args = "closed = 1", []
    if year is not None:
        where += " and year = ?"
        args.append(year)
    out = {}
    for r in store.find("year_closures", where, args, order_by="year"):
        c = Closure(r["village_id"], r["year"], r["closed_at"] or "", r["closed_by"] or "")
        out[r["village_id"] if year is not None else (r["village_id"], r["year"])] = c
    return out


def closed_years(store: Store) -> list[dict]:
    """Every closure and reopen, by year and village: the 档案 list and `close-year --list`."""
    return store.find("year_closures", order_by="year, village_id")


def apply_frozen(store: Store, year: int, snaps: list[dict]) -> list[dict]:
    """Replace, in place, the snapshots of households whose year is closed by the frozen ones
    (keeping the live measures, which the criteria do not read, and the live contacts and
    places); each carries "closed" (the Closure). Households added after the close are
    evaluated live. A chunk at a time, so that a county's live and frozen snapshots are never
    all held at once (the live ones replaced are freed as it goes)."""
    closed = closures(store, year)
    if not closed:
        return snaps
    notes = {vid: c.to_dict() for vid, c in closed.items()}
    todo = [i for i, s in enumerate(snaps) if s["household"].get("village_id") in closed]
    for start in range(0, len(todo), _CHUNK):
        chunk = todo[start : start + _CHUNK]
        ids = [snaps[i]["household"]["id"] for i in chunk]
        found = dict(
            store.db.execute(
                "select household_id, inputs from frozen_years where deleted = 0 and year = ? "
                "and household_id in (select value from json_each(?))",
                [year, json.dumps(ids)],
            ).fetchall()
        )
        for i, hid in zip(chunk, ids):
            text = found.get(hid)
            if not text:
                continue
            s = snaps[i]
            f = thawed(decode(text), hid)
            live = s["household"]
            snaps[i] = {
                **s,
                **f,
                "household": {**f["household"], **{k: live.get(k) for k in LIVE_HOUSEHOLD_FIELDS}},
                "closed": notes[live["village_id"]],
            }
    return snaps


_CHUNK = 2000


def close_year(
    store: Store, year: int, village_ids: list[str], snapshots_of, progress=None
) -> dict:
    """Freeze `year` for the villages: one frozen record per household (re-closing replaces the
    frozen record), and the closure, in one transaction. `snapshots_of(village_id)` gives the
    live snapshots of a village's households (storage.snapshots, which imports this module)."""
    if not village_ids:
        raise StorageError("没有要封存的村")
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    by = store.operator
    existing = defaultdict(dict)
    for r in store.find(
        "frozen_years",
        "year = ? and household_id in (select id from households where village_id in "
        "(select value from json_each(?)))",
        [year, json.dumps(village_ids)],
    ):
        existing[r["household_id"]] = r["id"]
    counts = {"villages": 0, "households": 0}
    with store.atomic():
        for vid in village_ids:
            new_rows, new_ids = [], []
            with bulk():
                for snap in snapshots_of(vid):
                    hid = snap["household"]["id"]
                    values = {
                        "household_id": hid,
                        "year": year,
                        "closed_at": at,
                        "inputs": encode(frozen_inputs(snap)),
                        "verdicts": json.dumps(_verdicts(snap), separators=(",", ":")),
                    }
                    if hid in existing:
                        store.update("frozen_years", existing[hid], values)
                    else:
                        new_rows.append(values)
                        new_ids.append(None)
                    counts["households"] += 1
            if new_rows:
                store.insert_many("frozen_years", new_rows)
            if progress is not None:
                progress(counts["villages"], len(village_ids))
            _set_closure(
                store,
                vid,
                year,
                closed=True,
                closed_at=at,
                closed_by=by,
                by_county=store.role == "county",
            )
            counts["villages"] += 1
    return counts


def reopen_year(store: Store, year: int, village_ids: list[str], reason: str) -> int:
    """Reopen a closed year for the villages, with the reason (logged, synced); returns how many
    villages were reopened. The frozen records stay, unread, until the year is closed again."""
    reason = (reason or "").strip()
    if not reason:
        raise StorageError("重新开启已封存的年度必须填写原因")
    closed = closures(store, year)
    todo = [v for v in village_ids if v in closed]
    if not todo:
        raise StorageError(f"{year}年度未封存，无需重新开启")
    if store.role != "county":
        by_county = {
            r["village_id"]
            for r in store.find("year_closures", "year = ? and closed = 1", [year])
            if r.get("by_county")
        }
        if by_county & set(todo):
            raise StorageError(
                f"{year}年度由县扶贫办封存，只能由县里重新开启；请联系县扶贫办（reopened at the county）"
            )
    at = datetime.now().astimezone().isoformat(timespec="seconds")
    with store.atomic():
        for vid in todo:
            _set_closure(
                store,
                vid,
                year,
                closed=False,
                reopened_at=at,
                reopened_by=store.operator,
                reopen_reason=reason,
            )
    return len(todo)


def _set_closure(store: Store, village_id: str, year: int, **values) -> None:
    rows = store.find("year_closures", "village_id = ? and year = ?", [village_id, year])
    if rows:
        store.update("year_closures", rows[0]["id"], values)
    else:
        store.insert("year_closures", {"village_id": village_id, "year": year, **values})


def refuse_if_closed(store: Store, year, village_ids, what: str) -> None:
    """A write into a closed year's data is refused, in Chinese, naming the year: the year's
    figures are frozen, and its data may change only after a logged reopen."""
    if type(year) is not int:
        return
    closed = closures(store, year)
    if not closed:
        return
    if village_ids is None:  # county-wide values (policy, county facts): any closed village
        hit = next(iter(closed.values()))
    else:
        hit = next((closed[v] for v in village_ids if v in closed), None)
    if hit is not None:
        raise ClosedYearError(
            f"{year}年度已封存（{hit.closed_at[:10]}，{hit.closed_by}），不能修改{what}；"
            f"如确需更正，请先在“档案 → 重新开启年度”中填写原因后重新开启"
        )
