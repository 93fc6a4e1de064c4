"""The procedures a household enters and leaves the register by, as explicit state machines.

定发〔2015〕13号: "将返贫人口重新纳入贫困人口总数；将年度减贫任务明确到村、户及人口，并做好年度计划脱贫村、
脱贫户、脱贫人口和已脱贫村、脱贫户、脱贫人口的公示、公告工作，切实做到有进有出、动态管理。"

docs/domain.md, "Household status lifecycle": identification — 申请 → 民主评议 → 公示 → 比对 → 乡镇审核
→ 公告; exit — 12项核查 → 民主评议 → 户认可签字 → 公示 7 天无异议 → 公告 → 销号. Return to poverty
(返贫) and removal (清退) go the same way. Each step is a record (storage.procedures) with its
date, who recorded it, the document and a note; a procedure's state is read from its steps, never
stored, so that steps recorded on a laptop and at the county merge by sync without a conflict.

Pure functions: no storage, no Qt. `step_problems` says why a step may not be recorded; the
storage layer writes it only when the list is empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from . import choices as C

# "公示 7 天": the shortest period a notice is posted for.
NOTICE_DAYS = 7


@dataclass(frozen=True)
class Step:
    name: str  # as stored and shown: 民主评议
    alias: str  # the CLI's English name: appraisal
    document: str = ""  # what its document is (its number or title): 评议会议记录
    notice: bool = False  # a public notice (公示) with a period objections may be raised in
    announce: bool = False  # ends a notice: not before its period is over (公告)
    checks: bool = False  # the 12 criteria are checked, and frozen with the step


@dataclass(frozen=True)
class Kind:
    key: str  # the CLI's English name: exit
    name: str  # stored and shown: 脱贫
    title: str  # 脱贫退出程序
    steps: tuple[Step, ...]
    starts_from: tuple[str, ...]  # the household statuses a procedure of this kind starts from
    result: str  # the status the last step gives the household
    first_needs_reason: bool = False  # 清退 needs its reason from the start
    # report kinds (reports.notice.KINDS) of this procedure's 公示 and 公告
    notice_report: str = ""
    announce_report: str = ""

    @property
    def first(self) -> Step:
        return self.steps[0]

    @property
    def last(self) -> Step:
        return self.steps[-1]

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)

    def index(self, name: str) -> int:
        return next((i for i, s in enumerate(self.steps) if s.name == name), -1)


def _s(name, alias, document="", **kw) -> Step:
    return Step(name, alias, document, **kw)


APPLY = _s("申请", "apply", "申请书")
APPRAISAL = _s("民主评议", "appraisal", "评议会议记录")
NOTICE = _s("公示", "notice", "公示文号", notice=True)
CROSSCHECK = _s("比对", "crosscheck", "比对结果")
TOWNSHIP = _s("乡镇审核", "township", "审核意见")
ANNOUNCE = _s("公告", "announce", "公告文号", announce=True)
CHECK = _s("12项核查", "check", "核查表", checks=True)
CONSENT = _s("户认可签字", "consent", "脱贫确认书")
DEREGISTER = _s("销号", "deregister", "销号批复", checks=True)
VERIFY = _s("核实", "verify", "核实情况")

IDENTIFY = Kind(
    "identify",
    "识别",
    "贫困户识别程序",
    (APPLY, APPRAISAL, NOTICE, CROSSCHECK, TOWNSHIP, ANNOUNCE),
    (C.STATUS_APPLICANT,),
    C.STATUS_POOR,
    notice_report="new",
    announce_report="new_announced",
)
EXIT = Kind(
    "exit",
    "脱贫",
    "贫困户脱贫退出程序",
    (CHECK, APPRAISAL, CONSENT, NOTICE, ANNOUNCE, DEREGISTER),
    C.POOR_STATUSES,
    C.STATUS_EXITED,
    notice_report="planned_exit",
    announce_report="exited",
)
RETURN = Kind(
    "return",
    "返贫",
    "返贫户重新纳入程序",
    (APPLY, APPRAISAL, NOTICE, TOWNSHIP, ANNOUNCE),
    (C.STATUS_EXITED,),
    C.STATUS_RETURNED,
    notice_report="returned",
    announce_report="returned_announced",
)
REMOVE = Kind(
    "remove",
    "清退",
    "清退程序",
    (VERIFY, APPRAISAL, NOTICE, TOWNSHIP, ANNOUNCE),
    (C.STATUS_POOR, C.STATUS_RETURNED, C.STATUS_EXITED),
    C.STATUS_REMOVED,
    first_needs_reason=True,
    notice_report="removed",
    announce_report="removed_announced",
)
KINDS = {k.key: k for k in (IDENTIFY, EXIT, RETURN, REMOVE)}
KIND_NAMES = {k.name: k for k in KINDS.values()}

# Not steps of the sequence: a valid objection during a notice sends the household back to the
# first step (the round starts again, the history stays); a procedure may be ended, with a reason.
OBJECTION = Step("异议成立", "objection", "异议材料")
TERMINATE = Step("终止", "terminate")
EVENTS = (OBJECTION, TERMINATE)


def step_named(text: str) -> Step | None:
    """A step (or event) by its Chinese name or English alias."""
    t = (text or "").strip()
    for k in KINDS.values():
        for s in k.steps:
            if t in (s.name, s.alias) or t.lower() == s.alias:
                return s
    return next((e for e in EVENTS if t in (e.name, e.alias) or t.lower() == e.alias), None)


def kind_named(text: str | None) -> Kind | None:
    t = (text or "").strip()
    return KINDS.get(t.lower()) or KIND_NAMES.get(t) or KIND_NAMES.get(t.removesuffix("程序"))


def step_names() -> list[str]:
    """Every step's name with its alias, for a message that lists what may be typed."""
    seen, out = set(), []
    for k in KINDS.values():
        for s in (*k.steps, *EVENTS):
            if s.name not in seen:
                seen.add(s.name)
                out.append(f"{s.name}（{s.alias}）")
    return out


