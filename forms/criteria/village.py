"""The 17 village exit criteria (贫困村脱贫目标), from the village's households and its yearly facts.

Snapshot::

    {"year": 2016,
     "village": {<forms.entities.VILLAGE keys>, "id": ...},
     "facts": {<forms.facts.VILLAGE_FACTS keys>} | None,
     "facts_prev": {...} | None,            # accepted; not needed by any rule today
     "households": [<household snapshot, see household.py>, ...],
     "policy": {<POLICY keys>} | None, "policy_prev": {...} | None}

Rates that follow from the register are computed over the village's registered households
(建档立卡户, 清退 excluded) and say so ("按建档立卡户计算"): the register does not hold the
village's other farm households. A household snapshot without its own year or policy takes the
village's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from ..facts import VILLAGE_FACTS
from ..fields import Form
from .household import (
    TOILETS,
    HouseholdView,
    classify_ncms,
    classify_pension,
    classify_schooling,
    disposable_fen,
    enum,
    flag,
    household_view,
)
from .result import (
    MAYBE,
    MET,
    NA,
    NO,
    UNKNOWN,
    UNMET,
    YES,
    CriterionResult,
    Share,
    Verdicts,
    apply_rules,
    fen,
    judge_share,
    named,
    number,
    plain,
    shown,
)

BY_REGISTER = "按建档立卡户计算"
# "贫困发生率下降到8%以下": in Chinese legal usage 以下 includes the number, as every "以上" of the
# seed is read here (docs/domain.md, "How the criteria are read"): 8.0% is met, 8.04% is not.
POVERTY_INCIDENCE_MAX_PCT = 8


# --- the poor population of a year --------------------------------------------------------------


def registered(v: HouseholdView) -> bool:
    """In the register at the end of the evaluation year: identified by then, not 清退."""
    return v.status.registered


def poor_at_year_end(v: HouseholdView) -> bool | None:
    """Still poor at the end of the year, from the status history (forms.history); None when
    the status cannot be known (v.status.problem says why)."""
    return v.status.poor


def exited_in(v: HouseholdView) -> bool:
    return v.exited_in(v.year)


def poor_of_year(v: HouseholdView) -> bool | None:
    """The year's poor population for income: still poor at year end, or exited during the year.

    Households that exited this year were poor when the year began; leaving them out would
    measure only those left behind and bias the income of "the poor" downwards every year.
    """
    if exited_in(v):
        return True
    return poor_at_year_end(v)


def status_problem(v: HouseholdView) -> str:
    """Why the household's status at the end of the year is unknown, naming the household
    ("户0012为已脱贫但缺少脱贫年度")."""
    if v.status.problem:
        return v.status.problem
    return f"户{v.hh.get('household_no') or v.hh.get('id') or ''}户状态不明"


def household_people(v: HouseholdView) -> int | None:
    """Members listed, or the declared household size when no member is listed yet."""
    if v.n:
        return v.n
    size = v.hh.get("household_size")
    return size if type(size) is int and size > 0 else None


# --- checks on facts entered by hand ------------------------------------------------------------

_OPS = {
    ">=": (lambda a, b: a >= b, "≥", "<"),
    ">": (lambda a, b: a > b, ">", "≤"),
    "<": (lambda a, b: a < b, "<", "≥"),
}


def fact_checks(
    facts: dict | None, form: Form, checks, missing_all: str
) -> tuple[list, list, list, dict, list]:
    """Judge facts. checks: (key, op, target) or (key, op, target, target text), with op
    ">=", ">", "<" or "true". Returns (fails, unknowns, oks, figures, fields)."""
    fails, unknowns, oks, figures = [], [], [], {}
    fields = ["facts." + c[0] for c in checks]
    if facts is None:
        return fails, [missing_all], oks, figures, fields
    for key, op, target, *target_text in checks:
        f = form[key]
        raw = facts.get(key)
        if op == "true":
            val = flag(raw)
            figures[key] = val
            if val is None:
                unknowns.append(f"{missing_all}（{f.label}）")
            elif val:
                oks.append(f"{f.label}：是")
            else:
                fails.append(f"{f.label}：否")
            continue
        val = number(raw)
        figures[key] = val
        if val is None:
            unknowns.append(f"{missing_all}（{f.label}）")
            continue
        test, good, bad = _OPS[op]
        passed = test(val, target)
        goal = target_text[0] if target_text else f"{plain(target)}{f.unit}"
        text = f"{f.label} {plain(val)}{f.unit} {good if passed else bad} {goal}"
        (oks if passed else fails).append(text)
    return fails, unknowns, oks, figures, fields


def verdict(parts: list[tuple[str, list[str]]], figures: dict, fields: list[str]) -> tuple:
    """Combine judged parts: any unmet → unmet, else any unknown → unknown, all n/a → n/a."""
    statuses = [p[0] for p in parts]
    reasons = [r for p in parts for r in p[1]]
    if UNMET in statuses:
        status = UNMET
    elif UNKNOWN in statuses:
        status = UNKNOWN
    elif statuses and all(s == NA for s in statuses):
        status = NA
    else:
        status = MET
    return status, reasons, figures, fields


def facts_part(facts, form, checks, missing_all) -> tuple[tuple[str, list[str]], dict, list]:
    fails, unknowns, oks, figures, fields = fact_checks(facts, form, checks, missing_all)
    status = UNMET if fails else UNKNOWN if unknowns else MET
    return (status, fails + unknowns if status != MET else oks), figures, fields


def share_part(
    share: Share, name: str, target: float, unit: str, key: str, figures: dict
) -> tuple[str, list[str]]:
    status, reason, rate = judge_share(share, name, target, unit)
    figures[key] = {**share.figures(), "pct": rate}
    return status, [reason]


# --- rates over the register ---------------------------------------------------------------------


class Register:
    """Household views of one village or a whole county, built once and read by many rules."""

    def __init__(self, year: int | None, snapshots, policy=None, policy_prev=None):
        self.year = year
        self.views: list[HouseholdView] = []
        for hs in snapshots if isinstance(snapshots, (list, tuple)) else ():
            if not isinstance(hs, dict):
                continue
            if hs.get("year") is None or hs.get("policy") is None:
                # A household snapshot inside a village snapshot may leave these to the village.
                hs = dict(hs)
                if hs.get("year") is None:
                    hs["year"] = year
                if hs.get("policy") is None:
                    hs["policy"] = policy
                    if hs.get("policy_prev") is None:
                        hs["policy_prev"] = policy_prev
            self.views.append(household_view(hs))
        self.registered = [v for v in self.views if registered(v)]
        self.policy = policy if isinstance(policy, dict) else None
        self.policy_prev = policy_prev if isinstance(policy_prev, dict) else None

    def __len__(self):
        return len(self.registered)

    def household_share(self, classify: Callable[[HouseholdView], str]) -> Share:
        s = Share()
        for v in self.registered:
            s.add(classify(v))
        return s

    def member_share(self, classify) -> Share:
        s = Share()
        for v in self.registered:
            for p in v.people:
                s.add(classify(p)[0])
        return s

    def poor_people(self) -> tuple[int, int, list[str]]:
        """(people known poor at year end, poor households whose size is unknown, and why each
        household of unknown status is unknown, naming it)."""
        known = unsized = 0
        unknown: list[str] = []
        for v in self.registered:
            poor = poor_at_year_end(v)
            if poor is None:
                unknown.append(status_problem(v))
            elif poor:
                n = household_people(v)
                if n is None:
                    unsized += 1
                else:
                    known += n
        return known, unsized, unknown


def _bool_cls(value) -> str:
    b = flag(value)
    return MAYBE if b is None else YES if b else NO


def water_safe_cls(v: HouseholdView) -> str:
    return _bool_cls(v.hh.get("water_safe"))


def tap_water_cls(v: HouseholdView) -> str:
    return _bool_cls(v.hh.get("tap_water"))


def housing_safe_cls(v: HouseholdView) -> str:
    return _bool_cls(v.hh.get("housing_safe"))


# The village and county texts say "人均住房面积大于30平方米" (strictly more); the household
# rule says "等于或大于30平方米". Each level follows its own sentence of the seed.
def housing_safe_over_30_cls(v: HouseholdView) -> str:
    safe = flag(v.hh.get("housing_safe"))
    if safe is False:
        return NO
    area = number(v.hh.get("housing_area_m2"))
    if area is not None and v.n and area <= 30 * v.n:
        return NO
    if safe is None or area is None or not v.n:
        return MAYBE
    return YES


def any_toilet_cls(v: HouseholdView) -> str:
    t = enum(v.hh.get("toilet"), TOILETS)
    return MAYBE if t is None else NO if t == "无" else YES


def sanitary_toilet_cls(v: HouseholdView) -> str:
    t = enum(v.hh.get("toilet"), TOILETS)
    return MAYBE if t is None else YES if t == "卫生厕所" else NO


def phone_cls(v: HouseholdView) -> str:
    return _bool_cls(v.hh.get("has_phone"))


def internet_cls(v: HouseholdView) -> str:
    return _bool_cls(v.hh.get("has_internet"))


def province_growth(policy: dict | None, policy_prev: dict | None) -> float | None:
    """The year's provincial rural income growth: as entered, or from the two yearly averages."""
    if policy is None:
        return None
    g = number(policy.get("province_income_growth_pct"))
    if g is not None:
        return g
    now = number(policy.get("province_avg_income"))
    before = number(policy_prev.get("province_avg_income")) if policy_prev else None
    if now is not None and before:
        return (now - before) * 100 / before
    return None


