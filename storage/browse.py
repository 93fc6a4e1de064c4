"""Read-only queries the desktop views page through: the scope tree, household ids and rows."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import sqlite_utils

from forms import choices as C

from . import cipher
from .db import Store

POOR = "__poor__"  # status filter value: every status of a household still poor
NO_GROUP = "__no_group__"  # group filter value: households of a village without a 社

# Sort keys of the household table → SQL; each ends with a stable tie-break.
_HEAD = (
    "(select m.name from members m where m.household_id = h.id and m.deleted = 0 "
    "and m.left_date is null and m.relation = '户主' limit 1)"
)
# Members now: a member who left (死亡, 嫁出 …) stays in the register but not in the count.
_SIZE = (
    "(select count(*) from members m where m.household_id = h.id and m.deleted = 0 "
    "and m.left_date is null)"
)
SORT_KEYS = {
    "household_no": "v.code, h.household_no",
    "head": f"{_HEAD}",
    "size": f"{_SIZE}",
    "status": "h.status",
    "planned_exit_year": "h.planned_exit_year",
    "main_cause": "h.main_cause",
    "cadre": "c.name",
}


@dataclass(frozen=True)
class HouseholdFilter:
    """What the household table shows: a place in the tree plus the filter bar's choices."""

    county: str | None = None
    township: str | None = None
    village_id: str | None = None
    group_id: str | None = None  # or NO_GROUP
    status: str | None = None  # a status, or POOR
    cause: str | None = None
    cadre_id: str | None = None
    text: str = ""

    def with_(self, **changes) -> "HouseholdFilter":
        return replace(self, **changes)


def open_reader(path: str | Path) -> Store:
    """A read-only Store on its own connection, for a worker thread (reads committed data only);
    an encrypted register's with the key its opening left in memory (storage.cipher)."""
    conn = cipher.connect(path, readonly=True, check_same_thread=False)
    store = Store(sqlite_utils.Database(conn), Path(path), None)
    # what the file is (a county's or a team's), so that reads which depend on it (sync.status)
    # answer on a reader as on the GUI's store; read, nothing written
    meta = store.meta()
    store.role, store.device_id = meta.get("role", "village"), meta.get("device_id", "")
    return store


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def normalize_search(text: str) -> str:
    # NFKC folds full-width digits typed with a Chinese IME (１２３).
    return unicodedata.normalize("NFKC", text or "").strip()


def _where(flt: HouseholdFilter) -> tuple[str, list]:
    clauses, args = ["h.deleted = 0"], []
    if flt.group_id == NO_GROUP:
        clauses.append("h.group_id is null")
    elif flt.group_id:
        clauses.append("h.group_id = ?")
        args.append(flt.group_id)
    if flt.village_id:
        clauses.append("h.village_id = ?")
        args.append(flt.village_id)
    elif flt.township or flt.county:
        sub, sub_args = _villages_in_place(flt)
        clauses.append(f"h.village_id in (select id from villages where {sub})")
        args.extend(sub_args)
    if flt.status == POOR:
        clauses.append(f"h.status in ({','.join('?' * len(C.POOR_STATUSES))})")
        args.extend(C.POOR_STATUSES)
    elif flt.status:
        clauses.append("h.status = ?")
        args.append(flt.status)
    if flt.cause:
        clauses.append("h.main_cause = ?")
        args.append(flt.cause)
    if flt.cadre_id:
        clauses.append("h.cadre_id = ?")
        args.append(flt.cadre_id)
    text = normalize_search(flt.text)
    if text:
        pattern = _like(text)
        # 户编号, any member's name or ID number: LIKE on ordinary columns (PITFALLS: FTS5 and
        # Han characters do not mix well at these sizes).
        initials = ""
        if text.isascii() and text.isalpha():
            # pinyin initials, from the start of the name: "lxh" or "lx" finds 李小红
            initials = " or name_initials like ? escape '\\'"
        clauses.append(
            "(h.household_no like ? escape '\\' or h.id in (select household_id "
            "from members where deleted = 0 and (name like ? escape '\\' "
            f"or id_number like ? escape '\\'{initials})))"
        )
        args.extend([pattern, pattern, pattern])
        if initials:
            args.append(_like(text.lower())[1:])
    return " and ".join(clauses), args


