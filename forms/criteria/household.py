"""The 12 household exit criteria (贫困户脱贫目标) as pure functions on a plain-dict snapshot.

Snapshot (one household, one evaluation year)::

    {"year": 2016,
     "household": {<forms.entities.HOUSEHOLD keys>, "id": ...},
     "members": [{<MEMBER keys>, "id": ...}, ...],
     "finance": {<FINANCE keys>} | None,        # that year's income and expenditure
     "finance_prev": {...} | None,              # the previous year's, for growth information
     "finance_base": {...} | None,              # the growth base year's (county ⑴), optional
     "policy": {<POLICY keys>} | None,          # that year's policy values
     "policy_prev": {...} | None,
     "measures": [{<MEASURE keys>}, ...],       # optional; read by quality.lint only
     "history": [{<STATUS_CHANGE keys>}, ...],  # optional: the status history
     "closed": {"year", "closed_at", "closed_by", "note"} | None}  # a closed year's frozen data

Members count in a year when present on its reference date (31 December; forms.history), and
the household's status is the one at the end of the year, from its history.
Booleans are True/False (SQLite's 1/0 accepted) or None for missing; multi-valued fields
(income_channels) are lists, None = missing and [] = none. Ages are full years on 31 August of
the evaluation year (docs/domain.md: the school-year date).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from .. import choices as C
from ..age import AGE_DAY, full_years
from ..entities import FINANCE
from ..history import parse_history, present_in_year, year_end_status, ymd
from ..idnumber import CHECK_CHARS, WEIGHTS
from .result import (
    MAYBE,
    MAYBE_NO,
    MAYBE_YES,
    MET,
    NA,
    NO,
    OUT,
    PASSING,
    UNKNOWN,
    UNMET,
    YES,
    CriterionResult,
    Verdicts,
    apply_rules,
    combine,
    fen,
    number,
    plain,
    shown,
)

# --- reading values -----------------------------------------------------------------------------


def flag(value) -> bool | None:
    """A yes/no answer: True, False, or None when missing or not a yes/no value."""
    if value is True or value is False:
        return value
    if type(value) is int and (value == 0 or value == 1):  # SQLite stores booleans as 0/1
        return value == 1
    return None


def enum(value, allowed) -> str | None:
    """An enum value from the allowed set, or None (missing or not a known choice)."""
    return value if type(value) is str and value in allowed else None


def _ymd(y: int, m: int, d: int) -> tuple[int, int, int] | None:
    try:
        date(y, m, d)
    except ValueError:
        return None
    return y, m, d


def _read_id_birth(value: str) -> tuple[int, int, int] | None:
    s = value.strip().upper()
    if len(s) != 18 or not s.isascii() or not s[:17].isdigit():
        return None
    total = 0
    for digit, weight in zip(s, WEIGHTS):
        total += (ord(digit) - 48) * weight
    if CHECK_CHARS[total % 11] != s[17]:
        return None
    return _ymd(int(s[6:10]), int(s[10:12]), int(s[12:14]))


# Births read from text, memoised: a county evaluates ~75,000 households and re-evaluates the
# same people after every import, so each date or ID number is parsed once.
_BIRTH_DATES: dict[str, tuple[int, int, int] | None] = {}
_ID_BIRTHS: dict[str, tuple[int, int, int] | None] = {}
_MEMO_MAX = 500_000


def _memo(cache: dict, parse, value: str):
    try:
        return cache[value]
    except KeyError:
        pass
    if len(cache) >= _MEMO_MAX:
        cache.clear()
    result = cache[value] = parse(value)
    return result


def birth_from_date(value) -> tuple[int, int, int] | None:
    """An ISO yyyy-mm-dd text (or a date) as (year, month, day), else None."""
    if type(value) is str:
        return _memo(_BIRTH_DATES, ymd, value)
    if isinstance(value, date):
        return value.year, value.month, value.day
    return None


def birth_from_id(value) -> tuple[int, int, int] | None:
    """Birth date (digits 7–14) of a well-formed 18-character ID whose check character is right."""
    if type(value) is not str:
        return None
    return _memo(_ID_BIRTHS, _read_id_birth, value)


class Person:
    """A member as the criteria see them: display name, age on 31 August, field-path prefix.

    `on` is 31 August of the evaluation year as (year, 8, 31), None without a year, built once
    per household (this runs for every member of every household); the age is
    forms.age.full_years, the one definition of an age."""

    __slots__ = ("raw", "name", "age", "age_problem", "ref", "birth")

    def __init__(self, raw: dict, index: int, on: tuple[int, int, int] | None):
        self.raw = raw
        name = raw.get("name")
        name = name.strip() if type(name) is str else ""
        self.name = name or f"第{index + 1}位成员"
        mid = raw.get("id")
        self.ref = f"member:{mid}." if mid is not None else f"member:#{index}."
        bd = raw.get("birth_date")
        birth = birth_from_date(bd) if bd is not None else None
        if birth is None:
            birth = birth_from_id(raw.get("id_number"))
        self.birth = birth
        if birth is not None and on is not None:
            self.age = full_years(birth, on)
            self.age_problem = None
            return
        self.age = None
        if birth is not None:
            self.age_problem = f"{self.name} 缺少评估年度，无法计算年龄"
            return
        idn = raw.get("id_number")
        has_bd = bd is not None and bd != ""
        has_id = idn is not None and idn != ""
        if not has_bd and not has_id:
            why = "缺少出生日期和身份证号"
        elif not has_bd:
            why = "缺少出生日期且身份证号无效"
        elif not has_id:
            why = "出生日期无效且缺少身份证号"
        else:
            why = "出生日期和身份证号均无效"
        self.age_problem = f"{self.name} {why}，无法判断年龄"

    def who(self, *extra: str) -> str:
        """ "李小红（12岁）" / "张三（35岁，普通劳动力）"."""
        parts = ([f"{self.age}岁"] if self.age is not None else []) + [e for e in extra if e]
        return f"{self.name}（{'，'.join(parts)}）" if parts else self.name


class HouseholdView:
    """A snapshot read once: the values every rule needs, checked for type."""

    __slots__ = (
        "year",
        "ylabel",
        "hh",
        "history",
        "status",
        "people",
        "former",
        "n",
        "finance",
        "finance_prev",
        "finance_base",
        "policy",
        "policy_prev",
        "line_fen",
        "line",
        "closed",
        "_entries",
        "_statuses",
    )

    def __init__(self, snapshot: dict):
        snap = snapshot if isinstance(snapshot, dict) else {}
        year = snap.get("year")
        self.year = year if type(year) is int else None
        self.ylabel = f"{self.year}年" if self.year is not None else "评估年度"
        hh = snap.get("household")
        self.hh = hh if isinstance(hh, dict) else {}
        members = snap.get("members")
        members = members if isinstance(members, (list, tuple)) else ()
        closed = snap.get("closed")
        self.closed = closed if isinstance(closed, dict) else None  # a closed year's snapshot
        history = snap.get("history")
        self.history = history if isinstance(history, (list, tuple)) else ()
        self._entries = parse_history(self.history)
        self._statuses: dict = {}
        self.status = self.status_in(self.year)
        on = (self.year, *AGE_DAY) if self.year is not None else None
        everyone = [Person(m, i, on) for i, m in enumerate(members) if isinstance(m, dict)]
        # The year's members: those present on its reference date (docs/domain.md); the others
        # (left before it, joined or born after it) are former or later members that year.
        self.people, self.former = [], []
        for p in everyone:
            (self.people if present_in_year(p.raw, self.year, p.birth) else self.former).append(p)
        self.n = len(self.people)
        self.finance = _dict_or_none(snap.get("finance"))
        self.finance_prev = _dict_or_none(snap.get("finance_prev"))
        self.finance_base = _dict_or_none(snap.get("finance_base"))
        self.policy = _dict_or_none(snap.get("policy"))
        self.policy_prev = _dict_or_none(snap.get("policy_prev"))
        line = number(self.policy.get("poverty_line")) if self.policy is not None else None
        self.line = line if line is not None and line > 0 else None
        self.line_fen = fen(self.line) if self.line is not None else None

    def status_in(self, year: int | None):
        """The status at the end of `year` (forms.history.year_end_status), read once a year."""
        try:
            return self._statuses[year]
        except KeyError:
            st = self._statuses[year] = year_end_status(self.hh, (), year, self._entries)
            return st

    def exited_in(self, year: int | None) -> bool:
        """Exited during the year: 已脱贫 at its end, poor at the end of the year before."""
        if year is None or self.status_in(year).status != C.STATUS_EXITED:
            return False
        return self.status_in(year - 1).poor is True

    def missing_line(self) -> str:
        return f"缺少{self.ylabel}政策参数（贫困线）"


# Within a bulk pass (forms.criteria.batch.bulk) a snapshot's view is built once and shared by
# the household, village and county rules, which otherwise read each household three times.
_SHARED_VIEWS: ContextVar[dict | None] = ContextVar("shared_household_views", default=None)


def household_view(snapshot: dict) -> HouseholdView:
    cache = _SHARED_VIEWS.get()
    if cache is None:
        return HouseholdView(snapshot)
    hit = cache.get(id(snapshot))
    if hit is not None and hit[0] is snapshot:  # the cache keeps the snapshot alive
        return hit[1]
    view = HouseholdView(snapshot)
    cache[id(snapshot)] = (snapshot, view)
    return view


def _dict_or_none(v) -> dict | None:
    return v if isinstance(v, dict) else None


# --- per-member classification (shared with the village and county rates) ---------------------

# "学龄前 counts only at age 6"; these count as receiving (or having received) the nine years.
SCHOOL_COUNTS = frozenset(
    {"小学", "初中", "高中", "中职", "送教上门", "已完成义务教育", "高职大专", "本科及以上"}
)
SCHOOL_STATUSES = frozenset(C.SCHOOL_STATUSES)
# Still in school: not yet 符合条件 for 新农保 (⑻: a 16-year-old in 高中), and not a 主要劳动力
# (⑸: a 17-year-old in 高中 is a pupil, not a main labourer). 送教上门 (schooling brought home
# to a child who cannot attend) is schooling: ⑷ counts it as in school, and so do ⑸ and ⑻.
IN_SCHOOL = frozenset({"小学", "初中", "高中", "中职", "高职大专", "本科及以上", "送教上门"})
MAIN_LABOUR = frozenset({"普通劳动力", "技能劳动力"})
# "对没有劳动力的低保户、残疾人家庭、五保户等通过救助式扶贫保障其基本生活": a member has 劳动力
# when able to work at all, a 弱劳动力或半劳动力 included; 丧失劳动力 and 无劳动力 have none.
CAN_WORK = frozenset({"普通劳动力", "技能劳动力", "弱劳动力或半劳动力"})
LABOR_ABILITIES = frozenset(C.LABOR_ABILITIES)
COMPULSORY_AGES = (6, 15)
LABOUR_AGES = (16, 60)
PENSION_MIN_AGE = 16


def classify_schooling(p: Person) -> tuple[str, str | None]:
    """Rule 4 for one member: YES in school, NO not, OUT not aged 6–15, MAYBE* data missing."""
    st = enum(p.raw.get("school_status"), SCHOOL_STATUSES)
    age = p.age
    if age is None:
        if st in SCHOOL_COUNTS:
            return MAYBE_YES, None  # in school whatever the age
        if st == "学龄前":
            return MAYBE, p.age_problem
        if st is None:
            return MAYBE, f"{p.age_problem}；也缺少在校生状况"
        return MAYBE_NO, f"{p.age_problem}（{st}）"
    if not COMPULSORY_AGES[0] <= age <= COMPULSORY_AGES[1]:
        return OUT, None
    if st in SCHOOL_COUNTS or (st == "学龄前" and age == COMPULSORY_AGES[0]):
        return YES, None
    if st is None:
        return MAYBE, f"{p.who()}缺少在校生状况"
    if st == "学龄前":
        return NO, f"{p.who()}仍为学龄前，未入学"
    return NO, f"{p.who()}{st}"


def classify_training(p: Person) -> tuple[str, str | None]:
    """Rule 5 for one member: main labourers aged 16–60, not in school, must have had skills
    training (a member still in school is a pupil, not a 主要劳动力)."""
    la = enum(p.raw.get("labor_ability"), LABOR_ABILITIES)
    if la is not None and la not in MAIN_LABOUR:
        return OUT, None
    age = p.age
    if age is not None and not LABOUR_AGES[0] <= age <= LABOUR_AGES[1]:
        return OUT, None
    st = enum(p.raw.get("school_status"), SCHOOL_STATUSES)
    if st in IN_SCHOOL:
        return OUT, None
    trained = flag(p.raw.get("skills_trained"))
    if age is not None and la is not None and st is not None:
        if trained is True:
            return YES, None
        if trained is False:
            return NO, f"{p.who(la)}未接受技能培训"
        return MAYBE, f"{p.who(la)}缺少是否接受技能培训"
    if trained is True:
        return MAYBE_YES, None
    if age is None:
        missing = p.age_problem
    elif la is None:
        missing = f"{p.who()}缺少劳动技能，无法判断是否为主要劳动力"
    else:
        missing = f"{p.who(la)}缺少在校生状况，无法判断是否为主要劳动力"
    if trained is None:
        return MAYBE, f"{missing}；也缺少是否接受技能培训"
    return MAYBE_NO, f"{missing}（未接受技能培训）"


def classify_ncms(p: Person) -> tuple[str, str | None]:
    """Rule 7 for one member: every member in 新农合."""
    v = flag(p.raw.get("ncms"))
    if v is True:
        return YES, None
    if v is False:
        return NO, f"{p.name} 未参加新农合"
    return MAYBE, f"{p.name} 缺少是否参加新农合"


def classify_pension(p: Person) -> tuple[str, str | None]:
    """Rule 8 for one member: aged 16 or over and not in school → must be in 新农保."""
    age = p.age
    if age is not None and age < PENSION_MIN_AGE:
        return OUT, None
    st = enum(p.raw.get("school_status"), SCHOOL_STATUSES)
    if st in IN_SCHOOL:
        return OUT, None
    insured = flag(p.raw.get("pension_insured"))
    if age is not None and st is not None:
        if insured is True:
            return YES, None
        if insured is False:
            return NO, f"{p.who()}未参加新农保"
        return MAYBE, f"{p.who()}缺少是否参加新农保"
    if insured is True:
        return MAYBE_YES, None
    missing = p.age_problem if age is None else f"{p.who()}缺少在校生状况，无法判断是否符合参保条件"
    if insured is None:
        return MAYBE, f"{missing}；也缺少是否参加新农保"
    return MAYBE_NO, f"{missing}（未参加新农保）"


# --- the verdict of one rule --------------------------------------------------------------------

Verdict = tuple  # (status, reasons: list[str], figures: dict, fields: list[str])


def _over_members(
    v: HouseholdView, classify, field_keys: tuple[str, ...], met_msg: str, na_msg: str
) -> Verdict:
    """A rule that every member in its scope must pass; a known failure wins over missing data."""
    if not v.people:
        return UNKNOWN, ["家庭成员为空"], {"members": 0}, ["members"]
    fails, unknowns, fields = [], [], []
    in_scope = passed = either = 0
    first_ref = None
    for p in v.people:
        cls, why = classify(p)
        if cls == OUT:
            continue
        if cls == YES:
            in_scope += 1
            passed += 1
            first_ref = first_ref or p.ref
        elif cls == NO:
            in_scope += 1
            fails.append(why)
            fields += [p.ref + k for k in field_keys]
        elif cls == MAYBE_YES:
            either += 1  # passes if in scope, so it cannot change the verdict
            first_ref = first_ref or p.ref
        else:
            unknowns.append(why)
            fields += [p.ref + k for k in field_keys]
    figures = {"in_scope": in_scope, "passed": passed, "unknown": len(unknowns)}
    status = combine(fails, unknowns)
    if status != MET:
        # The members behind the verdict, failing and unknown ones: where a click should go.
        return status, fails + unknowns, figures, fields
    # Met or not applicable: the first member in scope stands for the rule (computing every
    # member's paths for every rule was a fifth of a county's evaluation time).
    fields = [first_ref + k for k in field_keys] if first_ref else []
    if in_scope == 0 and either == 0:
        return NA, [na_msg], figures, fields
    reasons = [met_msg.format(n=in_scope)] if in_scope else []
    if either:
        reasons.append(f"另有{either}人年龄等信息不全，但无论是否在范围内均已达标")
    return MET, reasons, figures, fields


def _flags(
    v: HouseholdView, items: tuple[tuple[str, bool, str, str], ...], fields: list[str]
) -> Verdict:
    """Household yes/no fields: (key, wanted value, message when not, what is missing)."""
    fails, unknowns = [], []
    for key, wanted, bad, what in items:
        val = flag(v.hh.get(key))
        if val is None:
            unknowns.append(f"缺少{what}")
        elif val != wanted:
            fails.append(bad)
    return combine(fails, unknowns), fails + unknowns, {}, list(fields)


INCOME_KEYS = (
    "wage_income",
    "operating_income",
    "operating_cost",
    "property_income",
    "transfer_income",
)
_LABEL = {f.key: f.label for f in FINANCE.fields}
_INCOME_FIELDS = ["finance." + k for k in INCOME_KEYS] + ["policy.poverty_line", "members"]


def disposable_fen(finance: dict | None) -> tuple[int | None, list[str]]:
    """(wage + operating − operating cost + property + transfer) in fen, or the missing labels."""
    if finance is None:
        return None, []
    total, missing = 0, []
    for key in INCOME_KEYS:
        f = fen(finance.get(key))
        if f is None:
            missing.append(_LABEL[key])
        elif key == "operating_cost":
            total -= f
        else:
            total += f
    return (None if missing else total), missing


# --- the safety-net path (政策性脱贫 / 救助式扶贫) -------------------------------------------------

# "2015年将农村低保二类对象补助水平由192元/人·月提高到234元/人·月,达到2808元/人·年,实现政策性脱贫。"
# "对没有劳动力的低保户、残疾人家庭、五保户等通过救助式扶贫保障其基本生活。"
# A 低保 household (低保 class 一类 or 二类, or the attribute 低保贫困户) or a 特困供养 (五保)
# household in which no member of the year has 劳动力 (CAN_WORK) is a 兜底保障户 when the year's
# policy values turn the path on: ⑹ does not apply to it, and ⑴ is also met when its 低保 and
# other transfer income per person reaches the policy's 政策性脱贫标准 (docs/domain.md).
SAFETY_NET_NA = "兜底保障户（无劳动力的低保/特困供养户），不要求增收门路"
SAFETY_NET_READING, ORDINARY_READING = "政策性脱贫", "一般标准"  # ⑴'s figure "reading"
_DIBAO_CLASSES = frozenset(C.DIBAO_CLASSES)
_ATTRIBUTES = frozenset(C.POVERTY_ATTRIBUTES)
_SAFETY_NET_FIELDS = [
    "household.dibao_class",
    "household.poverty_attribute",
    "policy.safety_net_path",
]


def _assisted_kind(hh: dict) -> tuple[str | None, bool | None]:
    """("低保户" / "特困供养户", True), (None, False) when neither, (None, None) when it cannot be
    told (the attribute and the class each say yes, no, or are missing)."""
    attr = enum(hh.get("poverty_attribute"), _ATTRIBUTES)
    cls = enum(hh.get("dibao_class"), _DIBAO_CLASSES)
    if attr == "特困供养(五保)贫困户":
        return "特困供养户", True
    if attr == "低保贫困户" or cls in ("一类", "二类"):
        return "低保户", True
    if attr is None or cls is None:
        return None, None
    return None, False


def safety_net(v: HouseholdView) -> tuple[bool | None, str]:
    """Whether the household is a 兜底保障户 this year: (True, who it is), (False, ""), or
    (None, what is missing to tell). Off whenever the year's policy does not turn the path on."""
    if v.policy is None or flag(v.policy.get("safety_net_path")) is not True:
        return False, ""
    kind, assisted = _assisted_kind(v.hh)
    if assisted is False:
        return False, ""
    if not v.people:
        return None, "家庭成员为空"
    unknown, without = [], []
    for p in v.people:
        la = enum(p.raw.get("labor_ability"), LABOR_ABILITIES)
        if la in CAN_WORK:
            return False, ""
        if la is None:
            unknown.append(p.name)
        else:
            without.append(f"{p.name}{la}")
    if unknown:
        return None, f"{'、'.join(unknown)}缺少劳动技能"
    if assisted is None:
        return None, "缺少贫困户属性或低保类别"
    return True, f"{kind}，{v.n}名成员均无劳动力（{'、'.join(without)}）"


