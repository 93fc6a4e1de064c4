"""The one door for every write the app makes: named intents, each one transaction, each
returning the Changes it made so that every view refreshes only what the flags name."""

from __future__ import annotations

import contextlib
import functools
import os
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Callable, Iterable

from forms import choices as C
from forms import history
from forms.entities import FORMS
from forms.fields import display
from forms.idnumber import normalize_id_number
from forms.validation import parse_value

from . import (
    activity,
    closing,
    demo,
    duplicates,
    enrolment,
    interchange,
    procedures,
    register,
    snapshots,
    sync,
)
from .changes import Changes
from .db import StorageError, Store, open_store
from .register import ValidationError  # noqa: F401 - what every intent may raise
from .schema import TABLES

# Household fields the scope tree counts by (places and still-poor counts).
TREE_FIELDS = frozenset({"status", "group_id", "village_id"})
# Entities whose records belong to one household through household_id.
OF_HOUSEHOLD = ("member", "finance", "visit", "measure", "status_change")


# -- editing any record ------------------------------------------------------------------------
def _in_visit(intent):
    """An intent made during a visit: every change it logs says which visit (the household's
    history shows it)."""

    @functools.wraps(intent)
    def during(store: Store, *args, visit_id: str | None = None, **kw):
        visit = store.get("visits", visit_id) if visit_id else None
        context = store.during(f"走访 {visit['date']}") if visit else contextlib.nullcontext()
        with context:
            return intent(store, *args, visit_id=visit_id, **kw)

    return during


@_in_visit
def edit_record(
    store: Store, entity: str, record_id: str, changes: dict, *, visit_id: str | None = None
) -> Changes:
    """Edit fields of a record (validated as register.update_record does). With an open visit
    of the same household, the edit is one of its findings, written in the same transaction."""
    table = TABLES[entity]
    current = register._require(store, table, record_id, FORMS[entity].label)
    hid = _household_of(entity, current)
    if entity == "finance":
        _refuse_closed(store, changes.get("year", current.get("year")), hid, "收支数据")
        if "year" in changes:
            _refuse_closed(store, current.get("year"), hid, "收支数据")
    elif entity == "policy":
        closing.refuse_if_closed(store, current.get("year"), None, "政策参数")
    if not (visit_id and hid):
        diff = register.update_record(store, entity, record_id, changes, current=current)
    else:
        with store.atomic():
            diff = register.update_record(store, entity, record_id, changes, current=current)
            findings = [_finding(entity, record_id, k, o, n) for k, (o, n) in diff.items()]
            if entity == "member":  # whose field it was, for the visit's before → after list
                findings = [{**f, "member": current.get("name")} for f in findings]
            _add_findings(store, visit_id, hid, findings)
    record = {**current, **{k: _stored(n) for k, (_, n) in diff.items()}}
    return _changes_of(entity, record_id, hid, diff, record=record)


@_in_visit
def edit_finance(
    store: Store, household_id: str, year: int, changes: dict, *, visit_id: str | None = None
) -> Changes:
    """A household's income and expenditure for a year; the year's record is made on need."""
    existing = register.finance_of(store, household_id, year)
    _refuse_closed(store, year, household_id, "收支数据")
    if existing:
        return edit_record(store, "finance", existing["id"], changes, visit_id=visit_id)
    with store.atomic():
        fid = register.set_finance(store, household_id, year, changes)
        record = store.get("finances", fid)
        diff = {k: (None, record[k]) for k in changes if record.get(k) is not None}
        if visit_id:
            findings = [_finding("finance", fid, k, o, n) for k, (o, n) in diff.items()]
            _add_findings(store, visit_id, household_id, findings)
    changes_ = _changes_of("finance", fid, household_id, diff, record=record)
    changes_.created = fid
    return changes_


def _refuse_closed(store: Store, year, household_id: str | None, what: str) -> None:
    household = store.get("households", household_id) if household_id else None
    if household is not None:
        closing.refuse_if_closed(store, year, [household["village_id"]], what)


def _household_of(entity: str, record: dict) -> str | None:
    if entity == "household":
        return record["id"]
    return record.get("household_id") if entity in OF_HOUSEHOLD else None


