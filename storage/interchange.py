"""The JSON interchange format fupin-register/1: export, and all-or-nothing import (an ID
number in two households is stored and reported as a 疑点, not refused: storage.duplicates)."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import tempfile
from pathlib import Path

from forms import choices as C
from forms.entities import (
    CADRE,
    EXIT_PLAN,
    FINANCE,
    GROUP,
    HOUSEHOLD,
    MEASURE,
    MEMBER,
    POLICY,
    PROCEDURE_STEP,
    STATUS_CHANGE,
    VILLAGE,
    VISIT,
)
from forms.facts import VILLAGE_FACTS
from forms.fields import blank
from forms.validation import MSG_BAD_CHAR, derive_member, shown, validate_household_members

from .db import StorageError, Store
from .derived import DERIVED
from .duplicates import find_duplicates
from .register import ValidationError, clean, find_village, head_of, natural_id

FORMAT = "fupin-register/1"
_RELATION_ORDER = {r: i for i, r in enumerate(C.RELATIONS)}

# Keys that are references inside the database and names or codes in the file.
_HOUSEHOLD_REFS = ("village_id", "group_id")
# Stamps and derived search keys (db.DERIVED) stay in the file; the interchange holds data.
_DROP = {
    "created_at",
    "updated_at",
    "hlc",
    "device_id",
    "deleted",
    *(column for derived in DERIVED.values() for column in derived),
}


class InterchangeError(StorageError):
    """A file that cannot be imported; `problems` holds every located problem."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        super().__init__(message)


# -- export ------------------------------------------------------------------------------------
def _plain(record: dict, drop=()) -> dict:
    return {k: v for k, v in record.items() if v is not None and k not in _DROP and k not in drop}


def export_register(store: Store, village_code: str | None = None) -> dict:
    villages = store.find("villages", order_by="code")
    if village_code:
        villages = [v for v in villages if v["code"] == village_code]
        if not villages:
            raise InterchangeError(f"数据库中没有行政区划代码为 {village_code} 的村")
    code_of = {v["id"]: v["code"] for v in villages}
    groups = {g["id"]: g for g in store.find("groups") if g["village_id"] in code_of}
    households = [
        h
        for h in store.find("households", order_by="household_no, id")
        if h["village_id"] in code_of
    ]
    members = _by(store.find("members"), "household_id")
    finances = _by(store.find("finances", order_by="year"), "household_id")
    history = _by(store.find("status_history", order_by="date, id"), "household_id")
    steps = _by(store.find("procedure_steps", order_by="procedure_id, seq"), "household_id")
    plans = _by(store.find("exit_plans", order_by="year"), "village_id")
    visits = _by(store.find("visits", order_by="date, id"), "household_id")
    measures = store.find("measures", order_by="planned_date, id")
    # grouped once: scanning every measure for each household made a county's export quadratic
    household_measures = _by([m for m in measures if m.get("household_id")], "household_id")
    village_measures = _by([m for m in measures if not m.get("household_id")], "village_id")
    groups_of = _by(sorted(groups.values(), key=lambda g: g["name"]), "village_id")
    facts = _by(store.find("village_facts", order_by="year"), "village_id")
    cadres = store.find("cadres", order_by="name, id", include_deleted=True)
    used_cadres = (
        {h.get("cadre_id") for h in households}
        | {m.get("cadre_id") for m in measures if m["village_id"] in code_of}
        | {v.get("cadre_id") for h in households for v in visits.get(h["id"], [])}
    )
    # a cadre the records point at goes with them, even one deleted since
    cadres = [
        c
        for c in cadres
        if (c.get("village_id") in code_of and not c["deleted"]) or c["id"] in used_cadres
    ]

    def household_out(h: dict) -> dict:
        out = {"id": h["id"], "village_code": code_of[h["village_id"]]}
        if h.get("group_id") in groups:
            out["group"] = groups[h["group_id"]]["name"]
        out.update(_plain(h, ("id",) + _HOUSEHOLD_REFS))
        out["members"] = [
            _plain(m, ("household_id",))
            for m in sorted(
                members.get(h["id"], []),
                key=lambda m: (
                    _RELATION_ORDER.get(m["relation"], 99),
                    m.get("birth_date") or "",
                    m["name"],
                    m["id"],
                ),
            )
        ]
        out["finances"] = [_plain(f, ("id", "household_id")) for f in finances.get(h["id"], [])]
        out["status_history"] = [_plain(s, ("household_id",)) for s in history.get(h["id"], [])]
        out["procedures"] = [_plain(p, ("household_id",)) for p in steps.get(h["id"], [])]
        out["visits"] = [
            {
                **_plain(v, ("household_id", "changes")),
                "changes": json.loads(v.get("changes") or "[]"),
            }
            for v in visits.get(h["id"], [])
        ]
        out["measures"] = [
            _plain(m, ("village_id", "household_id")) for m in household_measures.get(h["id"], [])
        ]
        return out

    return {
        "format": FORMAT,
        "policy_values": [_plain(p, ("id",)) for p in store.find("policy_values", order_by="year")],
        "villages": [
            {
                **_plain(v, ("id",)),
                "groups": [g["name"] for g in groups_of.get(v["id"], [])],
                "facts": [{"year": f["year"], **f["data"]} for f in facts.get(v["id"], [])],
                "exit_plans": [_plain(p, ("id", "village_id")) for p in plans.get(v["id"], [])],
                "measures": [
                    _plain(m, ("village_id", "household_id"))
                    for m in village_measures.get(v["id"], [])
                ],
            }
            for v in villages
        ],
        "cadres": [
            {
                **_plain(c, ("village_id",)),
                **(
                    {"village_code": code_of[c["village_id"]]}
                    if c.get("village_id") in code_of
                    else {}
                ),
            }
            for c in cadres
        ],
        "households": [household_out(h) for h in households],
    }