def _safety_net_fields(v: HouseholdView) -> list[str]:
    return _SAFETY_NET_FIELDS + [p.ref + "labor_ability" for p in v.people]


def safety_net_line(v: HouseholdView) -> float | None:
    line = number(v.policy.get("safety_net_line")) if v.policy is not None else None
    return line if line is not None and line > 0 else None


# --- the 12 rules ---------------------------------------------------------------------------------


# ⑴ "人均可支配收入高于当年贫困线,并达到或高于全省农村居民人均可支配收入平均水平"
# Strictly above the line decides; the provincial level and growth are information (docs/domain.md).
# A 兜底保障户 also meets it on the safety-net path: "低保二类…达到2808元/人·年,实现政策性脱贫" —
# its transfer income (低保金, 养老金, 补贴 …) per person reaching (≥, 达到) the year's 政策性脱贫标准.
def income_above_line(v: HouseholdView) -> Verdict:
    status, reasons, figures, fields = _income_ordinary(v)
    if status == UNKNOWN:
        return status, reasons, figures, fields
    on, who = safety_net(v)
    if on is False:
        return status, reasons, figures, fields
    fields = fields + ["policy.safety_net_line"] + _safety_net_fields(v)
    if status == MET:
        if on:
            reasons = reasons + ["兜底保障户，按一般标准（高于贫困线）已达标"]
        return status, reasons, figures, fields
    line = safety_net_line(v)
    if line is None:
        if on:
            reasons = reasons + [
                f"缺少{v.ylabel}政策参数（政策性脱贫标准），兜底保障户按一般标准判定"
            ]
        return status, reasons, figures, fields
    transfer = fen(v.finance.get("transfer_income"))
    reached = transfer >= fen(line) * v.n
    per = shown(transfer / v.n / 100, 2, line, None if reached else "below")
    figures = {**figures, "transfer_per_capita": per, "safety_net_line": line}
    if on:  # which reading decided
        figures["reading"] = SAFETY_NET_READING if reached else ORDINARY_READING
    text = (
        f"政策性脱贫：低保等转移性收入人均 {per:.2f} 元 {'≥' if reached else '<'} "
        f"政策性脱贫标准 {plain(line)} 元"
    )
    if on is None:
        if reached:  # met on the safety-net path if it is one, unmet otherwise
            why = f"{who}，无法判断是否为兜底保障户（{text}）"
            return UNKNOWN, reasons + [why], figures, fields
        return status, reasons, figures, fields
    if reached:
        ordinary = [reasons[0] + "（兜底保障户按政策性脱贫标准判定）", *reasons[1:]]
        return MET, [text, who, *ordinary], figures, fields
    return status, [*reasons, f"兜底保障户，{text}"], figures, fields