def _changes_of(entity: str, record_id: str, hid: str | None, diff: dict, **kw) -> Changes:
    """The flags an edit of `entity` raises."""
    out = Changes(entity=entity, record_id=record_id, diff=diff, **kw)
    if not diff:
        return out
    if hid:
        out.households = {hid}
    if entity == "household":
        out.household_fields = set(diff)
        out.criteria = True
        out.tree = bool(TREE_FIELDS & set(diff))
    elif entity == "member":
        out.members = out.criteria = True
    elif entity == "finance":
        out.finances = out.criteria = True
    elif entity == "visit":
        out.visits = True
    elif entity == "measure":
        out.measures = True
    elif entity == "status_change":
        out.status = True
    elif entity == "policy":
        out.policy = out.criteria = True
    elif entity in ("village_facts", "county_facts"):
        out.facts = True
    else:  # village, group, cadre
        out.register = out.tree = True
    return out


def _stored(value):
    """A value as a read of the record returns it (dates as ISO text, lists not tuples)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


# -- a visit's findings (before → after) -------------------------------------------------------
def _finding(entity: str, record_id: str, key: str, old, new) -> dict:
    f = FORMS[entity][key]
    return {
        "entity": entity,
        "record_id": record_id,
        "field": key,
        "label": f.label,
        "old": _plain(f, old),
        "new": _plain(f, new),
    }


def _plain(f, value):
    """A value as it reads in a visit's before → after list."""
    if value is None:
        return None
    try:
        value = parse_value(f, value) if not isinstance(value, (list, bool)) else value
    except ValueError:
        pass
    return display(f, value)


def _add_findings(store: Store, visit_id: str, household_id: str, findings: list[dict]) -> None:
    visit = store.get("visits", visit_id)
    if visit is None or visit["household_id"] != household_id or not findings:
        return  # a visit of another household: the edit is not one of its findings
    activity.add_visit_changes(store, visit_id, findings)


MEMBER_FINDING = "家庭成员"


# -- members ----------------------------------------------------------------------------------
@_in_visit
def add_member(
    store: Store, household_id: str, values: dict, *, visit_id: str | None = None
) -> Changes:
    """A new member; during a visit of the household, one of its findings (家庭成员 → name)."""
    with store.atomic():
        mid = register.add_member(store, household_id, values)
        if visit_id:
            _add_findings(store, visit_id, household_id, [_member_finding(mid, None, values)])
    return Changes(
        households={household_id},
        members=True,
        criteria=True,
        created=mid,
        entity="member",
        record_id=mid,
    )


@_in_visit
def remove_member(store: Store, member_id: str, *, visit_id: str | None = None) -> Changes:
    """A member leaves the register (a tombstone); the head only when nobody else is left."""
    member = register._require(store, "members", member_id, "家庭成员")
    hid = member["household_id"]
    with store.atomic():
        register.delete_member(store, member_id)
        if visit_id:
            _add_findings(store, visit_id, hid, [_member_finding(member_id, member, None)])
    return Changes(
        households={hid}, members=True, criteria=True, entity="member", record_id=member_id
    )


@_in_visit
def member_leaves(
    store: Store,
    member_id: str,
    left_date,
    left_reason,
    *,
    visit_id: str | None = None,
    today: date | None = None,
) -> Changes:
    """A member leaves the household (死亡, 嫁出, 迁出 …) on a date: an edit of 离开日期 and
    离开原因, so that the member stays in the register, among the former members, and counts
    no more from that date (docs/domain.md, "Members over time"). Refused (ValidationError)
    without both, with a date in the future or before the member joined or was born, or for a
    head while others stay and none of them is head. During a visit, one of its findings."""
    member = register._require(store, "members", member_id, "家庭成员")
    others = register.members_of(store, member["household_id"])
    problems = history.leave_problems(member, left_date, left_reason, others, today)
    if problems:
        raise ValidationError(problems)
    values = {"left_date": left_date, "left_reason": left_reason}
    return edit_record(store, "member", member_id, values, visit_id=visit_id)


def _member_finding(member_id: str, before: dict | None, after: dict | None) -> dict:
    return {
        "entity": "member",
        "record_id": member_id,
        "field": "member",
        "label": MEMBER_FINDING,
        "old": (before or {}).get("name"),
        "new": (after or {}).get("name"),
    }