def _by(rows: list[dict], key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r[key], []).append(r)
    return out


def write_json(data: dict, path: str | os.PathLike) -> None:
    """Write to a temporary file beside the target, fsync, then rename: never half a file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=False)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def read_json(path: str | os.PathLike) -> dict:
    path = Path(path)
    if not path.exists():
        raise InterchangeError(f"找不到文件：{path}（file not found）")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as e:
        raise InterchangeError(f"文件不是 UTF-8 编码的 JSON：{path}（not UTF-8 JSON）") from e
    except json.JSONDecodeError as e:
        raise InterchangeError(
            f"JSON 格式错误：第 {e.lineno} 行第 {e.colno} 列，{e.msg}（malformed JSON）"
        ) from e
    except RecursionError:
        raise InterchangeError(
            f"JSON 嵌套层数过多，不是扶贫台账交换文件：{path}（JSON nested too deep）"
        ) from None
    except ValueError as e:  # a number of more than 4300 digits
        raise InterchangeError(f"JSON 中有无法读取的数字：{path}（{e}）") from None
    except OSError as e:  # a folder, a file that cannot be read
        raise InterchangeError(f"无法读取文件：{path}（{e.strerror or e}）") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise InterchangeError(f"不是 {FORMAT} 格式的文件（format: {shown(found)!r}）")
    return data


# -- import ------------------------------------------------------------------------------------
class _Plan:
    """What an import will write, built and validated completely before anything is written."""

    def __init__(self, store: Store):
        self.store = store
        self.problems: list[str] = []
        self.counts = {"inserted": 0, "updated": 0, "unchanged": 0, "skipped": 0}
        self.seen: dict[tuple, str] = {}  # key → where it first stood in the file
        self.cadre_ids = {c["id"] for c in store.find("cadres", include_deleted=True)}
        self.id_numbers: set[str] = set()  # of the file's members: its 疑点 are looked up after
        self.tombstones = {
            r["id"] for r in store.find("households", "deleted = 1", include_deleted=True)
        }
        self.household_ids: set[str] = set()  # the register's and the file's
        self.group_ids = {g["id"]: g["village_id"] for g in store.find("groups")}
        self.village_ids = {v["id"] for v in store.find("villages")}

    def record_id(self, where: str, record: dict, table: str) -> str | None:
        """The record's id as the file gives it (None: a new one is made); a problem when it is
        no id (a list, a number, text no register holds) or stands twice for one table."""
        rid = record.get("id")
        if rid is None:
            return None
        if not _is_key(rid, ID_MAX):
            self.problems.append(f"{where}, id: 应为记录编号（文字，不超过{ID_MAX}个字符）")
            return None
        if not self.once(("id", table, rid), where):
            return None
        return rid

    def key_text(self, where: str, record: dict, key: str) -> str | None:
        """A code or name the file refers to something by (village_code, group)."""
        value = record.get(key)
        if value is None or _is_key(value, KEY_MAX):
            return value
        self.problems.append(f"{where}, {key}: 应为文字（不超过{KEY_MAX}个字符）")
        return None

    def nested(self, where: str, value, key: str) -> list[dict]:
        """A list of objects inside a record (members, finances …); anything else is a problem."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.append(f"{where}, {key}: 应为列表")
            return []
        for i, r in enumerate(value, 1):
            if not isinstance(r, dict):
                self.problems.append(f"{where}, {key} {i}: 应为对象")
        return [r for r in value if isinstance(r, dict)]

    def once(self, key: tuple, where: str) -> bool:
        """False (and a problem) when the same record stands twice in the file."""
        if key in self.seen:
            self.problems.append(f"{where}: 与 {self.seen[key]} 重复")
            return False
        self.seen[key] = where
        return True

    def known_cadre(self, where: str, values: dict | None) -> None:
        cid = (values or {}).get("cadre_id")
        if cid and cid not in self.cadre_ids:
            self.problems.append(f"{where}, cadre_id: 没有这个帮扶干部（{shown(cid)}）")

    def known_household(self, where: str, values: dict | None) -> None:
        hid = (values or {}).get("household_id")
        if hid and hid not in self.household_ids:
            self.problems.append(f"{where}, household_id: 没有这个户（{shown(hid)}）")

    def check(self, where: str, form, values: dict, partial=False) -> dict | None:
        try:
            return clean(form, values, partial=partial)
        except ValidationError as e:
            self.problems += [f"{where}, {p.field}: {p.message}" for p in e.problems]
            return None


