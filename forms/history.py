"""The register over time, as pure functions: a household's status at the end of a year, from its
status history, and the members present on a year's reference date.

docs/domain.md, "Household status lifecycle" and "Members over time". The seed asks for "有进有出、
动态管理": a past year's figures follow from what was true then, never from today's list.
"""

from __future__ import annotations

from datetime import date

from . import choices as C
from .age import membership_day
from .entities import MEMBER
from .fields import blank
from .validation import Problem, check_value, parse_value

# Not yet (or no longer) in the register at the end of the year: identified later.
NOT_YET = "未识别"


def ymd(value) -> tuple[int, int, int] | None:
    """An ISO yyyy-mm-dd text (or a date) as (year, month, day), else None."""
    if isinstance(value, date):
        return value.year, value.month, value.day
    if type(value) is not str or len(value) < 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        d = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return d.year, d.month, d.day


# -- status ------------------------------------------------------------------------------------


def entry_year(entry: dict) -> int | None:
    """The year an entry of the status history belongs to: its 所属年度, else its date's year
    (an exit decided in January for the year before carries that year)."""
    y = entry.get("year")
    if type(y) is int:
        return y
    d = ymd(entry.get("date"))
    return d[0] if d else None


def parse_history(history) -> list[tuple[int, str, str]]:
    """(year, date, state) of each valid entry, in order."""
    return _entries(history)


def _entries(history) -> list[tuple[int, str, str]]:
    out = []
    for e in history if isinstance(history, (list, tuple)) else ():
        if not isinstance(e, dict) or e.get("deleted"):
            continue
        y = entry_year(e)
        st = C.current_status(e.get("status"))
        if y is None or st not in C.HOUSEHOLD_STATUSES:
            continue
        out.append((y, str(e.get("date") or ""), st))
    out.sort()
    return out


class YearStatus:
    """A household's status at the end of a year: `status` is one of the states, NOT_YET, or
    None when it cannot be known (then `problem` says why, naming what is missing)."""

    __slots__ = ("status", "problem", "exit_year")

    def __init__(self, status: str | None, problem: str = "", exit_year: int | None = None):
        self.status = status
        self.problem = problem
        self.exit_year = exit_year  # the year of the exit the status rests on, when 已脱贫

    @property
    def registered(self) -> bool:
        """In the register that year (清退 and not yet identified are not)."""
        return self.status not in (NOT_YET, C.STATUS_REMOVED)

    @property
    def poor(self) -> bool | None:
        if self.status is None:
            return None
        return self.status in C.POOR_STATUSES


def year_end_status(
    household: dict, history, year: int | None, entries: list | None = None
) -> YearStatus:
    """The status at the end of `year`: the last entry of the history that belongs to the year or
    an earlier one. Before its first entry a household identified by then (识别年度) was 未脱贫,
    one whose first entry is its identification was not yet registered. A household without a
    history is read from its fields: 已脱贫 needs its 脱贫年度, and without one the status is
    unknown — never counted as not poor (docs/domain.md: unknown is never shown as met)."""
    hh = household if isinstance(household, dict) else {}
    current = C.current_status(hh.get("status"))
    iy = hh.get("identification_year")
    iy = iy if type(iy) is int else None
    # `entries`: the history as parse_history read it (a view reads it once for every year)
    entries = list(entries) if entries is not None else _entries(history)
    if year is None:
        year = 10**6  # no evaluation year: the status now
    if iy is not None and iy > year:
        return YearStatus(NOT_YET)
    if current == C.STATUS_APPLICANT:  # an identification under way: not registered yet
        upto = [e for e in entries if e[0] <= year]
        return YearStatus(upto[-1][2] if upto else NOT_YET)
    if entries and current == C.STATUS_EXITED and entries[-1][2] != C.STATUS_EXITED:
        # Marked exited without an entry (an older file): its exit year stands for the entry.
        ey = hh.get("exit_year")
        if type(ey) is not int:
            if entries[-1][0] < year:
                return YearStatus(None, _no_exit_year(hh))
        else:
            entries.append((ey, "", C.STATUS_EXITED))
            entries.sort()
    upto = [e for e in entries if e[0] <= year]
    if upto:
        y, _, st = upto[-1]
        return YearStatus(st, exit_year=y if st == C.STATUS_EXITED else None)
    if entries:
        if iy is None and entries[0][2] == C.STATUS_POOR:
            return YearStatus(NOT_YET)
        return YearStatus(C.STATUS_POOR)
    if current == C.STATUS_EXITED:
        ey = hh.get("exit_year")
        if type(ey) is not int:
            return YearStatus(None, _no_exit_year(hh))
        if ey > year:
            return YearStatus(C.STATUS_POOR)
        return YearStatus(C.STATUS_EXITED, exit_year=ey)
    if current in C.HOUSEHOLD_STATUSES:
        return YearStatus(current)
    return YearStatus(None, f"户{_no(hh)}缺少户状态")