# -- visits, status, measures -----------------------------------------------------------------
def start_visit(store: Store, household_id: str, values: dict) -> Changes:
    """A household visit (入户走访) begins; edits until it ends are its findings."""
    vid = activity.record_visit(store, household_id, values)
    return Changes(
        households={household_id}, visits=True, created=vid, entity="visit", record_id=vid
    )


def end_visit(store: Store, visit_id: str, values: dict) -> Changes:
    """What was found, noted and to follow up, written when the visit ends."""
    return edit_record(store, "visit", visit_id, values)


def change_status(
    store: Store,
    household_id: str,
    status: str,
    when,
    reason: str = "",
    *,
    year: int | None = None,
    confirmed_unmet: bool = False,
) -> Changes:
    """A step of "有进有出、动态管理": the household's new status with date and reason."""
    before = register._require(store, "households", household_id, "贫困户")
    under_way = procedure_under_way(store, household_id)
    if under_way is not None:
        raise StorageError(
            f"该户正在进行{under_way.kind.title}（{under_way.label()}），户状态将在程序最后一步"
            f"“{under_way.kind.last.name}”时变更；如需直接变更，请先终止该程序"
        )
    when_year = year if type(year) is int else int(str(when)[:4]) if when else None
    closing.refuse_if_closed(store, when_year, [before["village_id"]], "户状态")
    sid = activity.set_household_status(
        store, household_id, status, when, reason, year=year, confirmed_unmet=confirmed_unmet
    )
    after = store.get("households", household_id)
    diff = {
        k: (before.get(k), after.get(k))
        for k in after
        if before.get(k) != after.get(k) and k not in ("updated_at", "hlc", "device_id")
    }
    return Changes(
        households={household_id},
        household_fields=set(diff),
        status=True,
        criteria=True,
        tree=True,
        created=sid,
        entity="household",
        record_id=household_id,
        record=after,
        diff=diff,
    )


def procedure_under_way(store: Store, household_id: str):
    """The household's procedure under way (forms.procedures.Procedure), or None."""
    return next(
        (p for p in reversed(procedures.procedures_of(store, household_id)) if p.open), None
    )


# -- procedures (有进有出、动态管理, forms.procedures) ------------------------------------------------
def record_procedure_step(
    store: Store, household_ids: list[str], step: str, when, **options
) -> tuple[procedures.Recorded, Changes]:
    """One step of the households' procedures (a notice lists many), all or nothing; the last
    step changes their status. Options: kind, year, days, document, note, reason, today."""
    done = procedures.record_step(store, list(household_ids), step, when, **options)
    out = Changes(
        households=set(household_ids),
        procedures=True,
        entity="procedure_step",
        record_id=done.ids[0] if done.ids else None,
        created=done.ids[0] if done.ids else None,
    )
    if done.completed:
        out.status = out.criteria = out.tree = True
        out.household_fields = {"status", "exit_year", "identification_year"}
    return done, out


def apply_household(
    store: Store,
    values: dict,
    members: Iterable[dict],
    when,
    *,
    document: str | None = None,
    note: str | None = None,
) -> Changes:
    """A household applies to be identified (农户申请): it is entered as 待识别, outside the
    register, and its identification procedure begins, in one transaction. Its 公告 makes it
    未脱贫 (forms.procedures.IDENTIFY)."""
    with store.atomic():
        hid = register.add_household(store, {**values, "status": C.STATUS_APPLICANT}, members)
        procedures.record_step(
            store, [hid], "申请", when, kind="identify", document=document, note=note
        )
    return Changes(
        households={hid},
        members=True,
        criteria=True,
        tree=True,
        procedures=True,
        created=hid,
        entity="household",
        record_id=hid,
    )


def set_exit_plan(
    store: Store, village_id: str, year: int, households=None, people=None, note=None
) -> Changes:
    """The county's exit task of a village for a year (年度减贫任务), sent to the team by sync."""
    _county_sets(store, "年度减贫任务")
    closing.refuse_if_closed(store, year, [village_id], "年度减贫计划")
    values = {"households": households, "people": people, "set_by": store.operator}
    if note is not None:
        values["note"] = note
    pid = procedures.set_exit_plan(store, village_id, year, values)
    return Changes(procedures=True, entity="exit_plan", record_id=pid)