class PoorTotals:
    """The year's poor population (poor_of_year) of a register, added up for the income rules:
    disposable income this year and last year (fen), people, and what keeps a sum from being
    known, the households of unknown status named."""

    __slots__ = ("cur", "prev", "people", "included", "no_status", "no_members", "no_finance",
                 "no_prev")  # fmt: skip

    def __init__(self, reg: Register):
        self.cur = self.prev = self.people = self.included = 0
        self.no_members = self.no_finance = self.no_prev = 0
        self.no_status: list[str] = []
        for v in reg.registered:
            poor = poor_of_year(v)
            if poor is False:
                continue
            if poor is None:
                self.no_status.append(status_problem(v))
                continue
            self.included += 1
            if not v.n:
                self.no_members += 1
                continue
            total, _ = disposable_fen(v.finance)
            if total is None:
                self.no_finance += 1
            else:
                self.cur += total
            self.people += v.n
            before, _ = disposable_fen(v.finance_prev)
            if before is None:
                self.no_prev += 1
            else:
                self.prev += before

    def gaps(self, ylabel: str) -> list[str]:
        """What keeps the year's sum from being known: households named when their status is
        unknown (the first few, then how many), counted otherwise."""
        out = [named(self.no_status)] if self.no_status else []
        out += [
            f"{k}户{w}"
            for k, w in (
                (self.no_members, "家庭成员为空"),
                (self.no_finance, f"缺少{ylabel}收支数据"),
            )
            if k
        ]
        return out

    @property
    def empty(self) -> bool:
        """No poor population, and no household that might be in it."""
        return self.included == 0 and not self.no_status