# -- one procedure's state, read from its steps -----------------------------------------------


def _day(value) -> date | None:
    """An ISO date text (or a date) as a date, else None (forms.history.ymd, which this module
    cannot import: forms.entities declares its choices from here)."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


@dataclass
class Procedure:
    """One run of a procedure: its steps in order (rows of procedure_steps), and what follows."""

    kind: Kind
    procedure_id: str
    year: int | None
    rows: list[dict]

    @property
    def round(self) -> list[dict]:
        """The steps since the last valid objection: the ones that count towards the end."""
        out: list[dict] = []
        for r in self.rows:
            if r.get("step") == OBJECTION.name:
                out = []
            elif r.get("step") != TERMINATE.name:
                out.append(r)
        return out

    @property
    def terminated(self) -> dict | None:
        last = self.rows[-1] if self.rows else None
        return last if last and last.get("step") == TERMINATE.name else None

    @property
    def done(self) -> dict | None:
        """The last step's row once the procedure has reached it."""
        r = self.round
        return r[-1] if r and r[-1].get("step") == self.kind.last.name else None

    @property
    def open(self) -> bool:
        return not self.done and not self.terminated

    @property
    def next_step(self) -> Step | None:
        if not self.open:
            return None
        return self.kind.steps[min(len(self.round), len(self.kind.steps) - 1)]

    @property
    def last_row(self) -> dict | None:
        return self.rows[-1] if self.rows else None

    @property
    def notice(self) -> dict | None:
        """The current round's notice (公示) row, once posted."""
        return next((r for r in self.round if self._is_notice(r)), None)

    def _is_notice(self, row: dict) -> bool:
        s = self.kind.step(row.get("step") or "")
        return bool(s and s.notice)

    @property
    def objections(self) -> list[dict]:
        return [r for r in self.rows if r.get("step") == OBJECTION.name]

    def notice_end(self) -> date | None:
        """The last day of the notice period (posted on day 1)."""
        n = self.notice
        start = _day(n.get("date")) if n else None
        if start is None:
            return None
        return start + timedelta(days=(n.get("days") or NOTICE_DAYS) - 1)

    def days_left(self, today: date) -> int | None:
        """Days of the notice period left, today included; None without a notice or after it."""
        end = self.notice_end()
        if end is None or self.next_step is None or self.next_step.notice:
            return None
        left = (end - today).days + 1
        return left if left > 0 else None

    def label(self, today: date | None = None) -> str:
        """Where the household stands, as the village view lists it: 待公示, 公示中（还剩3天）,
        待公告 …"""
        today = today or date.today()
        if self.terminated:
            return f"{self.kind.name}程序已终止"
        done = self.done
        if done:
            return f"已{done['step']}（{done.get('date') or ''}）"
        nxt = self.next_step
        left = self.days_left(today)
        if left is not None and self.notice is not None:
            return f"公示中（还剩{left}天）"
        return f"待{nxt.name}" if nxt else ""


def procedures(rows) -> list[Procedure]:
    """A household's procedures from its procedure_steps rows, oldest first."""
    by: dict[str, list[dict]] = {}
    for r in rows or ():
        if isinstance(r, dict) and not r.get("deleted") and r.get("procedure_id"):
            by.setdefault(r["procedure_id"], []).append(r)
    out = []
    for pid, steps in by.items():
        steps.sort(key=lambda r: (r.get("seq") or 0, str(r.get("date") or "")))
        kind = kind_named(steps[0].get("kind"))
        if kind is None:
            continue
        out.append(Procedure(kind, pid, steps[0].get("year"), steps))
    out.sort(key=lambda p: (str(p.rows[0].get("date") or ""), p.rows[0].get("created_at") or ""))
    return out


def open_procedure(rows) -> Procedure | None:
    return next((p for p in reversed(procedures(rows)) if p.open), None)


# -- what may be recorded ----------------------------------------------------------------------


@dataclass
class Planned:
    """A step that may be recorded: of which procedure (None: it starts a new one), its number
    in the procedure, the procedure's kind and year."""

    kind: Kind
    step: Step
    procedure: Procedure | None
    seq: int
    year: int
    problems: list[str]