def _income_ordinary(v: HouseholdView) -> Verdict:
    unknowns = []
    if v.finance is None:
        unknowns.append(f"缺少{v.ylabel}收支数据")
    total, missing = disposable_fen(v.finance)
    if missing:
        unknowns.append(f"缺少{v.ylabel}{'、'.join(missing)}")
    if v.line_fen is None:
        unknowns.append(v.missing_line())
    if not v.people:
        unknowns.append("家庭成员为空")
    if unknowns:
        return UNKNOWN, unknowns, {}, list(_INCOME_FIELDS)
    above = total > v.line_fen * v.n
    per_capita = shown(total / v.n / 100, 2, v.line, "above" if above else None)
    figures = {
        "disposable_income": total / 100,
        "members": v.n,
        "per_capita": per_capita,
        "poverty_line": v.line,
    }
    sign = ">" if above else "≤"
    reasons = [f"人均可支配收入 {per_capita:.2f} 元 {sign} 贫困线 {plain(v.line)} 元"]
    avg = number(v.policy.get("province_avg_income"))
    if avg is not None and avg > 0:
        figures["province_avg_income"] = avg
        if per_capita >= avg:
            reasons.append(f"达到全省农村居民人均可支配收入 {plain(avg)} 元")
        else:
            reasons.append(f"低于全省农村居民人均可支配收入 {plain(avg)} 元（参考，不影响判定）")
    prev, _ = disposable_fen(v.finance_prev)
    if prev is not None and prev > 0:
        growth = (total - prev) * 100 / prev
        figures["income_growth_pct"] = round(growth, 1)
        text = f"家庭可支配收入较上年增长 {growth:.1f}%"
        prov = number(v.policy.get("province_income_growth_pct"))
        if prov is not None:
            figures["province_income_growth_pct"] = prov
            text += f"（全省 {plain(prov)}%，参考）"
        reasons.append(text)
    return (MET if sign == ">" else UNMET), reasons, figures, list(_INCOME_FIELDS)