def household_ids(
    store: Store, flt: HouseholdFilter, sort: str = "household_no", descending: bool = False
) -> list[str]:
    """The ids of the households the filter selects, in display order."""
    where, args = _where(flt)
    key = SORT_KEYS.get(sort, SORT_KEYS["household_no"])
    direction = " desc" if descending else ""
    order = (
        ", ".join(f"{part.strip()}{direction}" for part in key.split(", "))
        if not key.startswith("(")
        else f"{key}{direction}"
    )
    sql = (
        f"select h.id from households h left join villages v on v.id = h.village_id "
        f"left join cadres c on c.id = h.cadre_id where {where} "
        f"order by {order}, v.code, h.household_no, h.id"
    )
    return [r[0] for r in store.db.execute(sql, args).fetchall()]


ROW_COLUMNS = (
    "id",
    "household_no",
    "head",
    "size",
    "status",
    "planned_exit_year",
    "main_cause",
    "cadre",
    "village",
    "village_id",
)


def household_rows(store: Store, ids: list[str]) -> dict[str, dict]:
    """The table's columns for these households (one query), keyed by id."""
    out: dict[str, dict] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = (
            f"select h.id, h.household_no, {_HEAD}, {_SIZE}, h.status, h.planned_exit_year, "
            f"h.main_cause, c.name, v.name, h.village_id from households h "
            f"left join cadres c on c.id = h.cadre_id "
            f"left join villages v on v.id = h.village_id where h.id in ({marks})"
        )
        for row in store.db.execute(sql, chunk).fetchall():
            out[row[0]] = dict(zip(ROW_COLUMNS, row))
    return out


def scope_tree(store: Store) -> list[dict]:
    """Villages with their groups and household counts (all and still poor), for the tree."""
    marks = ",".join("?" * len(C.POOR_STATUSES))
    counts: dict[tuple, tuple[int, int]] = {}
    for vid, gid, n, poor in store.db.execute(
        f"select village_id, group_id, count(*), sum(status in ({marks})) from households "
        f"where deleted = 0 group by village_id, group_id",
        list(C.POOR_STATUSES),
    ):
        counts[(vid, gid)] = (n, poor or 0)
    groups: dict[str, list[dict]] = {}
    for gid, vid, name in store.db.execute(
        "select id, village_id, name from groups where deleted = 0 order by name"
    ):
        n, poor = counts.pop((vid, gid), (0, 0))
        groups.setdefault(vid, []).append({"id": gid, "name": name, "households": n, "poor": poor})
    villages = []
    for vid, county, township, name, code in store.db.execute(
        "select id, county, township, name, code from villages where deleted = 0 "
        "order by county, township, code"
    ):
        vgroups = groups.get(vid, [])
        # Households in no group, or in a group that was deleted.
        loose = [counts.pop(k) for k in [k for k in counts if k[0] == vid]]
        if loose:
            vgroups.append(
                {
                    "id": NO_GROUP,
                    "name": "未分社",
                    "households": sum(x[0] for x in loose),
                    "poor": sum(x[1] for x in loose),
                }
            )
        villages.append(
            {
                "id": vid,
                "county": county or "",
                "township": township or "",
                "name": name,
                "code": code,
                "groups": vgroups,
                "households": sum(g["households"] for g in vgroups),
                "poor": sum(g["poor"] for g in vgroups),
            }
        )
    return villages


def village_ids(store: Store, flt: HouseholdFilter) -> list[str]:
    """Villages in the filter's place (ignores the other filters)."""
    if flt.village_id:
        return [flt.village_id]
    where, args = _villages_in_place(flt)
    return [
        r[0]
        for r in store.db.execute(
            f"select id from villages where {where} order by county, township, code", args
        )
    ]


def _villages_in_place(flt: HouseholdFilter) -> tuple[str, list]:
    """The where-clause (on villages) for the filter's county and township."""
    where, args = ["deleted = 0"], []
    if flt.county:
        where.append("county = ?")
        args.append(flt.county)
    if flt.township:
        where.append("township = ?")
        args.append(flt.township)
    return " and ".join(where), args


def cadre_choices(store: Store, village_id: str | None = None) -> list[tuple[str, str]]:
    """(id, label) of cadres, for a filter or a REF field."""
    if village_id:
        rows = store.db.execute(
            "select id, name, role from cadres where deleted = 0 and village_id = ? order by name",
            [village_id],
        )
    else:
        rows = store.db.execute(
            "select c.id, c.name || '（' || coalesce(v.name, '') || '）', "
            "c.role from cadres c left join villages v on v.id = c.village_id"
            " where c.deleted = 0 order by v.code, c.name"
        )
    return [(r[0], r[1] + (f" · {r[2]}" if r[2] and village_id else "")) for r in rows]


def group_choices(store: Store, village_id: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in store.db.execute(
            "select id, name from groups where deleted = 0 and village_id = ? order by name",
            [village_id],
        )
    ]


