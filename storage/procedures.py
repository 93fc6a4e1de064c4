"""The steps of households' procedures (forms.procedures), written one transaction at a time;
the yearly exit plan; who came in and who left in a year.

Each step is a record of procedure_steps, travelling by USB like any other. A checking step
(12项核查, 销号) reads the household's 12 criteria for the procedure's year and freezes them with
the step, as a closed year freezes them (storage.closing), so that a later edit never rewrites
why a household exited. The last step changes the household's status through the status
history (storage.activity), in the same transaction.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date

from forms import choices as C
from forms import procedures as P
from forms.criteria.household import evaluate_household
from forms.criteria.result import LOOKS, MET, NA
from forms.entities import EXIT_PLAN, PROCEDURE_STEP
from forms.history import parse_history, present_in_year, year_end_status

from . import activity, closing
from .db import StorageError, Store
from .register import _require, clean, natural_id


class ProcedureError(StorageError):
    """A step refused; `problems` lists each household's reasons."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("；".join(problems))


def steps_of(store: Store, household_id: str) -> list[dict]:
    return store.find(
        "procedure_steps", "household_id = ?", [household_id], order_by="procedure_id, seq"
    )


def procedures_of(store: Store, household_id: str) -> list[P.Procedure]:
    return P.procedures(steps_of(store, household_id))


