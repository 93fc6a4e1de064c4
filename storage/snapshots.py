"""Plain-dict snapshots of households, villages and a county for the criteria (bulk-loaded)."""

from __future__ import annotations

from collections import defaultdict

from forms.criteria.batch import paused_gc
from forms.criteria.policy import GROWTH_BASE_YEAR

from . import closing
from .db import Store
from .register import county_facts, policy_for, village_facts


def _group(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        out[r[key]].append(r)
    return out


def household_snapshots(
    store: Store,
    year: int,
    *,
    village_id: str | None = None,
    household_ids: list[str] | None = None,
    with_measures: bool = True,
    frozen: bool = True,
) -> list[dict]:
    """Snapshots for every household of a village (or the given ones, or the whole file), with
    a few queries in all rather than a few per household. The criteria need no measures; the
    data-quality checks do. In a closed year a household's snapshot is the frozen one
    (storage.closing), marked "closed"; `frozen=False` reads the live data (to close a year)."""
    with paused_gc():
        snaps = _household_snapshots(store, year, village_id, household_ids, with_measures)
        # A frozen snapshot replaces the closed year's own inputs and keeps the rest (the base
        # year's finance of county ⑴ is that year's record, refused edits while it is closed).
        return closing.apply_frozen(store, year, snaps) if frozen else snaps


def base_year(store: Store, year: int) -> int | None:
    """The year county ⑴'s average annual growth counts from (the year's policy values'
    growth_base_year, else the default), or None when it is not before the year."""
    policy = policy_for(store, year)
    y = policy.get("growth_base_year") if policy else None
    base = y if type(y) is int else GROWTH_BASE_YEAR
    return base if base < year else None


def _household_snapshots(store, year, village_id, household_ids, with_measures) -> list[dict]:
    if household_ids is not None:
        marks = ",".join("?" * len(household_ids))
        scope, args = f"id in ({marks})", list(household_ids)
    elif village_id is not None:
        scope, args = "village_id = ?", [village_id]
    else:
        scope, args = "", []
    households = store.find("households", scope, args, order_by="household_no")
    sub = "household_id in (select id from households where deleted = 0" + (
        f" and {scope})" if scope else ")"
    )
    members = _group(store.find("members", sub, args), "household_id")
    base = base_year(store, year)
    years = [year, year - 1] + ([base] if base is not None and base != year - 1 else [])
    marks = ", ".join("?" * len(years))
    finances = store.find("finances", f"{sub} and year in ({marks})", [*args, *years])
    this_year = {f["household_id"]: f for f in finances if f["year"] == year}
    last_year = {f["household_id"]: f for f in finances if f["year"] == year - 1}
    base_rows = {f["household_id"]: f for f in finances if f["year"] == base}
    measures = _group(store.find("measures", sub, args), "household_id") if with_measures else {}
    history = _group(store.find("status_history", sub, args, order_by="date"), "household_id")
    policy, policy_prev = policy_for(store, year), policy_for(store, year - 1)
    policy_base = policy_for(store, base) if base is not None else None
    return [
        {
            "year": year,
            "household": h,
            "members": members.get(h["id"], []),
            "finance": this_year.get(h["id"]),
            "finance_prev": last_year.get(h["id"]),
            "finance_base": base_rows.get(h["id"]),  # county ⑴'s base year
            "policy": policy,
            "policy_prev": policy_prev,
            "policy_base": policy_base,
            "measures": measures.get(h["id"], []),
            "history": history.get(h["id"], []),
        }
        for h in households
    ]


def household_snapshot(store: Store, household_id: str, year: int) -> dict | None:
    found = household_snapshots(store, year, household_ids=[household_id])
    return found[0] if found else None


def village_snapshot(store: Store, village: dict, year: int) -> dict:
    return {
        "year": year,
        "village": village,
        "facts": village_facts(store, village["id"], year),
        "facts_prev": village_facts(store, village["id"], year - 1),
        "households": household_snapshots(
            store, year, village_id=village["id"], with_measures=False
        ),
        "policy": policy_for(store, year),
        "policy_prev": policy_for(store, year - 1),
    }


def county_snapshot(store: Store, county: str, year: int) -> dict:
    """Every village of the county, with their households (one pass over the file)."""
    villages = store.find("villages", "county = ?", [county], order_by="township, code")
    by_village: dict[str, list[dict]] = defaultdict(list)
    for snap in household_snapshots(store, year, with_measures=False):
        by_village[snap["household"]["village_id"]].append(snap)
    policy, policy_prev = policy_for(store, year), policy_for(store, year - 1)
    base = base_year(store, year)
    return {
        "year": year,
        "county": county,
        "policy_base": policy_for(store, base) if base is not None else None,
        "facts": county_facts(store, county, year),
        "facts_prev": county_facts(store, county, year - 1),
        "villages": [
            {
                "year": year,
                "village": v,
                "facts": village_facts(store, v["id"], year),
                "facts_prev": village_facts(store, v["id"], year - 1),
                "households": by_village.get(v["id"], []),
                "policy": policy,
                "policy_prev": policy_prev,
            }
            for v in villages
        ],
    }