# Ids are UUIDs (36 characters), codes and names short words; a file's own longer ids are kept.
ID_MAX = 100
KEY_MAX = 200
# A visit's findings (changes) are a list of {entity, record_id, field, label, old, new}.
CHANGES_DEPTH = 6


def _is_key(value, limit: int) -> bool:
    """Text a record can be found by: not blank, not too long, nothing a register cannot hold."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= limit
        and bool(value.strip())
        and value.isprintable()
        and not any("\ud800" <= ch <= "\udfff" for ch in value)
    )


def _changes_problem(value) -> str | None:
    """Why a visit's changes cannot be kept as they are, or None: a list of objects of plain
    values, not nested deeper than a finding is, no text a register cannot hold."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(c, dict) for c in value):
        return "应为对象的列表"
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > CHANGES_DEPTH:
            return "嵌套层数过多"
        if isinstance(item, dict):
            stack += [(k, depth + 1) for k in item] + [(x, depth + 1) for x in item.values()]
        elif isinstance(item, list):
            stack += [(x, depth + 1) for x in item]
        elif isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return MSG_BAD_CHAR
        elif isinstance(item, float) and not math.isfinite(item):
            return "含有无法保存的数值（NaN 或无穷大）"
        elif isinstance(item, int) and item.bit_length() > 10_000:
            return "含有无法保存的数值（位数过多）"
        elif item is not None and not isinstance(item, (int, float)):
            return "含有无法保存的值"
    return None


def _records(data: dict, key: str, plan: _Plan) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list):
        plan.problems.append(f"{key}: 应为列表")
        return []
    bad = [i for i, r in enumerate(value, 1) if not isinstance(r, dict)]
    plan.problems += [f"{key} {i}: 应为对象" for i in bad]
    return [r for r in value if isinstance(r, dict)]