HOUSING_M2_PER_PERSON = 30


# ⑵ "有安全稳固住房,人均安全稳固住房面积等于或大于30平方米" — exactly 30 m² is met.
def safe_housing(v: HouseholdView) -> Verdict:
    fields = ["household.housing_safe", "household.housing_area_m2", "members"]
    fails, unknowns = [], []
    safe = flag(v.hh.get("housing_safe"))
    if safe is None:
        unknowns.append("缺少住房是否安全稳固")
    elif not safe:
        fails.append("住房不安全稳固（危房）")
    area = number(v.hh.get("housing_area_m2"))
    figures, ok = {}, ""
    if area is None:
        unknowns.append("缺少住房面积")
    elif not v.people:
        unknowns.append("家庭成员为空")
    else:
        enough = area >= HOUSING_M2_PER_PERSON * v.n
        per = shown(area / v.n, 2, HOUSING_M2_PER_PERSON, None if enough else "below")
        figures = {"housing_area_m2": area, "members": v.n, "area_per_person": per}
        if enough:
            ok = f"人均住房面积 {per:.2f} m² ≥ {HOUSING_M2_PER_PERSON} m²"
        else:
            fails.append(f"人均住房面积 {per:.2f} m² < {HOUSING_M2_PER_PERSON} m²")
    status = combine(fails, unknowns)
    reasons = fails + unknowns if status != MET else ["住房安全稳固", ok]
    return status, reasons, figures, fields