def village_count(store: Store) -> int:
    return store.db.execute("select count(*) from villages where deleted = 0").fetchone()[0]


def village_households(store: Store, village_ids_: list[str]) -> dict[str, list[str]]:
    """village id → its household ids (for the criteria worker's progress)."""
    out: dict[str, list[str]] = {v: [] for v in village_ids_}
    for hid, vid in store.db.execute("select id, village_id from households where deleted = 0"):
        if vid in out:
            out[vid].append(hid)
    return out


def visit_reminders(store: Store, flt: HouseholdFilter, days: int, today: date) -> list[dict]:
    """Households of the scope not visited within `days` days, per responsible cadre.

    Households removed from the register (清退) and those already exited are left out: the
    teams visit households still poor."""
    where, args = _where(flt.with_(status=POOR))
    cutoff = date.fromordinal(today.toordinal() - days).isoformat()
    sql = (
        f"select h.id, h.household_no, {_HEAD}, v.name, c.name, lv.last "
        f"from households h left join villages v on v.id = h.village_id "
        f"left join cadres c on c.id = h.cadre_id "
        f"left join (select household_id, max(date) as last from visits where deleted = 0 "
        f"group by household_id) lv on lv.household_id = h.id "
        f"where {where} and (lv.last is null or lv.last < ?) "
        f"order by c.name is null, c.name, lv.last is not null, lv.last, v.code, "
        f"h.household_no"
    )
    out = []
    for hid, no, head, village, cadre, last in store.db.execute(sql, [*args, cutoff]):
        since = (
            None if last is None else today.toordinal() - date.fromisoformat(last[:10]).toordinal()
        )
        out.append(
            {
                "id": hid,
                "household_no": no,
                "head": head,
                "village": village,
                "cadre": cadre,
                "last_visit": last,
                "days": since,
            }
        )
    return out


def needs_list(store: Store, flt: HouseholdFilter) -> list[dict]:
    """Measures not yet done (需求清单) in the scope: village-level and household-level."""
    vids = village_ids(store, flt)
    if not vids:
        return []
    marks = ",".join("?" * len(vids))
    open_marks = ",".join("?" * len(C.MEASURE_OPEN_STATUSES))
    sql = (
        f"select m.id, m.level, h.household_no, {_HEAD.replace('h.id', 'm.household_id')}, "
        f"m.criterion_no, m.category, m.cause, m.description, m.money, c.name, "
        f"m.planned_date, m.status, v.name, m.household_id "
        f"from measures m left join households h on h.id = m.household_id "
        f"left join cadres c on c.id = m.cadre_id left join villages v on v.id = m.village_id "
        f"where m.deleted = 0 and m.village_id in ({marks}) "
        f"and (m.household_id is null or h.deleted = 0) "
        f"and m.status in ({open_marks}) "
        f"order by v.code, m.level desc, m.planned_date is null, m.planned_date, "
        f"h.household_no"
    )
    keys = (
        "id",
        "level",
        "household_no",
        "head",
        "criterion_no",
        "category",
        "cause",
        "description",
        "money",
        "cadre",
        "planned_date",
        "status",
        "village",
        "household_id",
    )
    return [dict(zip(keys, r)) for r in store.db.execute(sql, [*vids, *C.MEASURE_OPEN_STATUSES])]


def household_label(store: Store, household_id: str) -> str:
    row = store.db.execute(
        f"select h.household_no, {_HEAD}, v.name from households h left join villages v "
        f"on v.id = h.village_id where h.id = ?",
        [household_id],
    ).fetchone()
    if row is None:
        return ""
    no, head, village = row
    return f"{village or ''} {no} {head or ''}".strip()


def next_household_no(store: Store, village_id: str) -> str:
    """A suggestion for a new household's 户编号: one more than the village's largest number."""
    numbers = [
        r[0]
        for r in store.db.execute(
            "select household_no from households where deleted = 0 and village_id = ?", [village_id]
        )
    ]
    digits = [int(n) for n in numbers if n and n.isdigit()]
    width = max((len(n) for n in numbers if n and n.isdigit()), default=4)
    return f"{(max(digits) + 1) if digits else 1:0{width}d}"


def household_place(store: Store, household_id: str) -> dict | None:
    """The village (and county, township) a household belongs to, for jumping to it."""
    row = store.db.execute(
        "select h.village_id, v.county, v.township from households h join villages v "
        "on v.id = h.village_id where h.id = ? and h.deleted = 0",
        [household_id],
    ).fetchone()
    return None if row is None else {"village_id": row[0], "county": row[1], "township": row[2]}
