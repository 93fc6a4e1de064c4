"""Named operations on the register: villages, groups, cadres, households, members, finances."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import date
from typing import Iterable

from forms import choices as C
from forms.entities import CADRE, FINANCE, FORMS, GROUP, HOUSEHOLD, MEMBER, POLICY, VILLAGE
from forms.fields import Form, blank
from forms.validation import (
    Problem,
    check_value,
    clean_record,
    cross_problems,
    derive_member,
    parse_value,
)

from .db import StorageError, Store
from .schema import TABLES


class ValidationError(StorageError):
    """Values the forms refuse; `problems` lists every one, each with its field."""

    def __init__(self, problems: list[Problem], context: str = ""):
        self.problems = problems
        text = "；".join(str(p) for p in problems)
        super().__init__(f"{context}{text}" if context else text)


def clean(form: Form, values: dict, *, partial: bool = False) -> dict:
    """Parse and validate values with their declarations; raise ValidationError with every
    problem. partial=True checks only the given fields (an edit of one field)."""
    values = {k: v for k, v in values.items() if k != "id"}
    if not partial:
        parsed, problems = clean_record(form, values)
    else:
        parsed, problems = {}, []
        for key, raw in values.items():
            field = form.get(key)
            message = "未知字段" if field is None else check_value(field, raw)
            if message:
                problems.append(Problem(key, field.label if field else key, message))
            else:
                parsed[key] = parse_value(field, raw)
    if problems:
        raise ValidationError(problems)
    return parsed


def natural_id(table: str, *key) -> str:
    """The id of a record that is one per key (a year's policy values, a household's finances of
    a year, a village's facts of a year): the same on every laptop and at the county, so that
    two registers that each made it merge into one record, not two."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "fupin:" + table + ":" + "|".join(map(str, key))))


def _require(store: Store, table: str, record_id: str, what: str) -> dict:
    record = store.get(table, record_id)
    if record is None:
        raise StorageError(f"{what}不存在（{record_id}）")
    return record


# -- villages, groups, cadres ---------------------------------------------------------------
def add_village(store: Store, values: dict, *, record_id: str | None = None) -> str:
    values = clean(VILLAGE, values)
    if find_village(store, values["code"]):
        raise ValidationError(
            [Problem("code", VILLAGE["code"].label, f"行政区划代码 {values['code']} 已存在")]
        )
    return store.insert("villages", values, record_id=record_id)


def find_village(store: Store, code: str) -> dict | None:
    # full-width digits and stray spaces, as typed with a Chinese input method
    code = unicodedata.normalize("NFKC", str(code)).strip()
    rows = store.find("villages", "code = ?", [code])
    return rows[0] if rows else None


def list_villages(store: Store) -> list[dict]:
    return store.find("villages", order_by="county, township, code")


def update_record(
    store: Store, entity: str, record_id: str, changes: dict, *, current: dict | None = None
) -> dict:
    """Edit fields of any entity's record after validating them (each field, the rules between
    fields the edit touches, unique codes and ID numbers); returns {field: (old, new)}.
    `current` is the record as the caller has just read it."""
    form = FORMS[entity]
    values = clean(form, changes, partial=True)
    table = TABLES[entity]
    if current is None:
        current = _require(store, table, record_id, form.label)
    if entity == "member" and values.get("id_number"):
        # the ID number is authoritative: birth date and sex follow a valid one
        derived = derive_member({"id_number": values["id_number"]})
        for key in ("birth_date", "sex"):
            if key not in values and derived.get(key) is not None:
                values[key] = derived[key]
    merged = {k: v for k, v in {**current, **values}.items() if k in form}
    problems = [
        Problem(f.key, f.label, "必填")
        for f in form.fields
        if f.required and blank(merged.get(f.key))
    ]
    problems += cross_problems(form, clean(form, merged, partial=True), values)
    if entity == "village" and values.get("code"):
        other = find_village(store, values["code"])
        if other and other["id"] != record_id:
            problems.append(
                Problem("code", VILLAGE["code"].label, f"行政区划代码 {values['code']} 已存在")
            )
    if entity == "member" and values.get("id_number"):
        problems += _id_number_taken(store, values["id_number"], current["household_id"], record_id)
    if problems:
        raise ValidationError(problems)
    return store.update(table, record_id, values, current=current)


def _id_number_taken(
    store: Store, id_number: str, household_id: str, member_id: str | None = None
) -> list[Problem]:
    """The same person may not stand in two households of the register."""
    for other in store.find("members", "id_number = ?", [id_number]):
        if other["id"] != member_id:
            household = store.get("households", other["household_id"])
            if household is None:
                continue
            where = (
                "本户"
                if other["household_id"] == household_id
                else f"{household['household_no']}号户"
            )
            return [
                Problem(
                    "id_number",
                    MEMBER["id_number"].label,
                    f"身份证号已登记在{where}（{other['name']}）",
                )
            ]
    return []


def add_group(store: Store, village_id: str, name: str, *, record_id: str | None = None) -> str:
    values = clean(GROUP, {"village_id": village_id, "name": name})
    return store.insert("groups", values, record_id=record_id)


def list_groups(store: Store, village_id: str) -> list[dict]:
    return store.find("groups", "village_id = ?", [village_id], order_by="name")


def add_cadre(store: Store, values: dict, *, record_id: str | None = None) -> str:
    return store.insert("cadres", clean(CADRE, values), record_id=record_id)


def list_cadres(store: Store, village_id: str | None = None) -> list[dict]:
    if village_id:
        return store.find("cadres", "village_id = ?", [village_id], order_by="name")
    return store.find("cadres", order_by="name")


# -- households and members -------------------------------------------------------------------
def add_household(
    store: Store, values: dict, members: Iterable[dict] = (), *, record_id: str | None = None
) -> str:
    """A household with its members, in one transaction."""
    values = clean(HOUSEHOLD, values)
    _require(store, "villages", values["village_id"], "村")
    with store.atomic():
        hid = store.insert("households", values, record_id=record_id)
        for m in members:
            add_member(store, hid, m)
    return hid


def add_member(
    store: Store, household_id: str, values: dict, *, record_id: str | None = None
) -> str:
    values = clean(MEMBER, derive_member({**values, "household_id": household_id}))
    if values.get("id_number"):
        problems = _id_number_taken(store, values["id_number"], household_id)
        if problems:
            raise ValidationError(problems)
    return store.insert("members", values, record_id=record_id)


def delete_member(store: Store, member_id: str) -> None:
    member = _require(store, "members", member_id, "家庭成员")
    if member["relation"] == "户主":
        others = [m for m in members_of(store, member["household_id"]) if m["id"] != member_id]
        if others:
            raise StorageError(f"不能删除户主 {member['name']}：请先把另一名成员设为户主")
    store.delete("members", member_id)


def members_of(store: Store, household_id: str) -> list[dict]:
    members = store.find("members", "household_id = ?", [household_id])
    order = {r: i for i, r in enumerate(C.RELATIONS)}
    return sorted(members, key=lambda m: (order.get(m["relation"], 99), m.get("birth_date") or ""))


def households_of(store: Store, village_id: str) -> list[dict]:
    return store.find("households", "village_id = ?", [village_id], order_by="household_no")


def head_of(members: list[dict]) -> dict | None:
    return next((m for m in members if m.get("relation") == "户主"), None)


# -- yearly finances, policy values, facts ------------------------------------------------------
def set_finance(store: Store, household_id: str, year: int, values: dict) -> str:
    """The household's income and expenditure for a year (one record per year)."""
    values = clean(FINANCE, {**values, "household_id": household_id, "year": year})
    existing = store.find("finances", "household_id = ? and year = ?", [household_id, year])
    if existing:
        store.update("finances", existing[0]["id"], values)
        return existing[0]["id"]
    return store.insert("finances", values, record_id=natural_id("finances", household_id, year))


def finance_of(store: Store, household_id: str, year: int) -> dict | None:
    rows = store.find("finances", "household_id = ? and year = ?", [household_id, year])
    return rows[0] if rows else None


def finances_of(store: Store, household_id: str) -> list[dict]:
    return store.find("finances", "household_id = ?", [household_id], order_by="year")


def set_policy(store: Store, year: int, values: dict) -> str:
    values = clean(POLICY, {**values, "year": year})
    existing = store.find("policy_values", "year = ?", [year])
    if existing:
        store.update("policy_values", existing[0]["id"], values)
        return existing[0]["id"]
    return store.insert("policy_values", values, record_id=natural_id("policy_values", year))


def policy_for(store: Store, year: int) -> dict | None:
    rows = store.find("policy_values", "year = ?", [year])
    return rows[0] if rows else None


def policy_years(store: Store) -> list[int]:
    return [r["year"] for r in store.find("policy_values", order_by="year")]


def seed_default_policy(store: Store) -> None:
    """Reference values (docs/domain.md), editable; the county confirms and sends them out."""
    from forms.criteria.policy import DEFAULT_POLICY

    with store.atomic():
        for year, values in sorted(DEFAULT_POLICY.items()):
            if policy_for(store, year) is None:
                store.insert("policy_values", clean(POLICY, {**values, "year": year}),
                             record_id=natural_id("policy_values", year), stamp=DEFAULT_STAMP)  # fmt: skip


# Every register seeds the same reference values under the same id and this stamp, older than any
# edit: the same rows everywhere, and the county's confirmed values win over them in a merge.
DEFAULT_STAMP = "0000000000000-00001-default"


def set_village_facts(store: Store, village_id: str, year: int, data: dict) -> str:
    from forms.facts import VILLAGE_FACTS

    data = clean(VILLAGE_FACTS, {**data, "year": year})
    data.pop("year", None)
    existing = store.find("village_facts", "village_id = ? and year = ?", [village_id, year])
    if existing:
        merged = {**(existing[0]["data"] or {}), **data}
        store.update("village_facts", existing[0]["id"], {"data": merged})
        return existing[0]["id"]
    return store.insert(
        "village_facts",
        {"village_id": village_id, "year": year, "data": data},
        record_id=natural_id("village_facts", village_id, year),
    )


def village_facts(store: Store, village_id: str, year: int) -> dict | None:
    rows = store.find("village_facts", "village_id = ? and year = ?", [village_id, year])
    return rows[0]["data"] if rows else None


def set_county_facts(store: Store, county: str, year: int, data: dict) -> str:
    from forms.facts import COUNTY_FACTS

    data = clean(COUNTY_FACTS, {**data, "year": year})
    data.pop("year", None)
    existing = store.find("county_facts", "county = ? and year = ?", [county, year])
    if existing:
        store.update(
            "county_facts", existing[0]["id"], {"data": {**(existing[0]["data"] or {}), **data}}
        )
        return existing[0]["id"]
    return store.insert(
        "county_facts",
        {"county": county, "year": year, "data": data},
        record_id=natural_id("county_facts", county, year),
    )


def county_facts(store: Store, county: str, year: int) -> dict | None:
    rows = store.find("county_facts", "county = ? and year = ?", [county, year])
    return rows[0]["data"] if rows else None


def finance_years(store: Store) -> list[int]:
    """Years for which some household has income and expenditure recorded."""
    return [
        r["year"]
        for r in store.db.query(
            "select distinct year from finances where deleted = 0 order by year"
        )
    ]


def default_year(store: Store, today: date | None = None) -> int:
    """The evaluation year to show when none is chosen: the latest year with household income
    figures that has policy values; else this year, or the latest year with policy values."""
    policy = policy_years(store)
    years = finance_years(store)
    if years and (not policy or years[-1] in policy):
        return years[-1]
    this_year = (today or date.today()).year
    if policy:
        return this_year if this_year in policy else policy[-1]
    return this_year