INCOME_FIELDS = [
    "finance.*",
    "finance_prev.*",
    "policy.poverty_line",
    "policy.province_income_growth_pct",
    "household.status",
    "household.exit_year",
]


def poor_income(reg: Register, ylabel: str, policy, policy_prev) -> tuple:
    """Per-capita disposable income of the year's poor and its growth over one year (village ⑴;
    county ⑴, the average annual growth from a base year, is forms.criteria.county's)."""
    t = PoorTotals(reg)
    cur, prev, people, included = t.cur, t.prev, t.people, t.included
    fields = list(INCOME_FIELDS)
    figures = {"households": included, "people": people}
    if t.empty:
        return NA, [f"无贫困人口（{BY_REGISTER}）"], figures, fields
    parts = []
    gaps = t.gaps(ylabel)
    line = number(policy.get("poverty_line")) if policy else None
    if gaps:
        parts.append((UNKNOWN, ["贫困人口人均可支配收入无法计算：" + "；".join(gaps)]))
    elif line is None or line <= 0:
        parts.append((UNKNOWN, [f"缺少{ylabel}政策参数（贫困线）"]))
    else:
        ok = cur > fen(line) * people
        per = shown(cur / people / 100, 2, line, "above" if ok else None)
        figures.update(per_capita=per, poverty_line=line)
        parts.append(
            (
                MET if ok else UNMET,
                [
                    f"贫困人口人均可支配收入 {per:.2f} 元 {'>' if ok else '≤'} 贫困线 "
                    f"{plain(line)} 元（{BY_REGISTER}，{included}户{people}人）"
                ],
            )
        )
    # "增幅高于全省农村居民人均可支配收入平均水平": the seed says 增幅, not 年均增幅 (county ⑴),
    # so one year's growth: this year's income of the year's poor households over theirs of
    # the year before, against the province's growth of the year.
    prov = province_growth(policy, policy_prev)
    if gaps or t.no_prev:
        extra = [f"{t.no_prev}户缺少上年收支数据"] if t.no_prev else []
        parts.append((UNKNOWN, ["收入增幅无法计算" + ("：" + "、".join(extra) if extra else "")]))
    elif prev <= 0:
        parts.append((UNKNOWN, ["上年贫困人口收入为零，无法计算增幅"]))
    elif prov is None:
        parts.append((UNKNOWN, [f"缺少{ylabel}政策参数（全省农村居民人均可支配收入增幅）"]))
    else:
        growth = (cur - prev) * 100 / prev
        ok = growth > prov
        g = shown(growth, 1, prov, "above" if ok else None)
        figures.update(growth_pct=g, province_growth_pct=prov)
        parts.append(
            (
                MET if ok else UNMET,
                [
                    f"贫困人口人均可支配收入增幅 {g:.1f}% {'>' if ok else '≤'} "
                    f"全省 {plain(prov)}%（增幅按一年计：同一批户本年较上年）"
                ],
            )
        )
    return verdict(parts, figures, fields)