def _steps_by_household(store: Store, household_ids: list[str]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {h: [] for h in household_ids}
    rows = store.find(
        "procedure_steps",
        "household_id in (select value from json_each(?))",
        [json.dumps(household_ids)],
        order_by="procedure_id, seq",
    )
    for r in rows:
        out.setdefault(r["household_id"], []).append(r)
    return out


@dataclass
class Recorded:
    """What record_step wrote: the step rows' ids, and the households whose procedure ended
    (their status changed)."""

    ids: list[str]
    completed: list[str]
    step: P.Step
    kind: P.Kind


def record_step(
    store: Store,
    household_ids: list[str],
    step: str,
    when,
    *,
    kind: str | None = None,
    year: int | None = None,
    days: int | None = None,
    document: str | None = None,
    note: str | None = None,
    reason: str | None = None,
    today: date | None = None,
) -> Recorded:
    """Record one step for one or more households (a notice lists many), all or nothing: any
    household the step is refused for refuses the whole, each reason named, nothing written."""
    if not household_ids:
        raise ProcedureError(["请选择要登记的户"])
    today = today or date.today()
    households = {hid: _require(store, "households", hid, "贫困户") for hid in household_ids}
    rows = _steps_by_household(store, list(households))
    problems: list[str] = []
    planned: dict[str, P.Planned] = {}
    for hid, h in households.items():
        pl = P.plan_step(
            h, rows[hid], step, when, kind_text=kind, year=year, days=days, reason=reason,
            today=today,
        )  # fmt: skip
        planned[hid] = pl
        who = f"户{h.get('household_no') or hid}：" if len(households) > 1 else ""
        problems += [who + p for p in pl.problems]
    if problems:
        raise ProcedureError(problems)
    for hid, pl in planned.items():
        try:
            closing.refuse_if_closed(
                store, pl.year, [households[hid]["village_id"]], f"{pl.kind.name}程序"
            )
        except closing.ClosedYearError as e:
            problems.append(str(e))
            break
    checked = _checked(store, planned, households, reason, problems)
    if problems:
        raise ProcedureError(problems)
    ids, completed = [], []
    with store.atomic():
        for hid, pl in planned.items():
            pid = pl.procedure.procedure_id if pl.procedure else None
            values = {
                "household_id": hid,
                "procedure_id": pid or str(uuid.uuid4()),
                "kind": pl.kind.name,
                "year": pl.year,
                "seq": pl.seq,
                "step": pl.step.name,
                "date": str(when)[:10],
                "days": (days or P.NOTICE_DAYS) if pl.step.notice else None,
                "document": document,
                "note": note,
                "reason": reason,
                "recorded_by": store.operator,
                **checked.get(hid, {}),
            }
            ids.append(store.insert("procedure_steps", clean(PROCEDURE_STEP, values)))
            if pl.step is pl.kind.last:
                _complete(store, households[hid], pl, when, document, reason, checked.get(hid))
                completed.append(hid)
    return Recorded(ids, completed, planned[household_ids[0]].step, planned[household_ids[0]].kind)


def _checked(store, planned, households, reason, problems) -> dict[str, dict]:
    """The 12 criteria of each household a checking step is recorded for, frozen: refused while
    a criterion is unmet or cannot be judged, unless a reason is given."""
    todo = [hid for hid, pl in planned.items() if pl.step.checks]
    out: dict[str, dict] = {}
    if not todo:
        return out
    from .snapshots import household_snapshots  # snapshots imports closing, which is fine here

    by_year: dict[int, list[str]] = {}
    for hid in todo:
        by_year.setdefault(planned[hid].year, []).append(hid)
    for year, hids in by_year.items():
        for snap in household_snapshots(store, year, household_ids=hids, with_measures=False):
            hid = snap["household"]["id"]
            evaluation = evaluate_household(snap)
            open_ = [c for c in evaluation.criteria if c.status not in (MET, NA)]
            if open_ and not (reason or "").strip():
                h = households[hid]
                names = "；".join(f"第{c.no}项{c.title}（{LOOKS[c.status].word}）" for c in open_)
                problems.append(
                    f"户{h.get('household_no') or hid}仍有{len(open_)}项指标未达标或无法判定："
                    f"{names}。请先落实帮扶措施；如确需继续，请填写原因"
                )
            out[hid] = {
                "unmet": json.dumps([c.no for c in open_]),
                "inputs": closing.encode(closing.frozen_inputs(snap)),
                "verdicts": json.dumps([c.status for c in evaluation.criteria], ensure_ascii=False),
            }
    return out


def _complete(store: Store, household: dict, pl: P.Planned, when, document, reason, checked):
    """The last step: the household's new status, in the status history, with the year."""
    kind = pl.kind
    rows = pl.procedure.rows if pl.procedure else []
    first_reason = next((r.get("reason") for r in rows if r.get("reason")), None)
    because = {
        "identify": "经识别程序纳入建档立卡",
        "exit": "经脱贫退出程序销号",
        "return": "经返贫程序重新纳入",
        "remove": f"清退：{first_reason or reason or ''}",
    }[kind.key]
    if document:
        because += f"（{document}）"
    unmet = bool(checked and json.loads(checked.get("unmet") or "[]"))
    activity.set_household_status(
        store,
        household["id"],
        kind.result,
        when,
        because,
        year=pl.year,
        confirmed_unmet=unmet,
    )
    if kind.key == "identify":
        store.update("households", household["id"], {"identification_year": pl.year})


def frozen_at(row: dict) -> dict | None:
    """A checking step's frozen criteria inputs (storage.closing's encoding), else None."""
    text = row.get("inputs")
    return closing.thawed(closing.decode(text), row["household_id"]) if text else None


def find_household(store: Store, text: str, village_id: str | None = None) -> dict:
    """A household by its record id, its 户编号 (within a village when given), or a member's ID
    number; refused in Chinese when none or more than one fits."""
    from forms.idnumber import normalize_id_number

    t = (text or "").strip()
    found = store.get("households", t) if t else None
    if found is not None:
        return found
    where, args = "household_no = ?", [t]
    if village_id:
        where, args = where + " and village_id = ?", [t, village_id]
    rows = store.find("households", where, args)
    if not rows and normalize_id_number(t):
        rows = store.find(
            "households",
            "id in (select household_id from members where deleted = 0 and id_number = ?)",
            [normalize_id_number(t)],
        )
    if not rows:
        raise StorageError(f"找不到户“{t}”（按户编号、身份证号或记录编号查找）")
    if len(rows) > 1:
        raise StorageError(f"户编号“{t}”在多个村中都有，请用 --village 指定村")
    return rows[0]


# -- a village's households by where their procedure stands ------------------------------------


@dataclass
class Standing:
    household: dict
    procedure: P.Procedure


def village_standings(store: Store, village_id: str | None = None) -> list[Standing]:
    """Every household of a village (or the file) with a procedure, and the one under way (else
    its latest)."""
    out = []
    for h, procs in _village_procedures(store, village_id):
        out.append(Standing(h, next((p for p in reversed(procs) if p.open), procs[-1])))
    return out


def _village_procedures(store: Store, village_id: str | None) -> list[tuple[dict, list]]:
    """(household, its procedures) of every household of a village (or the file) with one."""
    where, args = "", []
    if village_id:
        where, args = "village_id = ?", [village_id]
    households = {
        h["id"]: h for h in store.find("households", where, args, order_by="household_no")
    }
    sub = "household_id in (select id from households where deleted = 0"
    sub += " and village_id = ?)" if village_id else ")"
    rows: dict[str, list[dict]] = {}
    for r in store.find("procedure_steps", sub, args, order_by="procedure_id, seq"):
        rows.setdefault(r["household_id"], []).append(r)
    out = []
    for hid, steps in rows.items():
        procs = P.procedures(steps)
        if procs and hid in households:
            out.append((households[hid], procs))
    out.sort(key=lambda hp: str(hp[0].get("household_no") or ""))
    return out


def at_notice(store: Store, village_id: str, kind: str, year: int | None = None) -> dict:
    """What a 公示 or 公告 of `kind` (a procedure kind) reads: the households whose next step is
    the notice (to be posted), and those posted, by (date, days, document) of the posting. The
    report of the latest posting shows its date, period and number."""
    k = P.kind_named(kind)
    if k is None:
        raise StorageError(f"没有“{kind}”程序")
    due, posted = [], {}
    for s in village_standings(store, village_id):
        p = s.procedure
        if p.kind is not k or (year is not None and p.year != year):
            continue
        if p.next_step is not None and p.next_step.notice:
            due.append(s.household["id"])
        n = p.notice
        if n is not None:
            posted.setdefault((n["date"], n.get("days") or P.NOTICE_DAYS, n.get("document")), [])
            posted[(n["date"], n.get("days") or P.NOTICE_DAYS, n.get("document"))].append(
                s.household["id"]
            )
    return {"due": due, "posted": posted}


def postings(store: Store, village_id: str, year: int) -> dict[str, dict]:
    """The latest 公示 and 公告 of each procedure kind of a village's year, as the notice reports
    read them: report kind (forms.procedures.Kind.notice_report …) → {start, days, document,
    households}. The households posted together are those recorded with the same date, period
    and number."""
    groups: dict[tuple, list[str]] = {}
    for household, procs in _village_procedures(store, village_id):
        for p in procs:
            if p.year != year or p.terminated:
                continue
            for r in p.round:
                step = p.kind.step(r.get("step") or "")
                if step is None or not (step.notice or step.announce):
                    continue
                report = p.kind.notice_report if step.notice else p.kind.announce_report
                key = (report, r["date"], r.get("days") or P.NOTICE_DAYS, r.get("document") or "")
                groups.setdefault(key, []).append(household["id"])
    out: dict[str, dict] = {}
    for (report, day, days, document), hids in sorted(groups.items(), key=lambda kv: kv[0][1]):
        out[report] = {"start": day, "days": days, "document": document, "households": hids}
    return out


# -- the yearly plan (年度减贫任务) ----------------------------------------------------------------


def exit_plan(store: Store, village_id: str, year: int) -> dict | None:
    rows = store.find("exit_plans", "village_id = ? and year = ?", [village_id, year])
    return rows[0] if rows else None


def exit_plans(store: Store, year: int) -> dict[str, dict]:
    """village id → the year's plan row."""
    return {r["village_id"]: r for r in store.find("exit_plans", "year = ?", [year])}


def set_exit_plan(store: Store, village_id: str, year: int, values: dict) -> str:
    """Write fields of a village's plan of a year (the record is one per village and year: the
    same id on every machine, so that the county's task and a team's proposal merge)."""
    _require(store, "villages", village_id, "村")
    values = clean(EXIT_PLAN, {**values, "village_id": village_id, "year": year}, partial=True)
    found = exit_plan(store, village_id, year)
    if found:
        store.update("exit_plans", found["id"], values)
        return found["id"]
    return store.insert("exit_plans", values, record_id=natural_id("exit_plans", village_id, year))


# -- who came in and who left (进出名单) -----------------------------------------------------------

MOVEMENTS = (C.LABEL_NEW, "脱贫", C.STATUS_RETURNED, C.STATUS_REMOVED)


@dataclass
class Moved:
    household: dict
    people: int
    date: str
    head: str


# The few columns the in/out list reads (a county's 75,000 households and 280,000 members are read
# as plain rows, not whole records).
_HOUSEHOLD_COLUMNS = (
    "id, village_id, household_no, status, identification_year, planned_exit_year, exit_year"
)
_LIVE_HOUSEHOLDS = "household_id in (select id from households where deleted = 0"


def _rows(store: Store, sql: str, args=()) -> list[dict]:
    cursor = store.db.execute(sql, list(args))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def _households(store: Store, village_id: str | None, extra: str = "", args=()) -> list[dict]:
    where = "deleted = 0" + (" and village_id = ?" if village_id else "") + extra
    return _rows(
        store,
        f"select {_HOUSEHOLD_COLUMNS} from households where {where} order by household_no",
        ([village_id] if village_id else []) + list(args),
    )


def _histories(store: Store, where: str, args) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for e in _rows(
        store,
        f"select household_id, status, date, year from status_history where deleted = 0 "
        f"and {where} order by date",
        args,
    ):
        out.setdefault(e["household_id"], []).append(e)
    return out


def movements(store: Store, year: int, village_id: str | None = None) -> dict[str, list[Moved]]:
    """The year's in/out list: households newly identified, exited, returned and removed in
    `year` (the status history's entries of the year), each with its people (members present at
    the year's end)."""
    households = _households(store, village_id)
    sub = _LIVE_HOUSEHOLDS + (" and village_id = ?)" if village_id else ")")
    history = _histories(store, sub, [village_id] if village_id else [])
    out: dict[str, list] = {m: [] for m in MOVEMENTS}
    moved: list[tuple[str, dict, str]] = []
    for h in households:
        for what, day in _moves(h, history.get(h["id"], []), year):
            moved.append((what, h, day))
    people, heads = _people(store, sorted({h["id"] for _, h, _ in moved}), year)
    for what, h, day in moved:
        out[what].append(Moved(h, people.get(h["id"], 0), day, heads.get(h["id"], "")))
    return out


def _moves(household: dict, history: list[dict], year: int) -> list[tuple[str, str]]:
    entries = parse_history(history)
    out = []
    prev = None
    for y, day, state in entries:
        if y == year:
            if state == C.STATUS_POOR and prev in (None, C.STATUS_REMOVED):
                out.append((C.LABEL_NEW, day))
            elif state == C.STATUS_EXITED:
                out.append(("脱贫", day))
            elif state in (C.STATUS_RETURNED, C.STATUS_REMOVED):
                out.append((state, day))
        prev = state
    if not entries:  # an older record without a history: its years stand for the entries
        if household.get("identification_year") == year:
            out.append((C.LABEL_NEW, ""))
        if C.current_status(household.get("status")) == C.STATUS_EXITED and (
            household.get("exit_year") == year
        ):
            out.append(("脱贫", ""))
    return out


def _people(store: Store, household_ids: list[str], year: int | None) -> tuple[dict, dict]:
    """Members present at the end of `year` (None: who has not left), and the head's name, of
    each household."""
    people: dict[str, int] = {}
    heads: dict[str, str] = {}
    for start in range(0, len(household_ids), 5000):
        chunk = household_ids[start : start + 5000]
        for m in _rows(
            store,
            "select household_id, name, relation, joined_date, left_date, birth_date from members "
            "where deleted = 0 and household_id in (select value from json_each(?))",
            [json.dumps(chunk)],
        ):
            if present_in_year(m, year):
                people[m["household_id"]] = people.get(m["household_id"], 0) + 1
                if m.get("relation") == C.RELATIONS[0]:
                    heads[m["household_id"]] = m.get("name") or ""
    return people, heads


def movement_counts(moved: dict[str, list[Moved]]) -> dict[str, dict[str, tuple[int, int]]]:
    """village id → movement → (households, people)."""
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for what, rows in moved.items():
        for m in rows:
            per = out.setdefault(m.household["village_id"], {})
            n, people = per.get(what, (0, 0))
            per[what] = (n + 1, people + m.people)
    return out


def heads(store: Store, household_ids: list[str]) -> dict[str, str]:
    """The head's name of each household (members who have not left)."""
    return _people(store, household_ids, None)[1]


@dataclass
class PlanVsActual:
    village: dict
    task_households: int | None  # the county's task
    task_people: int | None
    proposed_households: int | None
    proposed_people: int | None
    planned_households: int  # households marked 计划脱贫 for the year
    planned_people: int
    exited_households: int
    exited_people: int


def plan_vs_actual(
    store: Store, year: int, village_id: str | None = None, moved: dict | None = None
) -> list[PlanVsActual]:
    """Per village: the year's task, the households planned to exit, and those that exited
    (`moved`: the year's movements when the caller has read them already)."""
    where, args = "", []
    if village_id:
        where, args = "id = ?", [village_id]
    villages = store.find("villages", where, args, order_by="code")
    plans = exit_plans(store, year)
    exited = (moved if moved is not None else movements(store, year, village_id))["脱贫"]
    by_village_exit: dict[str, list[Moved]] = {}
    for m in exited:
        by_village_exit.setdefault(m.household["village_id"], []).append(m)
    planned = _households(store, village_id, " and planned_exit_year = ?", [year])
    prior: dict[str, list[str]] = {}
    history = _histories(
        store,
        "household_id in (select value from json_each(?))",
        [json.dumps([h["id"] for h in planned])],
    )

    planned = [h for h in planned if year_end_status(h, history.get(h["id"], []), year - 1).poor]
    people, _ = _people(store, [h["id"] for h in planned], year)
    for h in planned:
        prior.setdefault(h["village_id"], []).append(h["id"])
    out = []
    for v in villages:
        plan = plans.get(v["id"]) or {}
        mine = prior.get(v["id"], [])
        ex = by_village_exit.get(v["id"], [])
        out.append(
            PlanVsActual(
                v,
                plan.get("households"),
                plan.get("people"),
                plan.get("proposed_households"),
                plan.get("proposed_people"),
                len(mine),
                sum(people.get(h, 0) for h in mine),
                len(ex),
                sum(m.people for m in ex),
            )
        )
    return out