def propose_exit_plan(
    store: Store, village_id: str, year: int, households=None, people=None, note=None
) -> Changes:
    """The team's proposal for its village's task of a year; the county decides the task."""
    closing.refuse_if_closed(store, year, [village_id], "年度减贫计划")
    values = {
        "proposed_households": households,
        "proposed_people": people,
        "proposed_by": store.operator,
    }
    if note is not None:
        values["note"] = note
    pid = procedures.set_exit_plan(store, village_id, year, values)
    return Changes(procedures=True, entity="exit_plan", record_id=pid)


def plan_measure(store: Store, values: dict) -> Changes:
    """A measure (帮扶措施) for a household or the village."""
    mid = activity.add_measure(store, values)
    hid = values.get("household_id")
    return Changes(
        households={hid} if hid else set(),
        measures=True,
        created=mid,
        entity="measure",
        record_id=mid,
    )


@_in_visit
def finish_measure(
    store: Store, measure_id: str, when: date | None = None, *, visit_id: str | None = None
) -> Changes:
    return edit_record(
        store,
        "measure",
        measure_id,
        {"done_date": when or date.today(), "status": C.MEASURE_DONE},
        visit_id=visit_id,
    )


# -- the register's places and people ---------------------------------------------------------
def add_village(store: Store, values: dict) -> Changes:
    vid = register.add_village(store, values)
    return Changes(register=True, tree=True, created=vid, entity="village", record_id=vid)


def add_group(store: Store, village_id: str, name: str) -> Changes:
    gid = register.add_group(store, village_id, name)
    return Changes(register=True, tree=True, created=gid, entity="group", record_id=gid)


def add_cadre(store: Store, values: dict) -> Changes:
    cid = register.add_cadre(store, values)
    return Changes(register=True, created=cid, entity="cadre", record_id=cid)


def register_household(
    store: Store, values: dict, members: Iterable[dict], reason: str, when: date | None = None
) -> Changes:
    """A newly identified household with its members; the entry is kept in its status history
    ("有进有出、动态管理"), all in one transaction."""
    with store.atomic():
        hid = register.add_household(store, {**values, "status": C.STATUS_POOR}, members)
        activity.set_household_status(store, hid, C.STATUS_POOR, when or date.today(), reason)
    return Changes(
        households={hid},
        members=True,
        criteria=True,
        tree=True,
        status=True,
        created=hid,
        entity="household",
        record_id=hid,
    )


# -- the same person in two places (疑点, storage.duplicates) ------------------------------------
def decide_same_person(
    store: Store, id_number: str, keep_member_id: str, note: str = ""
) -> Changes:
    """The members holding `id_number` are one person, who stays in the household of
    `keep_member_id`: the others leave the register (tombstones, stamped and logged, so that the
    deletes travel by USB), and the decision is recorded, in one transaction. Refused, with
    nothing changed: a number no longer duplicated, a member not among its holders, or a member
    to remove who heads a household with other members (another head must be chosen first)."""
    group, keep = _duplicate_member(store, id_number, keep_member_id)
    removed = [m for m in group.members if m.member_id != keep.member_id]
    for m in removed:
        member = store.get("members", m.member_id)
        household = register.members_of(store, m.household_id)
        if member["relation"] == duplicates.HEAD and len(household) > 1:
            raise StorageError(
                f"{m.name}是{_place(m)}的户主，该户还有其他成员：请先在该户另设户主，"
                "再按同一人处理（the member to remove heads a household with other members）"
            )
    with store.atomic():
        for m in removed:
            register.delete_member(store, m.member_id)
        _record_decision(
            store, group.id_number, duplicates.SAME, note, keep_member_id=keep.member_id
        )
    return Changes(
        households={m.household_id for m in group.members},
        members=True,
        criteria=True,
        entity="member",
        record_id=keep.member_id,
    )