def _no(hh: dict) -> str:
    return str(hh.get("household_no") or hh.get("id") or "")


def _no_exit_year(hh: dict) -> str:
    return f"户{_no(hh)}为已脱贫但缺少脱贫年度"


def labels(household: dict, history, year: int | None) -> list[str]:
    """新识别 (identified in the year) and 计划脱贫 (planned to exit in the year, still poor at
    its start): what the history and the plan say, shown beside the status."""
    hh = household if isinstance(household, dict) else {}
    out = []
    if year is None:
        return out
    iy = hh.get("identification_year")
    if iy == year:
        out.append(C.LABEL_NEW)
    if hh.get("planned_exit_year") == year and year_end_status(hh, history, year - 1).poor:
        out.append(C.LABEL_PLANNED)
    return out


# -- members -----------------------------------------------------------------------------------


def present_on(member: dict, on: tuple[int, int, int], birth: tuple | None = None) -> bool:
    """A member of the household on the day `on`: joined on or before it (or no joining date),
    not yet left (a member who left on the day is gone), and born by then."""
    joined = ymd(member.get("joined_date"))
    if joined is not None and joined > on:
        return False
    left = ymd(member.get("left_date"))
    if left is not None and left <= on:
        return False
    if birth is None:
        birth = ymd(member.get("birth_date"))
    return not (birth is not None and birth > on)


def present_in_year(member: dict, year: int | None, birth: tuple | None = None) -> bool:
    """Among the year's members (present on its reference date, 31 December); without a year,
    a member who has not left."""
    if year is None:
        return ymd(member.get("left_date")) is None
    return present_on(member, membership_day(year), birth)


def has_left(member: dict, today: date | None = None) -> bool:
    """A former member: left on or before today."""
    left = ymd(member.get("left_date"))
    if left is None:
        return False
    t = today or date.today()
    return left <= (t.year, t.month, t.day)


def leave_problems(
    member: dict, left_date, left_reason, others: list[dict] = (), today: date | None = None
) -> list:
    """Why a member may not leave on `left_date` for `left_reason` (成员离开), as Problems: both
    are required, the date is not in the future, the member has not already left, and a head
    leaves only after another member who stays has been made head (or alone). The rules between
    the member's dates (not before joining or birth) are the register's (forms.validation).
    `others` are the household's other members."""
    out = []
    date_f, reason_f = MEMBER["left_date"], MEMBER["left_reason"]
    when = None
    if blank(left_date):
        out.append(Problem("left_date", date_f.label, "请填写离开日期"))
    elif message := check_value(date_f, left_date):
        out.append(Problem("left_date", date_f.label, message))
    else:
        when = parse_value(date_f, left_date)
        t = today or date.today()
        if when > t:
            out.append(
                Problem("left_date", date_f.label, f"离开日期不能晚于今天（{t.isoformat()}）")
            )
    if blank(left_reason):
        out.append(Problem("left_reason", reason_f.label, "请选择离开原因"))
    elif message := check_value(reason_f, left_reason):
        out.append(Problem("left_reason", reason_f.label, message))
    name = member.get("name") or ""
    if has_left(member, today):
        out.append(Problem("left_date", date_f.label, f"{name}已于{member['left_date']}离开本户"))
    if member.get("relation") == C.RELATIONS[0]:
        staying = [m for m in others if m.get("id") != member.get("id") and not has_left(m, today)]
        if staying and not any(m.get("relation") == C.RELATIONS[0] for m in staying):
            out.append(
                Problem(
                    "relation",
                    MEMBER["relation"].label,
                    f"{name}是户主：请先把留在本户的一名成员的“与户主关系”改为户主，再登记离开",
                )
            )
    return out