# ⑶ "饮用安全水,有条件地区接通自来水" — no tap water is a note, not a failure.
def safe_water(v: HouseholdView) -> Verdict:
    fields = ["household.water_safe", "household.tap_water"]
    safe = flag(v.hh.get("water_safe"))
    tap = flag(v.hh.get("tap_water"))
    note = {
        True: "已接通自来水",
        False: "未接通自来水（有条件地区应接通）",
        None: "未填写是否接通自来水",
    }[tap]
    figures = {"tap_water": tap}
    if safe is None:
        return UNKNOWN, ["缺少是否饮水安全", note], figures, fields
    if not safe:
        return UNMET, ["饮水不安全", note], figures, fields
    return MET, ["饮水安全", note], figures, fields


# ⑷ "适龄儿童接受9年义务教育"
def compulsory_education(v: HouseholdView) -> Verdict:
    return _over_members(
        v,
        classify_schooling,
        ("school_status", "birth_date"),
        "{n}名6–15岁适龄儿童均在校或已完成义务教育",
        "无6–15岁适龄儿童",
    )


# ⑸ "主要劳动力接受了技能培训"
def skills_training(v: HouseholdView) -> Verdict:
    return _over_members(
        v,
        classify_training,
        ("skills_trained", "labor_ability", "birth_date"),
        "{n}名主要劳动力均接受了技能培训",
        "无16–60岁主要劳动力",
    )