def import_register(store: Store, data: dict) -> dict:
    """Import a fupin-register/1 object in one transaction. Any invalid record: nothing changes
    and InterchangeError lists every problem with its record and field. Returns counts, and
    under "duplicates" the 疑点 the file's members are in (Duplicate.to_dict() of each ID number
    held by more than one live member, file and register together): warnings, not refusals."""
    if not isinstance(data, dict):
        raise InterchangeError(f"不是 {FORMAT} 格式的数据（{type(data).__name__}）")
    plan = _Plan(store)
    writes: list[tuple[str, str | None, dict]] = []  # (table, existing id or None, values)
    village_ids: dict[str, str] = {}
    group_ids: dict[tuple[str, str], str] = {}
    existing_groups = {(g["village_id"], g["name"]): g["id"] for g in store.find("groups")}
    household_records = _records(data, "households", plan)
    plan.household_ids = {h["id"] for h in store.find("households")} | {
        h["id"] for h in household_records if _is_key(h.get("id"), ID_MAX)
    }

    for i, p in enumerate(_records(data, "policy_values", plan), 1):
        values = plan.check(f"policy {i} ({shown(p.get('year'))})", POLICY, p)
        if values and plan.once(("policy", values["year"]), f"policy {i} ({values['year']})"):
            found = store.find("policy_values", "year = ?", [values["year"]])
            writes.append(("policy_values", found[0]["id"] if found else None, values))

    village_records = _records(data, "villages", plan)
    for i, v in enumerate(village_records, 1):
        where = f"village {i} ({shown(v.get('code'))} {shown(v.get('name', ''))})"
        core = {
            k: x for k, x in v.items() if k not in ("groups", "facts", "measures", "exit_plans")
        }
        values = plan.check(where, VILLAGE, core)
        if not values or not plan.once(("village", values["code"]), where):
            continue
        found = find_village(store, values["code"])
        vid = found["id"] if found else _new_id()
        village_ids[values["code"]] = vid
        writes.append(("villages", found["id"] if found else None, {**values, "id": vid}))
        groups = v.get("groups") or []
        if not isinstance(groups, list):
            plan.problems.append(f"{where}, groups: 应为社名的列表")
            groups = []
        for j, name in enumerate(groups, 1):
            checked = plan.check(f"{where}, groups {j}", GROUP, {"village_id": vid, "name": name})
            if checked and not _is_key(checked["name"], KEY_MAX):
                plan.problems.append(f"{where}, groups {j}: 社名应为文字")
                checked = None
            key = (vid, checked["name"]) if checked else None
            if key and key not in existing_groups and key not in group_ids:
                group_ids[key] = _new_id()
                writes.append(
                    (
                        "groups",
                        None,
                        {"id": group_ids[key], "village_id": vid, "name": checked["name"]},
                    )
                )
        for j, f in enumerate(plan.nested(where, v.get("facts"), "facts"), 1):
            fv = plan.check(f"{where}, facts {j}", VILLAGE_FACTS, f)
            if fv and plan.once(("facts", vid, fv["year"]), f"{where}, facts {j}"):
                writes.append(("village_facts*", vid, fv))
        for j, e in enumerate(plan.nested(where, v.get("exit_plans"), "exit_plans"), 1):
            ev = plan.check(f"{where}, exit_plans {j}", EXIT_PLAN, {**e, "village_id": vid})
            if ev and plan.once(("exit_plan", vid, ev["year"]), f"{where}, exit_plans {j}"):
                writes.append(("exit_plans", natural_id("exit_plans", vid, ev["year"]), ev))
    for code in {
        h.get("village_code") for h in household_records if _is_key(h.get("village_code"), KEY_MAX)
    }:
        if code not in village_ids:
            found = find_village(store, code)
            if found:
                village_ids[code] = found["id"]

    cadre_ids = set(plan.cadre_ids)
    file_cadres = _records(data, "cadres", plan)
    plan.cadre_ids |= {c["id"] for c in file_cadres if isinstance(c.get("id"), str)}
    for i, c in enumerate(file_cadres, 1):
        where = f"cadre {i} ({shown(c.get('name'))})"
        code = plan.key_text(where, c, "village_code")
        core = {k: x for k, x in c.items() if k not in ("village_code", "id")}
        if code:
            if code not in village_ids:
                plan.problems.append(f"{where}, village_code: 没有代码为 {shown(code)} 的村")
                continue
            core["village_id"] = village_ids[code]
        elif not blank(core.get("village_id")) and (
            not isinstance(core["village_id"], str) or core["village_id"] not in plan.village_ids
        ):
            plan.problems.append(f"{where}, village_id: 没有这个村（{shown(core['village_id'])}）")
            continue
        rid = plan.record_id(where, c, "cadres")
        values = plan.check(where, CADRE, core)
        if values and (rid or c.get("id") is None):
            cid = rid or _new_id()
            writes.append(("cadres", cid if cid in cadre_ids else None, {**values, "id": cid}))
            cadre_ids.add(cid)

    for v in village_records:
        vid = village_ids.get(v.get("code")) if isinstance(v.get("code"), str) else None
        where = f"village {shown(v.get('code'))}"
        for j, m in enumerate(plan.nested(where, v.get("measures"), "measures"), 1):
            _plan_measure(plan, writes, f"{where}, measure {j}", m, vid, None)

    for i, h in enumerate(household_records, 1):
        _plan_household(plan, writes, i, h, village_ids, group_ids, existing_groups)

    if plan.problems:
        raise InterchangeError(
            f"导入失败：发现 {len(plan.problems)} 处问题，数据库未作任何改动", plan.problems
        )
    try:
        with store.atomic():
            _apply(store, writes, plan)
    except sqlite3.IntegrityError as e:  # a reference the checks above did not foresee
        raise InterchangeError(
            f"导入失败：文件中有记录指向不存在的村、社、户或帮扶干部，数据库未作任何改动（{e}）"
        ) from None
    # the file's people held by more than one household (of the file, or of the register)
    plan.counts["duplicates"] = [
        d.to_dict() for d in find_duplicates(store, id_numbers=plan.id_numbers)
    ]
    return plan.counts


