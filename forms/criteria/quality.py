"""Data-quality checks (疑点) over household snapshots, in the manner of the national register's."""

from __future__ import annotations

from dataclasses import dataclass

from .. import choices as C
from ..idnumber import check_id_number, normalize_id_number
from .household import (
    HouseholdView,
    Person,
    birth_from_date,
    birth_from_id,
    enum,
    evaluate_view,
    household_view,
)
from .result import UNMET, fen

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    severity: str  # "error" | "warning"
    household_id: object
    member_id: object  # None for a household-level issue
    message: str  # Chinese, names the household number and member
    field: str  # "member.id_number", "household.main_cause", "finance.wage_income"

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
    "Q12": "户主人数不为1",
}

SICK = frozenset({"长期慢性病", "患有大病"})
IN_SCHOOL = frozenset({"小学", "初中", "高中", "中职", "高职大专", "本科及以上", "送教上门"})
MIGRANT = frozenset({"乡镇内", "县内", "省内", "省外"})
CAN_WORK = frozenset({"普通劳动力", "技能劳动力", "弱劳动力或半劳动力"})
LABOR_ABILITIES = frozenset(C.LABOR_ABILITIES)
DIBAO_SET = frozenset({"一类", "二类"})
DIBAO_CLASSES = frozenset(C.DIBAO_CLASSES)
ATTRIBUTES = frozenset(C.POVERTY_ATTRIBUTES)
SEXES = frozenset(C.SEXES)
OPEN = frozenset(C.MEASURE_OPEN_STATUSES)


def _label(hh: dict) -> str:
    no = hh.get("household_no")
    return f"户{no}" if isinstance(no, str) and no.strip() else f"户（id {hh.get('id')}）"


def _causes(hh: dict) -> set:
    causes = set()
    if isinstance(hh.get("main_cause"), str):
        causes.add(hh["main_cause"])
    other = hh.get("other_causes")
    if isinstance(other, (list, tuple)):
        causes.update(c for c in other if isinstance(c, str))
    return causes


class _Lint:
    def __init__(self, year):
        self.year = year
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


def lint(households: list[dict], year: int, policy: dict | None = None) -> list[Issue]:
    """All issues found in the given household snapshots (one county's, or one village's).

    policy: the year's policy values, for snapshots that carry none (Q10 and Q11 evaluate the
    criteria)."""
    out = _Lint(year)
    seen_ids: dict[str, list[tuple[HouseholdView, Person]]] = {}
    for hs in households if isinstance(households, (list, tuple)) else ():
        if not isinstance(hs, dict):
            continue
        hs = {**hs, "year": year}
        if hs.get("policy") is None:
            hs["policy"] = policy
        v = household_view(hs)
        for p in v.people:
            idn = _member_checks(out, v, p)
            if idn:
                seen_ids.setdefault(idn, []).append((v, p))
        _household_checks(out, v, hs)
    # Q02: the same person registered twice, in one household or across villages.
    for holders in seen_ids.values():
        if len(holders) < 2:
            continue
        for v, p in holders:
            others = "、".join(f"{_label(ov.hh)} {op.name}" for ov, op in holders if op is not p)
            out.add("Q02", ERROR, v, p, f"身份证号与 {others} 重复", "member.id_number")
    return out.issues


def _member_checks(out: _Lint, v: HouseholdView, p: Person) -> str:
    """Checks on one member; returns the normalised ID number ("" when none) for Q02."""
    raw = p.raw
    idn, bd = raw.get("id_number"), raw.get("birth_date")
    idn = normalize_id_number(idn) if isinstance(idn, str) else ""
    has_bd = bd is not None and bd != ""
    # Q01: the ID number and the birth date agree and are well-formed.
    if idn:
        problem = check_id_number(idn)
        if problem:
            out.add("Q01", ERROR, v, p, f"身份证号有误：{problem}", "member.id_number")
        else:
            born = birth_from_id(idn)
            given = birth_from_date(bd) if has_bd else None
            if given is not None and born is not None and given != born:
                out.add(
                    "Q01",
                    ERROR,
                    v,
                    p,
                    f"出生日期 {bd} 与身份证号中的 {born[0]:04d}-{born[1]:02d}-{born[2]:02d} 不符",
                    "member.birth_date",
                )
            sex = enum(raw.get("sex"), SEXES)
            id_sex = "男" if int(idn[16]) % 2 else "女"
            if sex is not None and sex != id_sex:
                out.add(
                    "Q01", WARNING, v, p, f"性别“{sex}”与身份证号（{id_sex}）不符", "member.sex"
                )
    if has_bd and birth_from_date(bd) is None:
        out.add("Q01", ERROR, v, p, f"出生日期“{bd}”不是有效日期", "member.birth_date")
    if not idn and not has_bd:
        out.add("Q01", WARNING, v, p, "缺少身份证号和出生日期，无法计算年龄", "member.id_number")
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
    return idn


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
    elif attr == "特困供养(五保)贫困户" and dc in DIBAO_SET:
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

    _wage_checks(out, v)

    heads = sum(1 for p in v.people if p.raw.get("relation") == "户主")
    if v.people and heads != 1:
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
    if wage and wage > 0 and v.people and not migrants:
        # Only when every member is known not to be able to earn a wage.
        for p in v.people:
            la = enum(p.raw.get("labor_ability"), LABOR_ABILITIES)
            out_of_age = p.age is not None and not 16 <= p.age <= 60
            if not (out_of_age or (la is not None and la not in CAN_WORK)):
                return
        out.add(
            "Q06",
            WARNING,
            v,
            None,
            f"工资性收入 {wage / 100:.2f} 元，但无外出务工成员，也无16–60岁有劳动能力的成员",
            "finance.wage_income",
        )