# ⑹ "有增收门路" — not for a 兜底保障户: "对没有劳动力的低保户、残疾人家庭、五保户等通过救助式扶贫
# 保障其基本生活" (the safety-net path above).
def income_channels(v: HouseholdView) -> Verdict:
    on, who = safety_net(v)
    if on:
        fields = ["household.income_channels"] + _safety_net_fields(v)
        return NA, [SAFETY_NET_NA, who], {"safety_net": True}, fields
    status, reasons, figures, fields = _channels(v)
    if on is None and status != MET:
        why = f"{who}，无法判断是否为兜底保障户（无劳动力的低保/特困供养户不要求增收门路）"
        return UNKNOWN, reasons + [why], figures, fields + _safety_net_fields(v)
    return status, reasons, figures, fields


def _channels(v: HouseholdView) -> Verdict:
    fields = ["household.income_channels"]
    ch = v.hh.get("income_channels")
    if ch is None:
        return UNKNOWN, ["缺少增收门路"], {}, fields
    if not isinstance(ch, (list, tuple)):
        return UNKNOWN, ["增收门路数据无效"], {}, fields
    names = [c for c in ch if type(c) is str and c]
    if not names:
        return UNMET, ["无增收门路"], {"channels": []}, fields
    return MET, ["增收门路：" + "、".join(names)], {"channels": names}, fields