def _new_id() -> str:
    import uuid

    return str(uuid.uuid4())


def _plan_measure(plan, writes, where, m, village_id, household_id):
    if village_id is None:
        return
    rid = plan.record_id(where, m, "measures")
    core = {k: x for k, x in m.items() if k != "id"}
    values = plan.check(
        where,
        MEASURE,
        {
            **core,
            "village_id": village_id,
            **({"household_id": household_id} if household_id else {}),
        },
    )
    plan.known_cadre(where, values)
    plan.known_household(where, values)
    if values:
        writes.append(("measures", rid, values))


def _plan_household(plan, writes, i, h, village_ids, group_ids, existing_groups):
    raw_members = h.get("members")
    head = (
        head_of([m for m in raw_members if isinstance(m, dict)])
        if isinstance(raw_members, list)
        else None
    )
    where = (
        f"household {i} (户主 {shown(head['name'])})"
        if head and head.get("name")
        else (f"household {i} ({shown(h.get('household_no', ''))})")
    )
    members = plan.nested(where, raw_members, "members")
    given_id = plan.record_id(where, h, "households")
    if given_id is None and h.get("id") is not None:
        return
    if given_id in plan.tombstones:
        # deleted here: an import does not bring it back, nor add to it
        plan.counts["skipped"] += 1
        return
    code = plan.key_text(where, h, "village_code")
    if code not in village_ids:
        if code is not None or h.get("village_code") is None:
            plan.problems.append(f"{where}, village_code: 没有代码为 {shown(code)} 的村")
        return
    vid = village_ids[code]
    core = {
        k: x
        for k, x in h.items()
        if k
        not in (
            "members",
            "finances",
            "status_history",
            "procedures",
            "visits",
            "measures",
            "village_code",
            "group",
            "id",
        )
    }
    core["village_id"] = vid
    gid = core.get("group_id")
    if not blank(gid) and (not isinstance(gid, str) or plan.group_ids.get(gid) != vid):
        plan.problems.append(f"{where}, group_id: 本村没有这个社（{shown(core['group_id'])}）")
    if h.get("group") is not None and not isinstance(h["group"], str):
        plan.problems.append(f"{where}, group: 应为社名")
    elif h.get("group"):
        group = plan.check(f"{where}, group", GROUP, {"village_id": vid, "name": h["group"]})
        name = group["name"] if group else None
        if name and not _is_key(name, KEY_MAX):
            plan.problems.append(f"{where}, group: 社名应为文字")
        elif name:
            gid = group_ids.get((vid, name)) or existing_groups.get((vid, name))
            if gid is None:
                gid = group_ids[(vid, name)] = _new_id()
                writes.append(("groups", None, {"id": gid, "village_id": vid, "name": name}))
            core["group_id"] = gid
    values = plan.check(where, HOUSEHOLD, core)
    plan.known_cadre(where, values)
    hid = given_id or _new_id()
    plan.household_ids.add(hid)
    if values:
        writes.append(("households", hid, values))
    checked_members = []
    for j, m in enumerate(members, 1):
        mid = plan.record_id(f"{where}, member {j}", m, "members")
        mv = plan.check(
            f"{where}, member {j}",
            MEMBER,
            derive_member({k: x for k, x in m.items() if k != "id"} | {"household_id": hid}),
        )
        if mv:
            checked_members.append(mv)
            writes.append(("members", mid, mv))
            # The same ID number in another household of the file or of the register is no
            # reason to refuse the file: it is stored and reported as a 疑点 (storage.duplicates)
            # for a clerk to decide. Twice in one household is a typing error, refused below.
            if mv.get("id_number"):
                plan.id_numbers.add(mv["id_number"])
    if len(checked_members) == len(members) and members and len(members) == len(raw_members or []):
        plan.problems += [
            f"{where}, {p.field}: {p.message}" for p in validate_household_members(checked_members)
        ]
    for j, f in enumerate(plan.nested(where, h.get("finances"), "finances"), 1):
        fv = plan.check(f"{where}, finances {j}", FINANCE, {**f, "household_id": hid})
        if fv and plan.once(("finance", hid, fv["year"]), f"{where}, finances {j}"):
            writes.append(("finances*", hid, fv))
    for j, s in enumerate(plan.nested(where, h.get("status_history"), "status_history"), 1):
        sid = plan.record_id(f"{where}, status_history {j}", s, "status_history")
        sv = plan.check(
            f"{where}, status_history {j}",
            STATUS_CHANGE,
            {**{k: x for k, x in s.items() if k != "id"}, "household_id": hid},
        )
        if sv:
            writes.append(("status_history", sid, sv))
    for j, p in enumerate(plan.nested(where, h.get("procedures"), "procedures"), 1):
        pid = plan.record_id(f"{where}, procedures {j}", p, "procedure_steps")
        pv = plan.check(
            f"{where}, procedures {j}",
            PROCEDURE_STEP,
            {**{k: x for k, x in p.items() if k != "id"}, "household_id": hid},
        )
        if pv:
            writes.append(("procedure_steps", pid, pv))
    for j, v in enumerate(plan.nested(where, h.get("visits"), "visits"), 1):
        vid_ = plan.record_id(f"{where}, visit {j}", v, "visits")
        core_v = {k: x for k, x in v.items() if k not in ("id", "changes")}
        vv = plan.check(f"{where}, visit {j}", VISIT, {**core_v, "household_id": hid})
        plan.known_cadre(f"{where}, visit {j}", vv)
        problem = _changes_problem(v.get("changes"))
        if problem:
            plan.problems.append(f"{where}, visit {j}, changes: {problem}")
        elif vv:
            vv["changes"] = json.dumps(v.get("changes") or [], ensure_ascii=False)
            writes.append(("visits", vid_, vv))
    for j, m in enumerate(plan.nested(where, h.get("measures"), "measures"), 1):
        _plan_measure(plan, writes, f"{where}, measure {j}", m, vid, hid)


