"""Data-quality checks (疑点) over household snapshots, in the manner of the national register's.

Each check has a code (CODES), a severity, a Chinese message that names the household (户编号)
and the member, and the `field` the GUI opens on a click ("member.id_number",
"household.main_cause", "finance.wage_income", "status_history.reason", "measures",
"facts.two_after_trained"); a member's field goes with the issue's `member_id`.

Severity: ERROR where the record contradicts itself or the rules of the register (an ID number
of the wrong form, a spouse of the head's sex, a birth after the member joined, an exit before
the identification, more trained than willing); WARNING where a combination is implausible and
needs a look (a 低保 household without transfer income, a school status unusual for the age).

Whose checks: the ID-number and birth-date checks (Q01, Q13, Q24, Q25) read every member listed,
former ones included; the other per-member checks read the members present on 31 December of the
year (HouseholdView.people), so a parent who died is not asked about his labour ability, and
the same ID number (Q02) is looked for among present members only — a daughter who married into
another household is listed, as former, in both.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import choices as C
from ..age import membership_day
from ..history import entry_year, ymd
from ..idnumber import (
    MSG_DIVISION,
    PROVINCE_CODES,
    check_digit,
    check_id_number,
    normalize_id_number,
)
from .household import (
    LABOUR_AGES,
    MAIN_LABOUR,
    HouseholdView,
    Person,
    birth_from_date,
    birth_from_id,
    enum,
    evaluate_view,
    household_view,
)
from .result import UNMET, fen, number, plain

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    severity: str  # "error" | "warning"
    household_id: object  # None for a village's issue (lint_village_facts)
    member_id: object  # None for a household-level issue
    message: str  # Chinese, names the household number (or the village) and member
    field: str  # "member.id_number", "household.main_cause", "finance.wage_income", "facts.…"

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "household_id": self.household_id,
            "member_id": self.member_id,
            "message": self.message,
            "field": self.field,
        }


CODES = {
    "Q01": "身份证号或出生日期有误",
    "Q02": "身份证号重复",
    "Q03": "因病致贫但无患病成员",
    "Q04": "因学致贫但无在校成员",
    "Q05": "贫困户属性与低保类别不符",
    "Q06": "务工情况与工资性收入不符",
    "Q07": "成员年龄超过100岁",
    "Q08": "户主未满16岁",
    "Q09": "家庭人口数与成员名单不符",
    "Q10": "已脱贫户仍有未达标指标",
    "Q11": "计划当年脱贫但未达标指标无在办措施",
    "Q12": "无在户成员或户主人数不为1",
    "Q13": "15位身份证号未升级为18位",
    "Q14": "无劳动能力成员长期外出务工",
    "Q15": "低保户无转移性收入",
    "Q16": "低保户人均工资性收入远高于贫困线",
    "Q17": "特困供养(五保)户有劳动力成员",
    "Q18": "子女年长于户主或父母年轻于户主",
    "Q19": "配偶与户主性别相同",
    "Q20": "因残致贫但无残疾成员",
    "Q21": "主要致贫原因为缺劳力但有劳动力成员",
    "Q22": "在校生状况与年龄不符",
    "Q23": "劳动技能与年龄不符",
    "Q24": "出生日期晚于加入日期或今天",
    "Q25": "有出生日期但无身份证号",
    "Q26": "脱贫年度早于识别年度",
    "Q27": "晚于计划年度脱贫且无说明",
    "Q28": "两后生已培训人数多于有培训意愿人数",
}

SICK = frozenset({"长期慢性病", "患有大病"})
DISABLED = "残疾"
IN_SCHOOL = frozenset({"小学", "初中", "高中", "中职", "高职大专", "本科及以上", "送教上门"})
MIGRANT = frozenset({"乡镇内", "县内", "省内", "省外"})
CAN_WORK = frozenset({"普通劳动力", "技能劳动力", "弱劳动力或半劳动力"})
CANNOT_WORK = frozenset({"丧失劳动力", "无劳动力"})
LABOR_ABILITIES = frozenset(C.LABOR_ABILITIES)
SCHOOL_STATUSES = frozenset(C.SCHOOL_STATUSES)
DIBAO_SET = frozenset({"一类", "二类"})
DIBAO_CLASSES = frozenset(C.DIBAO_CLASSES)
ATTRIBUTES = frozenset(C.POVERTY_ATTRIBUTES)
WUBAO = "特困供养(五保)贫困户"
SEXES = frozenset(C.SEXES)
OPEN = frozenset(C.MEASURE_OPEN_STATUSES)

# Q14: a member who cannot work (丧失劳动力 / 无劳动力) recorded as working away (务工状况 not 无)
# for this many months of the year or more — half the year; fewer months may be a short job.
AWAY_MONTHS = 6
# Q16: a 低保 household's wage income per person above this many times the year's poverty line.
DIBAO_WAGE_FACTOR = 2
# Q23: 普通劳动力 / 技能劳动力 is implausible under this age or over the other (age on 31 August).
LABOUR_MIN_AGE = 16
LABOUR_MAX_AGE = 70
# Q22: the ages (full years on 31 August, the school-year date) at which each school status is
# plausible, (lowest, highest), None for no bound. Built on the usual schedule — 小学 from 6
# (6 by 31 August), nine years of compulsory schooling finished at 15 — with room for late
# starts and repeated years; adults may study at a 中职 or 高职 and at any age after a 本科.
# 辍学, 未入学 and 非在校 have no range: they are what the criteria and the other checks read.
SCHOOL_AGES = {
    "学龄前": (None, 6),
    "小学": (6, 19),
    "初中": (11, 22),
    "高中": (14, 25),
    "中职": (14, 30),
    "高职大专": (16, 35),
    "本科及以上": (16, None),
    "已完成义务教育": (15, None),
    "送教上门": (6, 20),
}


def _label(hh: dict) -> str:
    no = hh.get("household_no")
    return f"户{no}" if isinstance(no, str) and no.strip() else f"户（id {hh.get('id')}）"


def _village_label(village: dict) -> str:
    name = village.get("name")
    name = (
        name.strip() if isinstance(name, str) and name.strip() else f"村（id {village.get('id')}）"
    )
    code = village.get("code")
    return f"{name}（{code}）" if isinstance(code, str) and code.strip() else name


def _causes(hh: dict) -> set:
    causes = set()
    if isinstance(hh.get("main_cause"), str):
        causes.add(hh["main_cause"])
    other = hh.get("other_causes")
    if isinstance(other, (list, tuple)):
        causes.update(c for c in other if isinstance(c, str))
    return causes


def _yuan(amount_fen: int) -> str:
    """Whole fen as 元: 1200000 → "12000", 1200050 → "12000.50"."""
    return str(amount_fen // 100) if amount_fen % 100 == 0 else f"{amount_fen / 100:.2f}"


def _iso(d: tuple[int, int, int]) -> str:
    return f"{d[0]:04d}-{d[1]:02d}-{d[2]:02d}"


def upgrade_id15(s: str) -> str | None:
    """A first-generation (15-digit) ID number as its 18-digit form (GB 11643-1999): "19"
    inserted after the 6-digit area code and the check character appended; None when `s` is
    not 15 digits with a plausible area code."""
    if len(s) != 15 or not s.isascii() or not s.isdigit():
        return None
    if int(s[:2]) not in PROVINCE_CODES or s[2:6] == "0000":
        return None
    first17 = f"{s[:6]}19{s[6:]}"
    return first17 + check_digit(first17)


class _Lint:
    def __init__(self, year, today: date):
        self.year = year
        self.today = today
        self.today_ymd = (today.year, today.month, today.day)
        self.issues: list[Issue] = []

    def add(self, code, severity, v: HouseholdView, p: Person | None, text: str, field: str):
        who = f"{p.name} " if p is not None else ""
        self.issues.append(
            Issue(
                code,
                severity,
                v.hh.get("id"),
                p.raw.get("id") if p is not None else None,
                f"{_label(v.hh)}：{who}{text}",
                field,
            )
        )


def lint(
    households: list[dict], year: int, policy: dict | None = None, *, today: date | None = None
) -> list[Issue]:
    """All issues found in the given household snapshots (one county's, or one village's).

    policy: the year's policy values, for snapshots that carry none (Q10 and Q11 evaluate the
    criteria, Q16 reads the poverty line). today: for births after today (Q24), default the
    computer's date. A village's facts are checked by lint_village_facts."""
    out = _Lint(year, today or date.today())
    seen_ids: dict[str, list[tuple[HouseholdView, Person]]] = {}
    for hs in households if isinstance(households, (list, tuple)) else ():
        if not isinstance(hs, dict):
            continue
        hs = {**hs, "year": year}
        if hs.get("policy") is None:
            hs["policy"] = policy
        v = household_view(hs)
        for p in v.people:
            idn = _id_checks(out, v, p)
            if idn:
                seen_ids.setdefault(idn, []).append((v, p))
            _member_checks(out, v, p)
        for p in v.former:
            _id_checks(out, v, p)
        _household_checks(out, v, hs)
    # Q02: the same person registered twice, in one household or across villages.
    for holders in seen_ids.values():
        if len(holders) < 2:
            continue
        for v, p in holders:
            others = "、".join(f"{_label(ov.hh)} {op.name}" for ov, op in holders if op is not p)
            out.add("Q02", ERROR, v, p, f"身份证号与 {others} 重复", "member.id_number")
    return out.issues


def lint_village_facts(village: dict, facts: dict | None, year) -> list[Issue]:
    """The issues of a village's facts of the year (forms.facts.VILLAGE_FACTS), named by the
    village; household_id and member_id are None and `field` is "facts.<key>"."""
    village = village if isinstance(village, dict) else {}
    if not isinstance(facts, dict):
        return []
    issues = []
    # Q28: the 两后生 trained are among those willing to be trained (村级⒄).
    willing, trained = (
        number(facts.get("two_after_willing")),
        number(facts.get("two_after_trained")),
    )
    if willing is not None and trained is not None and trained > willing:
        when = f"{year}年" if type(year) is int else ""
        issues.append(
            Issue(
                "Q28",
                ERROR,
                None,
                None,
                f"{_village_label(village)}：{when}“两后生”已接受技能培训{plain(trained)}人，"
                f"多于有培训意愿的{plain(willing)}人",
                "facts.two_after_trained",
            )
        )
    return issues


def _id_checks(out: _Lint, v: HouseholdView, p: Person) -> str:
    """The ID number and birth date of any member listed, former ones too; returns the
    normalised 18-digit ID number ("" when none or invalid) for Q02."""
    raw = p.raw
    idn, bd = raw.get("id_number"), raw.get("birth_date")
    idn = normalize_id_number(idn) if isinstance(idn, str) else ""
    has_bd = bd is not None and bd != ""
    given = birth_from_date(bd) if has_bd else None
    valid = ""
    if len(idn) == 15 and idn.isascii() and idn.isdigit():
        # Q13: a first-generation number; its 18-digit form stands for it in the other checks.
        upgraded = upgrade_id15(idn)
        problem = check_id_number(upgraded, out.today) if upgraded else MSG_DIVISION
        if problem:
            out.add("Q01", ERROR, v, p, f"15位身份证号有误：{problem}", "member.id_number")
        else:
            out.add(
                "Q13",
                ERROR,
                v,
                p,
                f"身份证号 {idn} 为15位（一代证），应升级为18位：{upgraded}",
                "member.id_number",
            )
            valid = upgraded
    elif idn:
        # Q01: the ID number and the birth date agree and are well-formed.
        problem = check_id_number(idn, out.today)
        if problem:
            out.add("Q01", ERROR, v, p, f"身份证号有误：{problem}", "member.id_number")
        else:
            valid = idn
    if valid:
        born = birth_from_id(valid)
        if given is not None and born is not None and given != born:
            out.add(
                "Q01",
                ERROR,
                v,
                p,
                f"出生日期 {bd} 与身份证号中的 {_iso(born)} 不符",
                "member.birth_date",
            )
        sex = enum(raw.get("sex"), SEXES)
        id_sex = _id_sex(valid)
        if sex is not None and sex != id_sex:
            out.add("Q01", WARNING, v, p, f"性别“{sex}”与身份证号（{id_sex}）不符", "member.sex")
    if has_bd and given is None:
        out.add("Q01", ERROR, v, p, f"出生日期“{bd}”不是有效日期", "member.birth_date")
    if not idn and not has_bd:
        out.add("Q01", WARNING, v, p, "缺少身份证号和出生日期，无法计算年龄", "member.id_number")
    # Q25: the national register gives everyone a 公民身份号码; a birth date alone is not enough.
    if not idn and given is not None:
        out.add(
            "Q25", WARNING, v, p, f"有出生日期 {_iso(given)}，但缺少身份证号", "member.id_number"
        )
    _birth_order(out, v, p, given)
    return valid


def _id_sex(valid18: str) -> str:
    """男 when the 17th digit is odd, 女 when even (GB 11643-1999)."""
    return "男" if int(valid18[16]) % 2 else "女"


def _birth_order(out: _Lint, v: HouseholdView, p: Person, given) -> None:
    """Q24: nobody joins a household before being born, nor is born after today."""
    if given is not None and given > out.today_ymd:
        out.add(
            "Q24",
            ERROR,
            v,
            p,
            f"出生日期 {_iso(given)} 晚于今天（{out.today.isoformat()}）",
            "member.birth_date",
        )
        return
    born, joined = p.birth, ymd(p.raw.get("joined_date"))
    if born is None or joined is None or joined >= born:
        return
    if type(out.year) is int and joined <= membership_day(out.year) < born:
        text = (
            f"记为{out.year}年的成员（加入日期 {_iso(joined)}），但出生日期 {_iso(born)} "
            f"在{out.year}年12月31日之后"
        )
    else:
        text = f"加入日期 {_iso(joined)} 早于出生日期 {_iso(born)}"
    out.add("Q24", ERROR, v, p, text, "member.birth_date")


def _member_checks(out: _Lint, v: HouseholdView, p: Person) -> None:
    """Checks on one member present on 31 December of the year."""
    raw = p.raw
    if p.age is not None and p.age > 100:
        out.add(
            "Q07",
            WARNING,
            v,
            p,
            f"{out.year}年8月31日年龄为{p.age}岁，请核实出生日期",
            "member.birth_date",
        )
    if raw.get("relation") == "户主" and p.age is not None and p.age < 16:
        out.add("Q08", WARNING, v, p, f"户主年龄为{p.age}岁，未满16岁", "member.relation")
    la = enum(raw.get("labor_ability"), LABOR_ABILITIES)
    # Q14: cannot work, yet away working half the year or more.
    months = raw.get("migrant_months")
    work = raw.get("migrant_work")
    if la in CANNOT_WORK and type(months) is int and months >= AWAY_MONTHS and work != "无":
        place = work if enum(work, MIGRANT) else ""
        out.add(
            "Q14",
            WARNING,
            v,
            p,
            f"劳动技能为{la}，但{place}务工{months}个月",
            "member.labor_ability",
        )
    if p.age is None:
        return
    # Q22: a school status out of its plausible ages.
    st = enum(raw.get("school_status"), SCHOOL_STATUSES)
    ages = SCHOOL_AGES.get(st)
    if ages is not None:
        lo, hi = ages
        if (lo is not None and p.age < lo) or (hi is not None and p.age > hi):
            out.add(
                "Q22",
                WARNING,
                v,
                p,
                f"{p.age}岁，在校生状况为{st}（一般为{_ages_text(lo, hi)}）",
                "member.school_status",
            )
    # Q23: a main labourer's age.
    if la in MAIN_LABOUR and not LABOUR_MIN_AGE <= p.age <= LABOUR_MAX_AGE:
        limit = f"未满{LABOUR_MIN_AGE}岁" if p.age < LABOUR_MIN_AGE else f"超过{LABOUR_MAX_AGE}岁"
        out.add(
            "Q23",
            WARNING,
            v,
            p,
            f"{p.age}岁（{limit}），劳动技能为{la}",
            "member.labor_ability",
        )


def _ages_text(lo: int | None, hi: int | None) -> str:
    """ "6–19岁", "15岁以上", "6岁以下" (以上 / 以下 include the number)."""
    if lo is not None and hi is not None:
        return f"{lo}–{hi}岁"
    return f"{lo}岁以上" if lo is not None else f"{hi}岁以下"


def _labourers(v: HouseholdView) -> list[Person]:
    """Present members aged 16–60 with 普通劳动力 or 技能劳动力 (criterion 5's main labourers)."""
    lo, hi = LABOUR_AGES
    return [
        p
        for p in v.people
        if p.age is not None
        and lo <= p.age <= hi
        and enum(p.raw.get("labor_ability"), LABOR_ABILITIES) in MAIN_LABOUR
    ]


def _household_checks(out: _Lint, v: HouseholdView, hs: dict) -> None:
    hh = v.hh
    causes = _causes(hh)
    if "因病" in causes and v.people and not any(enum(p.raw.get("health"), SICK) for p in v.people):
        out.add(
            "Q03",
            WARNING,
            v,
            None,
            "致贫原因含因病，但没有成员的健康状况为长期慢性病或患有大病",
            "household.main_cause",
        )
    if (
        "因学" in causes
        and v.people
        and not any(enum(p.raw.get("school_status"), IN_SCHOOL) for p in v.people)
    ):
        out.add("Q04", WARNING, v, None, "致贫原因含因学，但没有在校成员", "household.main_cause")
    # Q20: like Q03, any of the causes; Q21 only the main cause — 缺劳力 among the other causes
    # fits a household with one labourer for many mouths.
    if "因残" in causes and v.people and not any(p.raw.get("health") == DISABLED for p in v.people):
        main = hh.get("main_cause") == "因残"
        out.add(
            "Q20",
            WARNING,
            v,
            None,
            "致贫原因含因残，但没有成员的健康状况为残疾",
            "household.main_cause" if main else "household.other_causes",
        )
    labourers = _labourers(v)
    if hh.get("main_cause") == "缺劳力" and labourers:
        names = "、".join(p.who(enum(p.raw.get("labor_ability"), MAIN_LABOUR)) for p in labourers)
        out.add(
            "Q21",
            WARNING,
            v,
            None,
            f"主要致贫原因为缺劳力，但有16–60岁的劳动力：{names}",
            "household.main_cause",
        )

    attr = enum(hh.get("poverty_attribute"), ATTRIBUTES)
    dc = enum(hh.get("dibao_class"), DIBAO_CLASSES)
    if attr == "低保贫困户" and dc not in DIBAO_SET:
        out.add(
            "Q05",
            ERROR,
            v,
            None,
            f"贫困户属性为低保贫困户，但低保类别为“{dc or '未填'}”",
            "household.dibao_class",
        )
    elif attr == WUBAO and dc in DIBAO_SET:
        out.add(
            "Q05",
            ERROR,
            v,
            None,
            f"特困供养(五保)贫困户不应有低保类别（现为{dc}）",
            "household.dibao_class",
        )
    elif attr == "一般贫困户" and dc in DIBAO_SET:
        out.add(
            "Q05",
            ERROR,
            v,
            None,
            f"低保类别为{dc}，但贫困户属性为一般贫困户",
            "household.poverty_attribute",
        )
    # Q17: 特困供养 is for people without labour ability ("三无"): a main labourer contradicts it.
    if attr == WUBAO:
        for p in labourers:
            la = enum(p.raw.get("labor_ability"), MAIN_LABOUR)
            out.add(
                "Q17",
                WARNING,
                v,
                p,
                f"{p.age}岁、{la}，但该户为特困供养(五保)贫困户",
                "member.labor_ability",
            )

    _wage_checks(out, v)
    if dc in DIBAO_SET:
        _dibao_checks(out, v, dc)
    _relation_checks(out, v)

    if not v.people:
        # Q12 (no members at all): a household not in the register that year (清退, or
        # identified later) may well have none.
        if v.status.registered:
            if v.former:
                names = "、".join(p.name for p in v.former)
                text = f"{out.year}年12月31日无在户成员（{names} 已离开或尚未加入）"
            else:
                text = "没有家庭成员"
            out.add("Q12", ERROR, v, None, text, "member.relation")
    else:
        heads = sum(1 for p in v.people if p.raw.get("relation") == "户主")
        if heads != 1:
            out.add("Q12", WARNING, v, None, f"成员中有{heads}位户主", "member.relation")
    size = hh.get("household_size")
    if type(size) is int and size != v.n:
        out.add(
            "Q09",
            WARNING,
            v,
            None,
            f"家庭人口数为{size}，但成员名单有{v.n}人",
            "household.household_size",
        )

    _exit_checks(out, v)

    # Q10 and Q11 need the criteria: evaluate only the households they concern.
    exited = v.status.status == C.STATUS_EXITED
    exiting = v.status.poor is True and hh.get("planned_exit_year") == out.year
    if not (exited or exiting):
        return
    ev = evaluate_view(v)
    unmet = [c for c in ev.criteria if c.status == UNMET]
    if not unmet:
        return
    if exited:
        nos = "、".join(str(c.no) for c in unmet)
        out.add(
            "Q10",
            WARNING,
            v,
            None,
            f"已脱贫，但{out.year}年第{nos}项指标未达标",
            "household.status",
        )
    if exiting:
        measures = hs.get("measures")
        if not isinstance(measures, (list, tuple)):
            measures = ()
        targeted = {
            m.get("criterion_no")
            for m in measures
            if isinstance(m, dict)
            and type(m.get("criterion_no")) is int
            and enum(m.get("status"), OPEN)
        }
        bare = [c for c in unmet if c.no not in targeted]
        if bare:
            nos = "、".join(f"第{c.no}项（{c.title}）" for c in bare)
            out.add(
                "Q11",
                WARNING,
                v,
                None,
                f"计划{out.year}年脱贫，{nos}未达标且无在办帮扶措施",
                "measures",
            )


def _wage_checks(out: _Lint, v: HouseholdView) -> None:
    """Q06: migrant work shows in the wage income, and wage income has someone earning it."""
    if v.finance is None:
        return
    wage = fen(v.finance.get("wage_income"))
    migrants = []
    for p in v.people:
        months = p.raw.get("migrant_months")
        work = p.raw.get("migrant_work")
        if (type(months) is int and months > 0) or enum(work, MIGRANT):
            migrants.append(p)
    if migrants and not wage:
        p = migrants[0]
        names = "、".join(m.name for m in migrants)
        shown = "未填" if wage is None else "0 元"
        out.add(
            "Q06",
            WARNING,
            v,
            p if len(migrants) == 1 else None,
            f"{names if len(migrants) > 1 else ''}有外出务工，但工资性收入{shown}".lstrip(),
            "finance.wage_income",
        )
        return
    if not (wage and wage > 0 and v.people and not migrants):
        return
    # Nobody who could earn it: no migrant, nobody aged 16–60 able to work.
    if not any(_could_earn(p) for p in v.people):
        out.add(
            "Q06",
            WARNING,
            v,
            None,
            f"工资性收入 {_yuan(wage)} 元，但无外出务工成员，也无16–60岁有劳动能力的成员",
            "finance.wage_income",
        )
    elif all(p.raw.get("migrant_work") == "无" for p in v.people):
        # Someone could work, but everyone is recorded 务工 无 (work in the township is 乡镇内).
        out.add(
            "Q06",
            WARNING,
            v,
            None,
            f"工资性收入 {_yuan(wage)} 元，但所有成员务工状况均为无",
            "finance.wage_income",
        )


def _could_earn(p: Person) -> bool:
    """Not known to be unable to earn a wage: aged 16–60 (or age unknown), able to work (or
    labour ability unknown)."""
    la = enum(p.raw.get("labor_ability"), LABOR_ABILITIES)
    out_of_age = p.age is not None and not LABOUR_AGES[0] <= p.age <= LABOUR_AGES[1]
    return not (out_of_age or (la is not None and la not in CAN_WORK))


def _dibao_checks(out: _Lint, v: HouseholdView, dc: str) -> None:
    """Q15: 低保金 is transfer income; Q16: a 低保 household earning wages far above the line."""
    if v.finance is None:
        return
    transfer = fen(v.finance.get("transfer_income"))
    if not transfer:
        shown = "未填" if transfer is None else "为0"
        out.add(
            "Q15",
            WARNING,
            v,
            None,
            f"低保{dc}，但{out.year}年转移性收入{shown}",
            "finance.transfer_income",
        )
    wage = fen(v.finance.get("wage_income"))
    if wage is None or v.line_fen is None or not v.n:
        return
    if wage > DIBAO_WAGE_FACTOR * v.line_fen * v.n:
        per = round(wage / v.n)
        out.add(
            "Q16",
            WARNING,
            v,
            None,
            f"低保{dc}，但人均工资性收入 {_yuan(per)} 元，超过{out.year}年贫困线"
            f" {_yuan(v.line_fen)} 元的{DIBAO_WAGE_FACTOR}倍",
            "finance.wage_income",
        )


def _relation_checks(out: _Lint, v: HouseholdView) -> None:
    """Q18 and Q19: the members' relation to the head against birth dates and ID numbers."""
    heads = [p for p in v.people if p.raw.get("relation") == "户主"]
    if len(heads) != 1:
        return  # Q12 says so
    head = heads[0]
    head_sex = _valid_sex(head.raw.get("id_number"))
    for p in v.people:
        rel = p.raw.get("relation")
        if p is head or rel not in ("子", "女", "父母", "配偶"):
            continue
        if rel == "配偶":
            sex = _valid_sex(p.raw.get("id_number"))
            if sex is not None and sex == head_sex:
                out.add(
                    "Q19",
                    ERROR,
                    v,
                    p,
                    f"为配偶，但与户主 {head.name} 的身份证号均为{sex}性",
                    "member.id_number",
                )
            continue
        if p.birth is None or head.birth is None:
            continue
        if rel in ("子", "女") and p.birth < head.birth:
            out.add(
                "Q18",
                WARNING,
                v,
                p,
                f"为户主的{rel}，但出生日期 {_iso(p.birth)} 早于户主 {head.name}"
                f"（{_iso(head.birth)}）",
                "member.birth_date",
            )
        elif rel == "父母" and p.birth > head.birth:
            out.add(
                "Q18",
                WARNING,
                v,
                p,
                f"为户主的父母，但出生日期 {_iso(p.birth)} 晚于户主 {head.name}"
                f"（{_iso(head.birth)}）",
                "member.birth_date",
            )


def _valid_sex(value) -> str | None:
    """The sex an ID number gives (an upgraded 15-digit one too), None when it is not valid."""
    if not isinstance(value, str):
        return None
    s = normalize_id_number(value)
    if len(s) == 15:
        s = upgrade_id15(s) or ""
    if len(s) != 18 or check_id_number(s) is not None:
        return None
    return _id_sex(s)


def _exit_entries(v: HouseholdView) -> list[tuple[int, dict]]:
    """The 已脱贫 entries of the status history (not deleted), as (所属年度, entry)."""
    out = []
    for e in v.history:
        if not isinstance(e, dict) or e.get("deleted"):
            continue
        y = entry_year(e)
        if y is not None and C.current_status(e.get("status")) == C.STATUS_EXITED:
            out.append((y, e))
    out.sort(key=lambda ye: (ye[0], str(ye[1].get("date") or "")))
    return out


def _exit_checks(out: _Lint, v: HouseholdView) -> None:
    """Q26: an exit before the identification; Q27: the exit the year's status rests on came
    after the planned exit year and its 已脱贫 entry gives no reason (延期脱贫要说明)."""
    hh = v.hh
    entries = _exit_entries(v)
    iy = hh.get("identification_year")
    ey = hh.get("exit_year")
    if type(iy) is int:
        if type(ey) is int and ey < iy:
            out.add(
                "Q26", ERROR, v, None, f"脱贫年度 {ey} 早于识别年度 {iy}", "household.exit_year"
            )
        else:
            early = [y for y, _ in entries if y < iy]
            if early:
                out.add(
                    "Q26",
                    ERROR,
                    v,
                    None,
                    f"状态变更记录中{early[0]}年已脱贫，早于识别年度 {iy}",
                    "status_history.year",
                )
    planned = hh.get("planned_exit_year")
    exit_year = v.status.exit_year
    if v.status.status != C.STATUS_EXITED or type(planned) is not int or exit_year is None:
        return
    if exit_year <= planned:
        return
    entry = next((e for y, e in reversed(entries) if y == exit_year), None)
    if entry is not None:
        reason = entry.get("reason")
        if isinstance(reason, str) and reason.strip():
            return
        text = f"计划{planned}年脱贫，{exit_year}年才脱贫，但脱贫记录未填写原因"
    else:
        text = f"计划{planned}年脱贫，{exit_year}年才脱贫，但没有说明原因的脱贫记录"
    out.add("Q27", WARNING, v, None, text, "status_history.reason")