def incidence(reg: Register, population, ylabel: str, level: str) -> tuple:
    """贫困发生率 = people in still-poor households / rural population, met at 8% or less
    ("8%以下" includes 8%). Judged on the exact ratio, shown on its true side of 8% (8.04% as
    8.1%, never as a contradictory "8.0% > 8%"). A household whose status at the end of the year
    is unknown (an 已脱贫 without its 脱贫年度) makes the rate unknown, named, unless the
    households known to be poor already exceed 8%: a known failure wins."""
    known, unsized, unknown = reg.poor_people()
    figures = {"poor_people": known, "status_unknown": len(unknown), "rural_population": None}
    fields = ["facts.rural_population", "household.status", "household.exit_year", "members"]
    pop = number(population)
    if pop is None or pop <= 0:
        return UNKNOWN, [f"缺少{ylabel}{level}基础数据（户籍人口）"], figures, fields
    figures["rural_population"] = pop
    limit = POVERTY_INCIDENCE_MAX_PCT
    # known × 100 / pop ≤ 8, exactly (no float between the two sides of the threshold).
    over = Fraction(known * 100) / Fraction(pop) > limit
    figures["pct"] = shown(known * 100 / pop, 1, limit, "above" if over else None)
    text = (
        f"贫困发生率 {figures['pct']:.1f}%（贫困人口 {known} 人 / 户籍人口 {plain(pop)} 人，"
        f"{BY_REGISTER}）"
    )
    gaps = [f"{unsized}户人数不明"] if unsized else []
    if unknown:
        gaps.append(f"户状态不明：{named(unknown)}")
    if over:
        tail = f"；另有{'；'.join(gaps)}" if gaps else ""
        return UNMET, [f"{text} > {limit}%{tail}"], figures, fields
    if gaps:
        return UNKNOWN, [f"{text}；{'；'.join(gaps)}，无法判断"], figures, fields
    return MET, [f"{text} ≤ {limit}%（“8%以下”含8%）"], figures, fields


# --- rates both levels read from the register with the same sentence of the seed ---------------
# (village ⑸⑽⑿⒀ and county ⑺⑾⒁⒂): (share, name, target, unit, figure key, fields) for shares().


def water_rates(reg: "Register") -> tuple:
    return (
        (
            reg.household_share(water_safe_cls),
            "饮水安全农户比重",
            100,
            "户",
            "water_safe",
            ["household.water_safe"],
        ),
        (
            reg.household_share(tap_water_cls),
            "自来水入户率",
            90,
            "户",
            "tap_water",
            ["household.tap_water"],
        ),
    )