def _apply(store: Store, writes: list, plan: _Plan) -> None:
    """Write the plan: updates field by field through the change log, inserts in batches."""
    pending: dict[str, tuple[list, list]] = {}
    for table, rid, values in writes:
        if table.endswith("*"):  # keyed by (owner, year) rather than by id
            table = table[:-1]
            owner = "village_id" if table == "village_facts" else "household_id"
            year = values["year"]
            found = store.find(table, f"{owner} = ? and year = ?", [rid, year])
            if table == "village_facts":
                values = {
                    "village_id": rid,
                    "year": year,
                    "data": {k: x for k, x in values.items() if k != "year"},
                }
            rid = found[0]["id"] if found else None
        else:
            rid = rid or values.pop("id", None)
            values.pop("id", None)
        existing = store.get(table, rid, include_deleted=True) if rid else None
        if existing is not None and existing["deleted"]:
            plan.counts["skipped"] += 1  # deleted here: an import does not revive it
            continue
        if existing is not None:
            changed = store.update(table, rid, values)
            plan.counts["updated" if changed else "unchanged"] += 1
        else:
            ids, rows = pending.setdefault(table, ([], []))
            ids.append(rid)
            rows.append(values)
            plan.counts["inserted"] += 1
        if table == "villages" or table == "groups" or table == "cadres":
            _flush(store, pending)  # households and measures refer to these
    _flush(store, pending)


def _flush(store: Store, pending: dict) -> None:
    order = [
        "policy_values",
        "villages",
        "groups",
        "village_facts",
        "cadres",
        "households",
        "members",
        "finances",
        "status_history",
        "visits",
        "measures",
        "procedure_steps",
        "exit_plans",
    ]
    for table in order:
        if table in pending:
            ids, rows = pending.pop(table)
            store.insert_many(table, rows, ids=ids)