def decide_different_people(
    store: Store, id_number: str, member_id: str, new_id_number: str, note: str = ""
) -> Changes:
    """The members holding `id_number` are different people, and `member_id`'s number is the
    wrong one: it is corrected to `new_id_number` by the ordinary validated edit
    (register.update_record: check digit, birth date, a number held elsewhere — with the same
    Chinese messages; birth date and sex follow the new number), and the decision is recorded,
    in one transaction. Refused, with nothing changed: a number no longer duplicated, a member
    not among its holders, or a new number the edit refuses or that is the same."""
    group, member = _duplicate_member(store, id_number, member_id)
    if not normalize_id_number(new_id_number):
        raise StorageError("请输入更正后的身份证号（no corrected ID number given）")
    if normalize_id_number(new_id_number) == group.id_number:
        raise StorageError(
            f"新身份证号与原号 {group.id_number} 相同，请输入更正后的号码（the same number）"
        )
    current = register._require(store, "members", member.member_id, "家庭成员")
    with store.atomic():
        diff = register.update_record(
            store, "member", member.member_id, {"id_number": new_id_number}, current=current
        )
        _record_decision(
            store,
            group.id_number,
            duplicates.DIFFERENT,
            note,
            corrected_member_id=member.member_id,
            new_id_number=diff["id_number"][1],
        )
    record = {**current, **{k: _stored(n) for k, (_, n) in diff.items()}}
    out = _changes_of("member", member.member_id, member.household_id, diff, record=record)
    out.households = {m.household_id for m in group.members}
    return out


def _duplicate_member(store: Store, id_number: str, member_id: str):
    """The 疑点 of `id_number` and its member `member_id`, or a refusal."""
    number = normalize_id_number(id_number)
    group = duplicates.group_of(store, number)
    if group is None:
        raise StorageError(
            f"身份证号 {number} 现已不再重复登记，无需处理（the ID number is no longer duplicated）"
        )
    member = next((m for m in group.members if m.member_id == member_id), None)
    if member is None:
        raise StorageError(
            f"成员 {member_id} 不在身份证号 {number} 的疑点中（the member does not hold this number）"
        )
    return group, member


def _place(m: duplicates.DuplicateMember) -> str:
    return f"{m.village_name}{m.group_name or ''}{m.household_no or ''}号户"


def _record_decision(store: Store, id_number: str, decision: str, note: str, **members) -> str:
    """One row of duplicate_decisions (a plain table: it does not travel; what the decision
    changed does, through the change log)."""
    did = str(uuid.uuid4())
    row = {
        "id": did,
        "id_number": id_number,
        "decision": decision,
        "keep_member_id": members.get("keep_member_id"),
        "corrected_member_id": members.get("corrected_member_id"),
        "new_id_number": members.get("new_id_number"),
        "note": (note or "").strip() or None,
        "decided_by": store.operator,
        "decided_at": datetime.now().isoformat(timespec="seconds"),
    }
    with store.atomic():
        store.db.conn.execute(
            f"insert into duplicate_decisions ({', '.join(row)}) "
            f"values ({', '.join('?' * len(row))})",
            list(row.values()),
        )
    return did


# -- yearly values ----------------------------------------------------------------------------
def set_village_facts(store: Store, village_id: str, year: int, data: dict) -> Changes:
    closing.refuse_if_closed(store, year, [village_id], "村级基础数据")
    fid = register.set_village_facts(store, village_id, year, data)
    return Changes(facts=True, entity="village_facts", record_id=fid)


def set_county_facts(store: Store, county: str, year: int, data: dict) -> Changes:
    _county_sets(store, "县级数据")
    closing.refuse_if_closed(store, year, None, "县级基础数据")
    fid = register.set_county_facts(store, county, year, data)
    return Changes(facts=True, entity="county_facts", record_id=fid)


def set_policy(store: Store, year: int, values: dict) -> Changes:
    """A year's policy values; every household's criteria of that year are read anew."""
    _county_sets(store, "年度政策参数")
    closing.refuse_if_closed(store, year, None, "年度政策参数")
    pid = register.set_policy(store, year, values)
    return Changes(policy=True, criteria=True, entity="policy", record_id=pid)


def _county_sets(store: Store, what: str) -> None:
    """On an enrolled team's laptop the county's values come by sync; an edit here would
    never reach the county and would hide the county's from this laptop."""
    if store.role != "county" and enrolment.team_of(store) is not None:
        raise StorageError(
            f"{what}由县扶贫办统一设定，随同步数据包下发，工作队电脑上不能修改"
            "（set by the county; comes with its packages）"
        )


