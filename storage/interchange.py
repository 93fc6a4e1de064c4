"""The JSON interchange format fupin-register/1: export, and all-or-nothing import (an ID
number in two households is stored and reported as a 疑点, not refused: storage.duplicates)."""

from __future__ import annotations

import json
import os
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
from forms.validation import derive_member, validate_household_members

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
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise InterchangeError(f"不是 {FORMAT} 格式的文件（format: {found!r}）")
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
            self.problems.append(f"{where}, cadre_id: 没有这个帮扶干部（{cid}）")

    def check(self, where: str, form, values: dict, partial=False) -> dict | None:
        try:
            return clean(form, values, partial=partial)
        except ValidationError as e:
            self.problems += [f"{where}, {p.field}: {p.message}" for p in e.problems]
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
    plan = _Plan(store)
    writes: list[tuple[str, str | None, dict]] = []  # (table, existing id or None, values)
    village_ids: dict[str, str] = {}
    group_ids: dict[tuple[str, str], str] = {}
    existing_groups = {(g["village_id"], g["name"]): g["id"] for g in store.find("groups")}

    for i, p in enumerate(_records(data, "policy_values", plan), 1):
        values = plan.check(f"policy {i} ({p.get('year')})", POLICY, p)
        if values and plan.once(("policy", values["year"]), f"policy {i} ({values['year']})"):
            found = store.find("policy_values", "year = ?", [values["year"]])
            writes.append(("policy_values", found[0]["id"] if found else None, values))

    village_records = _records(data, "villages", plan)
    for i, v in enumerate(village_records, 1):
        where = f"village {i} ({v.get('code')} {v.get('name', '')})"
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
    for code in {h.get("village_code") for h in _records(data, "households", plan)}:
        if code and code not in village_ids:
            found = find_village(store, str(code))
            if found:
                village_ids[str(code)] = found["id"]

    cadre_ids = set(plan.cadre_ids)
    file_cadres = _records(data, "cadres", plan)
    plan.cadre_ids |= {c["id"] for c in file_cadres if isinstance(c.get("id"), str)}
    for i, c in enumerate(file_cadres, 1):
        where = f"cadre {i} ({c.get('name')})"
        code = c.get("village_code")
        core = {k: x for k, x in c.items() if k not in ("village_code",)}
        if code:
            if code not in village_ids:
                plan.problems.append(f"{where}, village_code: 没有代码为 {code} 的村")
                continue
            core["village_id"] = village_ids[code]
        values = plan.check(where, CADRE, core)
        if values:
            cid = c.get("id") or _new_id()
            writes.append(("cadres", cid if cid in cadre_ids else None, {**values, "id": cid}))
            cadre_ids.add(cid)

    for v in village_records:
        vid = village_ids.get(v.get("code"))
        where = f"village {v.get('code')}"
        for j, m in enumerate(plan.nested(where, v.get("measures"), "measures"), 1):
            _plan_measure(plan, writes, f"{where}, measure {j}", m, vid, None)

    for i, h in enumerate(_records(data, "households", plan), 1):
        _plan_household(plan, writes, i, h, village_ids, group_ids, existing_groups)

    if plan.problems:
        raise InterchangeError(
            f"导入失败：发现 {len(plan.problems)} 处问题，数据库未作任何改动", plan.problems
        )
    with store.atomic():
        _apply(store, writes, plan)
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
    if values:
        writes.append(("measures", m.get("id"), values))


def _plan_household(plan, writes, i, h, village_ids, group_ids, existing_groups):
    raw_members = h.get("members")
    head = (
        head_of([m for m in raw_members if isinstance(m, dict)])
        if isinstance(raw_members, list)
        else None
    )
    where = (
        f"household {i} (户主 {head['name']})"
        if head and head.get("name")
        else (f"household {i} ({h.get('household_no', '')})")
    )
    members = plan.nested(where, raw_members, "members")
    if h.get("id") in plan.tombstones:
        # deleted here: an import does not bring it back, nor add to it
        plan.counts["skipped"] += 1
        return
    if h.get("id") is not None and not plan.once(("household", h.get("id")), where):
        return
    code = h.get("village_code")
    if code not in village_ids:
        plan.problems.append(f"{where}, village_code: 没有代码为 {code} 的村")
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
    if h.get("group") is not None and not isinstance(h["group"], str):
        plan.problems.append(f"{where}, group: 应为社名")
    elif h.get("group"):
        gid = group_ids.get((vid, h["group"])) or existing_groups.get((vid, h["group"]))
        if gid is None:
            gid = group_ids[(vid, h["group"])] = _new_id()
            writes.append(("groups", None, {"id": gid, "village_id": vid, "name": h["group"]}))
        core["group_id"] = gid
    values = plan.check(where, HOUSEHOLD, core)
    plan.known_cadre(where, values)
    hid = h.get("id") or _new_id()
    if values:
        writes.append(("households", hid, values))
    checked_members = []
    for j, m in enumerate(members, 1):
        mv = plan.check(
            f"{where}, member {j}",
            MEMBER,
            derive_member({k: x for k, x in m.items() if k != "id"} | {"household_id": hid}),
        )
        if mv:
            checked_members.append(mv)
            writes.append(("members", m.get("id"), mv))
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
        sv = plan.check(
            f"{where}, status_history {j}",
            STATUS_CHANGE,
            {**{k: x for k, x in s.items() if k != "id"}, "household_id": hid},
        )
        if sv:
            writes.append(("status_history", s.get("id"), sv))
    for j, p in enumerate(plan.nested(where, h.get("procedures"), "procedures"), 1):
        pv = plan.check(
            f"{where}, procedures {j}",
            PROCEDURE_STEP,
            {**{k: x for k, x in p.items() if k != "id"}, "household_id": hid},
        )
        if pv:
            writes.append(("procedure_steps", p.get("id"), pv))
    for j, v in enumerate(plan.nested(where, h.get("visits"), "visits"), 1):
        core_v = {k: x for k, x in v.items() if k not in ("id", "changes")}
        vv = plan.check(f"{where}, visit {j}", VISIT, {**core_v, "household_id": hid})
        plan.known_cadre(f"{where}, visit {j}", vv)
        if vv:
            vv["changes"] = json.dumps(v.get("changes") or [], ensure_ascii=False)
            writes.append(("visits", v.get("id"), vv))
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