def ncms_rate(reg: "Register") -> tuple:
    return ((reg.member_share(classify_ncms), "新农合参合率", 95, "人", "ncms", ["member.ncms"]),)


def pension_rate(reg: "Register") -> tuple:
    return (
        (
            reg.member_share(classify_pension),
            "新农保参保率",
            95,
            "人",
            "pension",
            ["member.pension_insured", "member.school_status", "member.birth_date"],
        ),
    )


def toilet_rates(reg: "Register") -> tuple:
    # Read as: households with any toilet (简易 or 卫生) ≥ 80%, with a 卫生厕所 ≥ 70%.
    return (
        (
            reg.household_share(any_toilet_cls),
            "简易卫生厕所比例",
            80,
            "户",
            "any_toilet",
            ["household.toilet"],
        ),
        (
            reg.household_share(sanitary_toilet_cls),
            "卫生厕所普及率",
            70,
            "户",
            "sanitary_toilet",
            [],
        ),
    )


# --- the 17 rules --------------------------------------------------------------------------------


class VillageView:
    __slots__ = (
        "year",
        "ylabel",
        "village",
        "facts",
        "facts_prev",
        "reg",
        "policy",
        "policy_prev",
        "missing_facts",
    )

    def __init__(self, snapshot: dict):
        snap = snapshot if isinstance(snapshot, dict) else {}
        year = snap.get("year")
        self.year = year if type(year) is int else None
        self.ylabel = f"{self.year}年" if self.year is not None else "评估年度"
        village = snap.get("village")
        self.village = village if isinstance(village, dict) else {}
        facts = snap.get("facts")
        self.facts = facts if isinstance(facts, dict) else None
        prev = snap.get("facts_prev")
        self.facts_prev = prev if isinstance(prev, dict) else None
        policy = snap.get("policy")
        self.policy = policy if isinstance(policy, dict) else None
        pp = snap.get("policy_prev")
        self.policy_prev = pp if isinstance(pp, dict) else None
        self.reg = Register(self.year, snap.get("households"), self.policy, self.policy_prev)
        self.missing_facts = f"缺少{self.ylabel}村级基础数据"

    def facts_rule(self, checks) -> tuple:
        part, figures, fields = facts_part(self.facts, VILLAGE_FACTS, checks, self.missing_facts)
        return verdict([part], figures, fields)

    def shares(self, items, extra_parts=(), extra_fields=()) -> tuple:
        """items: (Share, name, target, unit, figure key, fields)."""
        figures, fields, parts = {}, list(extra_fields), list(extra_parts)
        for share, name, target, unit, key, flds in items:
            parts.append(share_part(share, name, target, unit, key, figures))
            fields.extend(flds)
        if parts and any(p[0] != NA for p in parts):
            parts.append((MET, [f"{BY_REGISTER}（{len(self.reg)}户）"]))
        return verdict(parts, figures, fields)


# ⑴ "贫困人口人均可支配收入高于当年贫困线,增幅高于全省农村居民人均可支配收入平均水平"
def v_income(v: VillageView):
    return poor_income(v.reg, v.ylabel, v.policy, v.policy_prev)


# ⑵ "贫困发生率下降到8%以下"
def v_incidence(v: VillageView):
    pop = v.facts.get("rural_population") if v.facts else None
    return incidence(v.reg, pop, v.ylabel, "村级")


# ⑶ "有通乡镇的硬化路1条以上,有到村客运班车1辆以上"
def v_roads_bus(v: VillageView):
    return v.facts_rule((("hard_roads_to_township", ">=", 1), ("bus_lines", ">=", 1)))


# ⑷ "村民小组通村部的硬化路或砂化路比例达到100%"
def v_group_roads(v: VillageView):
    return v.facts_rule((("groups_road_pct", ">=", 100),))


# ⑸ "饮水安全农户比重达到100%,自来水入户率达到90%以上"
def v_water(v: VillageView):
    return v.shares(water_rates(v.reg))


# ⑹ "通动力电"
def v_power(v: VillageView):
    return v.facts_rule((("power_grid", "true", None),))