# -- closed years (年度数据封存) ------------------------------------------------------------------
def _villages_to(store: Store, village_code: str | None) -> list[dict]:
    if village_code:
        v = register.find_village(store, village_code)
        if v is None:
            raise StorageError(f"数据库中没有行政区划代码为 {village_code} 的村")
        return [v]
    villages = register.list_villages(store)
    if not villages:
        raise StorageError("数据库中还没有村")
    return villages


def close_year(
    store: Store,
    year: int,
    village_code: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict, Changes]:
    """Close a year for one village or every village of the file: the criteria inputs and
    verdicts of each household frozen, one transaction. Re-closing a reopened year freezes
    the data as it is now."""
    if type(year) is not int:
        raise StorageError("请填写要封存的年度")
    villages = _villages_to(store, village_code)
    if store.role != "county" and enrolment.team_of(store) is not None:
        # "the county — or a team for its own villages, where the county allows it"
        policy = register.policy_for(store, year) or {}
        if not policy.get("teams_may_close"):
            raise StorageError(
                f"{year}年度由县扶贫办统一封存；县里在年度政策参数中允许后，工作队才能封存本村"
                "（the county closes the year unless it lets the teams）"
            )
    from .backup import BEFORE_CLOSE

    snapshot(store, BEFORE_CLOSE)
    with store.during(f"封存 {year} 年度"):
        counts = closing.close_year(
            store,
            year,
            [v["id"] for v in villages],
            lambda vid: snapshots.household_snapshots(
                store, year, village_id=vid, with_measures=False, frozen=False
            ),
            progress,
        )
    return counts, Changes(closed_years=True, criteria=True, entity="year_closure")


def reopen_year(
    store: Store, year: int, reason: str, village_code: str | None = None
) -> tuple[int, Changes]:
    """Reopen a closed year (reason required, logged and synced): its figures follow the
    register again until it is closed anew."""
    villages = _villages_to(store, village_code)
    with store.during(f"重新打开 {year} 年度"):
        n = closing.reopen_year(store, year, [v["id"] for v in villages], reason)
    return n, Changes(closed_years=True, criteria=True, entity="year_closure")


# -- whole files ------------------------------------------------------------------------------
def open_register(
    path: str | os.PathLike,
    *,
    create: bool = False,
    role: str = "village",
    operator: str | None = None,
) -> Store:
    """Open (or make) a register; a new one gets the reference policy values."""
    new = not Path(path).exists() or Path(path).stat().st_size == 0
    store = open_store(path, create=create, role=role, operator=operator)
    try:
        if new:
            register.seed_default_policy(store)
    except BaseException:
        store.close()
        raise
    return store


def snapshot(store: Store, reason: str) -> None:
    """A checked backup of the register before a write of many records (storage.backup); when
    it cannot be made, the write is refused: nothing is done that could not be undone."""
    from . import backup

    if not backup.enabled():
        return
    try:
        backup.snapshot(store.db.conn, store.path, reason)
    except (StorageError, OSError) as e:
        raise StorageError(f"{reason}备份未能完成，未作任何改动：{e}") from None


def import_register(store: Store, data: dict) -> tuple[dict, Changes]:
    """An interchange document, all or nothing (storage.interchange), after a backup."""
    from .backup import BEFORE_IMPORT

    snapshot(store, BEFORE_IMPORT)
    with store.during("导入交换文件"):
        counts = interchange.import_register(store, data)
    return counts, Changes(everything=bool(counts.get("inserted") or counts.get("updated")))


def import_json_file(
    path: str | os.PathLike, source: str | os.PathLike, operator: str | None = None
) -> dict:
    """Read an interchange file and import it into the register at `path` on a connection of
    its own (a worker thread's); returns the counts."""
    data = interchange.read_json(source)
    store = open_store(path, operator=operator)
    try:
        return import_register(store, data)[0]
    finally:
        store.close()


