"""Read queries of the county page (gui/county_page.py): per village its households and those
still poor, its work team and the team's last package, the conflicts and 疑点 waiting.

The criteria themselves (the 19 and every village's 17) are not read here: the page evaluates
storage.snapshots.county_snapshot with forms.criteria, as `main.py check` does."""

from __future__ import annotations

from forms import choices as C

from . import sync
from .db import Store
from .duplicates import find_duplicates
from .merge import BY_HOUSEHOLD, BY_VILLAGE

# A conflict names a table and a record; the village the record belongs to, per table. Table
# and column names are the schema's (storage.schema), never a value of the file.
_OWN_VILLAGE = BY_VILLAGE
_OF_HOUSEHOLD = BY_HOUSEHOLD


def counties(store: Store) -> list[str]:
    """The counties of the register's villages, by name."""
    return [
        r[0]
        for r in store.db.execute(
            "select distinct county from villages where deleted = 0 and county is not null "
            "order by county"
        )
    ]


def village_summaries(store: Store, county: str) -> list[dict]:
    """The county's villages (by township, code) with households, households still poor
    (未脱贫 and 返贫) and the people of those households. Two queries."""
    marks = ",".join("?" * len(C.POOR_STATUSES))
    counts: dict[str, list[int]] = {}
    for vid, n, poor in store.db.execute(
        f"select h.village_id, count(*), sum(h.status in ({marks})) from households h "
        f"join villages v on v.id = h.village_id where h.deleted = 0 and v.county = ? "
        f"group by h.village_id",
        [*C.POOR_STATUSES, county],
    ):
        counts[vid] = [n, poor or 0, 0]
    for vid, people in store.db.execute(
        f"select h.village_id, count(*) from members m join households h "
        f"on h.id = m.household_id join villages v on v.id = h.village_id "
        f"where m.deleted = 0 and m.left_date is null and h.deleted = 0 and v.county = ? "
        f"and h.status in ({marks}) "
        f"group by h.village_id",
        [county, *C.POOR_STATUSES],
    ):
        counts.setdefault(vid, [0, 0, 0])[2] = people
    out = []
    for vid, code, name, township, poor_village in store.db.execute(
        "select id, code, name, township, is_poor_village from villages "
        "where deleted = 0 and county = ? order by township, code",
        [county],
    ):
        n, poor, people = counts.get(vid, (0, 0, 0))
        out.append(
            {
                "id": vid,
                "code": code,
                "name": name,
                "township": township or "",
                "is_poor_village": poor_village,
                "households": n,
                "poor_households": poor,
                "poor_people": people,
            }
        )
    return out


def teams_by_village(store: Store) -> dict[str, dict]:
    """village code → its work team and the team's last package received (sync.status): team,
    received_at (ISO time or None), received_package. A village of no team is not listed."""
    out: dict[str, dict] = {}
    for p in sync.status(store)["peers"]:
        for code in p["villages"]:
            out[code] = {
                "team": p["team"],
                "received_at": p["received_at"],
                "received_package": p["received_package"],
            }
    return out


def _village_of_record() -> str:
    """A SQL expression: the village of the conflict row c's record (null: county-wide)."""
    parts = ["when 'villages' then c.record_id"]
    parts += [
        f"when '{t}' then (select x.village_id from {t} x where x.id = c.record_id)"
        for t in _OWN_VILLAGE
    ]
    parts += [
        f"when '{t}' then (select h.village_id from {t} x join households h "
        f"on h.id = x.household_id where x.id = c.record_id)"
        for t in _OF_HOUSEHOLD
    ]
    return "case c.table_name " + " ".join(parts) + " end"


def open_conflicts_by_village(store: Store) -> dict[str | None, int]:
    """village id → how many sync conflicts wait for a decision on its records (the key None:
    county-wide records, or a record no longer found)."""
    sql = (
        f"select {_village_of_record()} as vid, count(*) from sync_conflicts c "
        f"where c.resolved_at is null group by vid"
    )
    return {vid: n for vid, n in store.db.execute(sql)}


def pending(store: Store) -> dict[str, int]:
    """What waits for a clerk's decision: open 疑点 (an ID number in more than one household)
    and open sync conflicts."""
    return {"duplicates": len(find_duplicates(store)), "conflicts": len(sync.conflicts(store))}