# ⑺ "有安全稳固住房的农户比重达到100%,有安全稳固住房且人均住房面积大于30平方米的农户比重达到90%"
def v_housing(v: VillageView):
    return v.shares(
        (
            (
                v.reg.household_share(housing_safe_cls),
                "有安全稳固住房的农户比重",
                100,
                "户",
                "housing_safe",
                ["household.housing_safe"],
            ),
            (
                v.reg.household_share(housing_safe_over_30_cls),
                "安全稳固且人均住房面积大于30平方米的农户比重",
                90,
                "户",
                "housing_over_30",
                ["household.housing_area_m2", "members"],
            ),
        )
    )


# ⑻ "有村级增收产业1项以上"
def v_industry(v: VillageView):
    return v.facts_rule((("industries", ">=", 1),))


# ⑼ "义务教育巩固率达到95%以上" — children aged 6–15 in school / all children aged 6–15.
def v_schooling(v: VillageView):
    return v.shares(
        (
            (
                v.reg.member_share(classify_schooling),
                "义务教育巩固率",
                95,
                "人",
                "schooling",
                ["member.school_status", "member.birth_date"],
            ),
        )
    )


# ⑽ "新型农村合作医疗参合率达到95%以上"
def v_ncms(v: VillageView):
    return v.shares(ncms_rate(v.reg))


# ⑾ "有标准化村卫生室1个以上,有执业医师1个以上"
def v_clinic(v: VillageView):
    return v.facts_rule((("clinics", ">=", 1), ("doctors", ">=", 1)))


# ⑿ "新型农村社会养老保险参保率达到95%以上" — of those 符合条件 (16 or over, not in school).
def v_pension(v: VillageView):
    return v.shares(pension_rate(v.reg))


# ⒀ "简易卫生厕所比例达到80%以上,卫生厕所普及率达到70%以上"
def v_toilets(v: VillageView):
    return v.shares(toilet_rates(v.reg))


# ⒁ "有村文化活动室1个以上"
def v_culture(v: VillageView):
    return v.facts_rule((("culture_rooms", ">=", 1),))


# ⒂ "通讯普及率达到95%以上,中央和省上广播电视节目综合覆盖率达到98%以上,市、县区广播电视节目覆盖率
# 达到50%以上,通互联网农户比重达到25%以上"
def v_communications(v: VillageView):
    tv, tv_figures, tv_fields = facts_part(
        v.facts,
        VILLAGE_FACTS,
        (("central_tv_coverage_pct", ">=", 98), ("local_tv_coverage_pct", ">=", 50)),
        v.missing_facts,
    )
    status, reasons, figures, fields = v.shares(
        (
            (
                v.reg.household_share(phone_cls),
                "通讯普及率",
                95,
                "户",
                "phone",
                ["household.has_phone"],
            ),
            (
                v.reg.household_share(internet_cls),
                "通互联网农户比重",
                25,
                "户",
                "internet",
                ["household.has_internet"],
            ),
        ),
        extra_parts=[tv],
        extra_fields=tv_fields,
    )
    figures.update(tv_figures)
    return status, reasons, figures, fields


# ⒃ "有互助资金协会1个以上"
def v_mutual_aid(v: VillageView):
    return v.facts_rule((("mutual_aid_associations", ">=", 1),))


# ⒄ "有意愿的贫困家庭"两后生"技能培训率达到100%" — nobody willing → not applicable.
def v_two_after(v: VillageView):
    fields = ["facts.two_after_willing", "facts.two_after_trained"]
    if v.facts is None:
        return UNKNOWN, [v.missing_facts], {}, fields
    willing = number(v.facts.get("two_after_willing"))
    trained = number(v.facts.get("two_after_trained"))
    if willing is None:
        return UNKNOWN, [f"{v.missing_facts}（有培训意愿的两后生人数）"], {}, fields
    if willing <= 0:
        return NA, ["无有培训意愿的贫困家庭“两后生”"], {"willing": willing}, fields
    if trained is None:
        return UNKNOWN, [f"{v.missing_facts}（已培训两后生人数）"], {"willing": willing}, fields
    rate = min(trained, willing) * 100 / willing
    r = shown(rate, 1, 100, "below" if trained < willing else None)
    figures = {"willing": willing, "trained": trained, "pct": r}
    text = f"“两后生”技能培训率 {r:.1f}%（{plain(trained)}/{plain(willing)}人）"
    if trained >= willing:
        return MET, [text], figures, fields
    return UNMET, [f"{text} < 100%"], figures, fields