# ⑺ "全部人口参加了新型农村合作医疗"
def medical_insurance(v: HouseholdView) -> Verdict:
    return _over_members(v, classify_ncms, ("ncms",), "{n}人全部参加新农合", "")


# ⑻ "符合条件人口参加了新型农村社会养老保险"
def pension_insurance(v: HouseholdView) -> Verdict:
    return _over_members(
        v,
        classify_pension,
        ("pension_insured", "school_status", "birth_date"),
        "{n}名符合条件人口均参加新农保",
        "无符合参保条件的人口（16岁以上且不在校）",
    )


TOILETS = frozenset(C.TOILETS)


# ⑼ "有简易卫生厕所或卫生厕所"
def toilet(v: HouseholdView) -> Verdict:
    t = enum(v.hh.get("toilet"), TOILETS)
    fields = ["household.toilet"]
    if t is None:
        return UNKNOWN, ["缺少厕所类型"], {}, fields
    if t == "无":
        return UNMET, ["无厕所"], {"toilet": t}, fields
    return MET, [f"有{t}"], {"toilet": t}, fields


_COMMS = (
    ("has_phone", True, "无通讯设备", "是否有通讯设备"),
    ("has_cable_tv", True, "有线广播电视未入户", "是否有线广播电视入户"),
    ("has_internet", True, "未接通互联网", "是否接通互联网"),
)
_COMMS_FIELDS = ["household." + i[0] for i in _COMMS]


# ⑽ "有通讯设备,有线广播电视入户,接通互联网"
def communications(v: HouseholdView) -> Verdict:
    status, reasons, figures, fields = _flags(v, _COMMS, _COMMS_FIELDS)
    return status, (reasons or ["有通讯设备、有线广播电视、互联网"]), figures, fields


_BORROWING = (
    ("borrow_illness", False, "有因病借贷", "是否因病借贷"),
    ("borrow_school", False, "有因学借贷", "是否因学借贷"),
    ("borrow_marriage", False, "有因婚借贷", "是否因婚借贷"),
)
_BORROWING_FIELDS = ["household." + i[0] for i in _BORROWING]


# ⑾ "无因病、因学、因婚借贷"
def no_hardship_debt(v: HouseholdView) -> Verdict:
    status, reasons, figures, fields = _flags(v, _BORROWING, _BORROWING_FIELDS)
    return status, (reasons or ["无因病、因学、因婚借贷"]), figures, fields