def import_xlsx(store: Store, plan) -> tuple[dict, Changes]:
    """The valid households of a checked Excel ledger (storage.xlsx_import.plan_import), in one
    transaction through the register's write path."""
    from . import xlsx_import
    from .backup import BEFORE_IMPORT

    snapshot(store, BEFORE_IMPORT)
    with store.during("导入 Excel 台账"):
        counts = xlsx_import.apply(store, plan)
    changed = any(v for k, v in counts.items() if not k.endswith("unchanged"))
    return counts, Changes(everything=changed)


def write_demo(
    path: str | os.PathLike,
    *,
    villages: int,
    households: int,
    seed: int | None = None,
    operator: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """A synthetic county in a new file (storage.demo); returns its counts. A run that fails
    or is interrupted leaves no half-made file behind."""
    store = open_store(path, create=True, role="county", operator=operator)
    options = {} if seed is None else {"seed": seed}
    try:
        counts = demo.generate(
            store, villages=villages, households=households, progress=progress, **options
        )
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    store.close()
    return counts


# -- the USB sync -----------------------------------------------------------------------------
def register_team(
    store: Store, name: str, village_codes: list[str], passphrase: str, out_folder: Path
) -> tuple[enrolment.Team, Path]:
    """At the county: a work team and its enrolment file (storage.enrolment)."""
    return enrolment.register_team(store, name, village_codes, passphrase, out_folder)


def enroll(store: Store, path: Path, passphrase: str) -> enrolment.Team:
    """On the team's laptop: import the enrolment file, once."""
    return enrolment.enroll(store, path, passphrase)


def sync_export(store: Store, folder: Path, *, teams: Iterable[str] | None = None) -> list:
    """Write the packages for the other side onto the stick (storage.sync)."""
    return sync.export(store, folder, teams=teams)


def sync_import(
    store: Store, paths: Iterable[Path], *, progress: Callable[[int, int, str], None] | None = None
) -> tuple[list, Changes]:
    """Import packages (files or folders), after one backup; each applied or refused whole."""
    from .backup import BEFORE_SYNC

    snapshot(store, BEFORE_SYNC)
    results = sync.import_paths(store, paths, progress=progress)
    applied = [r for r in results if r.result == "applied" and (r.taken or r.inserted)]
    households = set().union(*(r.households for r in applied)) if applied else set()
    return results, Changes(everything=bool(applied), households=households)


def sync_resolve(store: Store, conflict_id: str, keep: str) -> Changes:
    """Decide a conflict: the value kept, when it is the one that lost, is written anew."""
    with store.during("处理同步冲突"):
        written = sync.resolve(store, conflict_id, keep)
    return Changes(everything=bool(written), diff=written or {})


@dataclass
class SyncBatch:
    """What a batch import did (sync_import_file): each package's result, the Changes, the
    receipts written back at the county, the log's path, and why receipts could not be written."""

    results: list
    changes: Changes
    receipts: list = field(default_factory=list)  # sync.Exported, one per team
    log: Path | None = None
    receipts_folder: Path | None = None
    receipt_error: str | None = None


def sync_import_file(
    path: str | os.PathLike,
    sources: Iterable[str | os.PathLike],
    *,
    operator: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    receipts_folder: str | os.PathLike | None = None,
) -> SyncBatch:
    """Import packages into the register at `path` on a connection of its own (a worker
    thread's), append the sync log beside it, and at the county write a receipt package back to
    each team into `receipts_folder` (the packages' folder). A receipt that cannot be written
    (a full stick) leaves the imports done and says why."""
    store = open_store(path, operator=operator)
    try:
        results, changes = sync_import(store, [Path(s) for s in sources], progress=progress)
        batch = SyncBatch(results, changes, log=sync.append_log(store, results))
        if store.role == "county" and receipts_folder is not None:
            batch.receipts_folder = Path(receipts_folder)
            try:
                batch.receipts = sync.write_receipts(store, results, receipts_folder)
            except (StorageError, OSError) as e:
                batch.receipt_error = str(e)
        return batch
    finally:
        store.close()


def observe_file(store: Store) -> None:
    """After another connection (a worker's import) wrote the file: this connection's clock
    takes in the file's newest stamp, so that its next edit is stamped above what arrived."""
    last = store.meta().get("hlc_last")
    if last and store.clock is not None:
        store.clock.observe(last)