@dataclass(frozen=True)
class VillageRule:
    no: int
    title: str  # on screen and in `main.py check`: the seed's sentence (二、(二) 2), tightened
    check: Callable[[VillageView], tuple]
    short: str = ""  # a row of the wall chart's 17-row table (its 现状 and 目标 give the figures)


VILLAGE_RULES: tuple[VillageRule, ...] = (
    VillageRule(
        1,
        "贫困人口人均可支配收入高于当年贫困线，增幅高于全省平均水平",
        v_income,
        "贫困人口人均可支配收入高于当年贫困线",
    ),
    VillageRule(2, "贫困发生率下降到8%以下", v_incidence, "贫困发生率下降到8%以下"),
    VillageRule(
        3,
        "有通乡镇硬化路1条以上，有到村客运班车1辆以上",
        v_roads_bus,
        "通乡镇硬化路、到村客运班车",
    ),
    VillageRule(
        4,
        "村民小组通村部硬化路或砂化路比例达到100%",
        v_group_roads,
        "村民小组通村部硬化（砂化）路比例100%",
    ),
    VillageRule(
        5,
        "饮水安全农户比重100%，自来水入户率90%以上",
        v_water,
        "饮水安全农户100%，自来水入户率90%以上",
    ),
    VillageRule(6, "通动力电", v_power, "通动力电"),
    VillageRule(
        7,
        "安全稳固住房农户比重100%，人均面积大于30平方米的农户比重90%",
        v_housing,
        "安全稳固住房农户100%，人均大于30平方米90%",
    ),
    VillageRule(8, "有村级增收产业1项以上", v_industry, "有村级增收产业1项以上"),
    VillageRule(9, "义务教育巩固率达到95%以上", v_schooling, "义务教育巩固率95%以上"),
    VillageRule(10, "新型农村合作医疗参合率达到95%以上", v_ncms, "新型农村合作医疗参合率95%以上"),
    VillageRule(
        11,
        "有标准化村卫生室1个以上，有执业医师1个以上",
        v_clinic,
        "标准化村卫生室1个以上、执业医师1个以上",
    ),
    VillageRule(
        12,
        "新型农村社会养老保险参保率达到95%以上",
        v_pension,
        "新型农村社会养老保险参保率95%以上",
    ),
    VillageRule(
        13,
        "简易卫生厕所比例80%以上，卫生厕所普及率70%以上",
        v_toilets,
        "简易卫生厕所80%以上，卫生厕所70%以上",
    ),
    VillageRule(14, "有村文化活动室1个以上", v_culture, "有村文化活动室1个以上"),
    VillageRule(
        15,
        "通讯普及率95%以上，广播电视覆盖率达标，通互联网农户比重25%以上",
        v_communications,
        "通讯、广播电视、互联网覆盖",
    ),
    VillageRule(16, "有互助资金协会1个以上", v_mutual_aid, "有互助资金协会1个以上"),
    VillageRule(
        17,
        "有意愿的贫困家庭“两后生”技能培训率达到100%",
        v_two_after,
        "有意愿的贫困家庭“两后生”技能培训率100%",
    ),
)


@dataclass(slots=True)
class VillageEvaluation(Verdicts):
    year: int | None
    village_code: object
    criteria: list[CriterionResult] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "village_code": self.village_code,
            "all_passing": self.all_passing,
            "criteria": [c.to_dict() for c in self.criteria],
        }


def evaluate_village_view(v: VillageView, rules=VILLAGE_RULES) -> VillageEvaluation:
    results = apply_rules(rules, v)
    return VillageEvaluation(v.year, v.village.get("code"), results)


def evaluate_village(village_snapshot: dict, rules=VILLAGE_RULES) -> VillageEvaluation:
    """The 17 criteria for one village in one year."""
    return evaluate_village_view(VillageView(village_snapshot), rules)