# ⑿ "人均生活消费支出大于等于当年国家扶贫标准" — equal to the line is met.
def consumption_at_line(v: HouseholdView) -> Verdict:
    fields = ["finance.consumption_expenditure", "policy.poverty_line", "members"]
    unknowns = []
    spent = None
    if v.finance is None:
        unknowns.append(f"缺少{v.ylabel}收支数据")
    else:
        spent = fen(v.finance.get("consumption_expenditure"))
        if spent is None:
            unknowns.append(f"缺少{v.ylabel}{_LABEL['consumption_expenditure']}")
    if v.line_fen is None:
        unknowns.append(v.missing_line())
    if not v.people:
        unknowns.append("家庭成员为空")
    if unknowns:
        return UNKNOWN, unknowns, {}, fields
    ok = spent >= v.line_fen * v.n
    per = shown(spent / v.n / 100, 2, v.line, None if ok else "below")
    figures = {
        "consumption_expenditure": spent / 100,
        "members": v.n,
        "per_capita": per,
        "poverty_line": v.line,
    }
    sign = "≥" if ok else "<"
    return (
        (MET if ok else UNMET),
        [f"人均生活消费支出 {per:.2f} 元 {sign} 贫困线 {plain(v.line)} 元"],
        figures,
        fields,
    )


# --- the register of rules: a province's variant replaces an entry here ------------------------


@dataclass(frozen=True)
class Rule:
    no: int
    title: str  # as printed and shown: the seed's wording (定发〔2015〕13号 二、(二) 3)
    check: Callable[[HouseholdView], Verdict]
    short: str = ""  # two characters: a column of the wall-chart grid
    label: str = ""  # a few characters: a row of the app's chart of the village's households


# Titles are the seed's words, but ⑴ stops at the poverty line: the provincial level is
# information, not part of the verdict (docs/domain.md).
HOUSEHOLD_RULES: tuple[Rule, ...] = (
    Rule(1, "人均可支配收入高于当年贫困线", income_above_line, "收入", "人均可支配收入"),
    Rule(
        2,
        "有安全稳固住房，人均安全稳固住房面积等于或大于30平方米",
        safe_housing,
        "住房",
        "安全住房",
    ),
    Rule(3, "饮用安全水，有条件地区接通自来水", safe_water, "饮水", "安全饮水"),
    Rule(4, "适龄儿童接受9年义务教育", compulsory_education, "教育", "义务教育"),
    Rule(5, "主要劳动力接受了技能培训", skills_training, "培训", "技能培训"),
    Rule(6, "有增收门路", income_channels, "门路", "增收门路"),
    Rule(7, "全部人口参加了新型农村合作医疗", medical_insurance, "医保", "新农合"),
    Rule(8, "符合条件人口参加了新型农村社会养老保险", pension_insurance, "养老", "新农保"),
    Rule(9, "有简易卫生厕所或卫生厕所", toilet, "厕所", "卫生厕所"),
    Rule(10, "有通讯设备，有线广播电视入户，接通互联网", communications, "通讯", "通讯电视网络"),
    Rule(11, "无因病、因学、因婚借贷", no_hardship_debt, "借贷", "无因病学婚借贷"),
    Rule(
        12, "人均生活消费支出大于等于当年国家扶贫标准", consumption_at_line, "消费", "人均消费支出"
    ),
)


@dataclass(slots=True)
class HouseholdEvaluation(Verdicts):
    year: int | None
    household_id: object
    criteria: list[CriterionResult] = field(default_factory=list)
    eligible_to_exit: bool = False
    closed: str = ""  # a closed year: "2015年度已于…封存…，按封存数据" (storage.closing)

    def unmet(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.status == UNMET]

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "household_id": self.household_id,
            "eligible_to_exit": self.eligible_to_exit,
            "closed": self.closed or None,
            "criteria": [c.to_dict() for c in self.criteria],
        }


def evaluate_view(
    view: HouseholdView, rules: tuple[Rule, ...] = HOUSEHOLD_RULES
) -> HouseholdEvaluation:
    results = apply_rules(rules, view)
    return HouseholdEvaluation(
        view.year,
        view.hh.get("id"),
        results,
        all(r.status in PASSING for r in results),
        (view.closed or {}).get("note") or "",
    )


def evaluate_household(
    snapshot: dict, rules: tuple[Rule, ...] = HOUSEHOLD_RULES
) -> HouseholdEvaluation:
    """The 12 criteria for one household in one year; never raises on a form-shaped snapshot."""
    return evaluate_view(household_view(snapshot), rules)
