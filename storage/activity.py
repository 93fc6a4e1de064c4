"""Named operations on the team's work: visits, measures (needs), household status changes."""

from __future__ import annotations

import json
from datetime import date

from forms import choices as C
from forms.entities import MEASURE, STATUS_CHANGE, VISIT

from .db import StorageError, Store
from .register import ValidationError, _require, clean


def record_visit(
    store: Store, household_id: str, values: dict, changes: list[dict] | None = None
) -> str:
    """A household visit (入户走访). `changes` are the edits made during the visit, each
    {entity, record_id, field, label, old, new}: the visit's findings before → after."""
    _require(store, "households", household_id, "贫困户")
    values = clean(VISIT, {**values, "household_id": household_id})
    values["changes"] = json.dumps(changes or [], ensure_ascii=False, default=str)
    return store.insert("visits", values)


def add_visit_changes(store: Store, visit_id: str, changes: list[dict]) -> None:
    """Append edits made while the visit is open to its before → after list."""
    visit = _require(store, "visits", visit_id, "走访记录")
    current = json.loads(visit.get("changes") or "[]")
    store.update(
        "visits",
        visit_id,
        {"changes": json.dumps(current + changes, ensure_ascii=False, default=str)},
    )


def visits_of(store: Store, household_id: str) -> list[dict]:
    rows = store.find("visits", "household_id = ?", [household_id], order_by="date desc")
    for r in rows:
        r["changes"] = json.loads(r.get("changes") or "[]")
    return rows


def add_measure(store: Store, values: dict) -> str:
    values = clean(MEASURE, values)
    if values.get("household_id"):
        household = _require(store, "households", values["household_id"], "贫困户")
        if household["village_id"] != values["village_id"]:
            raise ValidationError([], "该户不属于所选的村")
    return store.insert("measures", values)


# A household's measures leave the lists with the household (its tombstone hides them too).
_LIVE_HOUSEHOLD = (
    "(household_id is null or household_id in (select id from households where deleted = 0))"
)


def measures_of_village(store: Store, village_id: str) -> list[dict]:
    return store.find(
        "measures",
        f"village_id = ? and {_LIVE_HOUSEHOLD}",
        [village_id],
        order_by="planned_date is null, planned_date",
    )


def measures_of(store: Store, household_id: str) -> list[dict]:
    return store.find(
        "measures",
        "household_id = ?",
        [household_id],
        order_by="planned_date is null, planned_date",
    )


def set_household_status(
    store: Store,
    household_id: str,
    status: str,
    when: date | str,
    reason: str = "",
    *,
    year: int | None = None,
    confirmed_unmet: bool = False,
) -> str:
    """Move a household through 未脱贫 / 已脱贫 / 返贫 / 清退, keeping the history (an old word
    read as its state: forms.choices.current_status)."""
    _require(store, "households", household_id, "贫困户")
    status = C.current_status(status) or status
    entry = clean(
        STATUS_CHANGE,
        {
            "household_id": household_id,
            "status": status,
            "date": when,
            "year": year,
            "reason": reason,
            "confirmed_unmet": confirmed_unmet,
        },
    )
    if status == C.STATUS_REMOVED and not (reason or "").strip():
        raise ValidationError([], "清退必须填写原因")
    the_year = entry.get("year") or int(str(entry["date"])[:4])
    changes: dict = {"status": status}
    if status == C.STATUS_EXITED:
        changes["exit_year"] = the_year
    elif status == C.STATUS_RETURNED:
        changes["exit_year"] = None
    with store.atomic():
        sid = store.insert("status_history", {**entry, "year": the_year})
        store.update("households", household_id, changes)
    return sid


def status_history(store: Store, household_id: str) -> list[dict]:
    return store.find("status_history", "household_id = ?", [household_id], order_by="date")


def status_changes_between(
    store: Store, village_id: str | None, start: str, end: str
) -> list[dict]:
    """Who entered and left in a period: the county must be able to list it."""
    where = (
        "date >= ? and date <= ? and household_id in (select id from households where deleted = 0)"
    )
    args: list = [start, end]
    if village_id:
        where += " and household_id in (select id from households where village_id = ?)"
        args.append(village_id)
    return store.find("status_history", where, args, order_by="date")


def require_exists(store: Store, table: str, record_id: str) -> dict:
    record = store.get(table, record_id)
    if record is None:
        raise StorageError(f"记录不存在（{record_id}）")
    return record