def plan_step(
    household: dict,
    rows,
    step_text: str,
    when,
    *,
    kind_text: str | None = None,
    year: int | None = None,
    days: int | None = None,
    reason: str | None = None,
    today: date | None = None,
) -> Planned:
    """Check one step for one household: `rows` its procedure_steps. Every problem is a Chinese
    sentence; `problems` empty means the step may be written (the 12 criteria of a checking step
    are the storage layer's to read)."""
    today = today or date.today()
    problems: list[str] = []
    step = step_named(step_text)
    kind = kind_named(kind_text) if kind_text else None
    if kind_text and kind is None:
        problems.append(
            f"没有“{kind_text}”程序；可用："
            + "、".join(f"{k.name}（{k.key}）" for k in KINDS.values())
        )
    if step is None:
        problems.append(f"没有名为“{step_text}”的步骤；可用：" + "、".join(step_names()))
    day = _day(when) if not isinstance(when, date) else when
    if day is None:
        problems.append(f"日期“{when or ''}”无法识别，请按 2017-10-09 的格式填写")
    elif day > today:
        problems.append(f"日期 {day.isoformat()} 晚于今天（{today.isoformat()}），不能预先登记")
    status = C.current_status(household.get("status"))
    current = open_procedure(rows)
    fallback = kind or EXIT
    if step is None:
        return Planned(fallback, step or CHECK, current, 0, year or _year(day, today), problems)
    if current is None:
        kind = _starting_kind(step, kind, status)
        planned = Planned(kind, step, None, 1, year or _year(day, today), problems)
        if step in EVENTS:
            problems.append(f"该户没有进行中的程序，不能登记“{step.name}”")
        elif kind.first is not step:
            problems.append(
                f"该户没有进行中的{kind.name}程序，不能直接登记“{step.name}”；"
                f"{kind.title}须从第一步“{kind.first.name}”开始"
            )
        elif status not in kind.starts_from:
            problems.append(
                f"该户当前状态为“{status or '未填写'}”，不能开始{kind.title}"
                f"（须为{'或'.join(kind.starts_from)}）"
            )
        if kind.first_needs_reason and step is kind.first and not (reason or "").strip():
            problems.append(f"{kind.name}必须填写原因")
        if step.notice:
            problems += _days_problems(days)
        return planned
    planned = Planned(
        current.kind, step, current, len(current.rows) + 1, current.year or _year(day, today), []
    )
    planned.problems = problems
    if kind is not None and kind is not current.kind:
        problems.append(
            f"该户正在进行{current.kind.title}（{current.label(today)}），"
            f"须先完成或终止，才能开始{kind.title}"
        )
        return planned
    last = current.last_row or {}
    last_day = _day(last.get("date"))
    if day is not None and last_day is not None and day < last_day:
        problems.append(
            f"日期 {day.isoformat()} 早于上一步“{last.get('step')}”的日期（{last_day.isoformat()}）"
        )
    if step is TERMINATE:
        if not (reason or "").strip():
            problems.append("终止程序必须填写原因")
        return planned
    if step is OBJECTION:
        nxt = current.next_step
        if current.notice is None or nxt is None or nxt.notice:
            problems.append("异议只能在公示之后、公告之前登记")
        if not (reason or "").strip():
            problems.append("异议成立必须填写异议内容和核实结果")
        return planned
    nxt = current.next_step
    if step is not nxt:
        at = current.kind.index(step.name)
        done = next((r for r in current.round if r.get("step") == step.name), None)
        if at < 0:
            problems.append(
                f"该户正在进行{current.kind.title}，其中没有“{step.name}”这一步；"
                f"下一步是“{nxt.name}”"
            )
        elif done is not None:
            problems.append(f"“{step.name}”已于{done.get('date')}登记；下一步是“{nxt.name}”")
        else:
            problems.append(f"不能跳过步骤：下一步应为“{nxt.name}”，不能直接登记“{step.name}”")
        return planned
    if step.notice:
        problems += _days_problems(days)
    if step.announce:
        end = current.notice_end()
        if end is not None and day is not None and day <= end:
            problems.append(
                f"公示期至{end.isoformat()}止，公告须在公示期满之后"
                f"（{(end + timedelta(days=1)).isoformat()}或以后）"
            )
    return planned


def _days_problems(days) -> list[str]:
    if days is None:
        return []
    if type(days) is not int or days < NOTICE_DAYS:
        return [f"公示期不得少于{NOTICE_DAYS}天"]
    return []


def _year(day: date | None, today: date) -> int:
    return (day or today).year


def _starting_kind(step: Step, kind: Kind | None, status: str | None) -> Kind:
    """The kind a first step starts: the one asked for, else the one whose first step it is and
    whose starting status the household has (申请 starts an identification for an applicant, a
    return for a household that had exited)."""
    if kind is not None:
        return kind
    firsts = [k for k in KINDS.values() if k.first is step]
    fits = [k for k in firsts if status in k.starts_from]
    if fits:
        return fits[0]
    if firsts:
        return firsts[0]
    having = [k for k in KINDS.values() if k.step(step.name)]
    fits = [k for k in having if status in k.starts_from]
    return (fits or having or [EXIT])[0]
