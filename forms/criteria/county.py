"""The 19 county exit criteria (县区脱贫目标), from the merged villages and the county's yearly facts.

Snapshot::

    {"year": 2016, "county": "安定区",
     "facts": {<forms.facts.COUNTY_FACTS keys>} | None, "facts_prev": {...} | None,
     "villages": [<village snapshot, see village.py>, ...],
     "policy": {...} | None, "policy_prev": {...} | None,   # optional; else the first village's
     "policy_base": {...} | None}   # the growth base year's (⑴), optional; else a village's

Rates that follow from the register are computed over all the county's registered households
(按建档立卡户计算); the rest come from the county facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

from .. import choices as C
from ..facts import COUNTY_FACTS
from ..history import present_in_year
from .household import disposable_fen, flag
from .policy import GROWTH_BASE_YEAR
from .result import (
    MET,
    NA,
    UNKNOWN,
    UNMET,
    CriterionResult,
    Verdicts,
    apart,
    apply_rules,
    named,
    number,
    plain,
)
from .village import (
    BY_REGISTER,
    PoorTotals,
    Register,
    VillageView,
    evaluate_village_view,
    facts_part,
    housing_safe_cls,
    housing_safe_over_30_cls,
    incidence,
    internet_cls,
    ncms_rate,
    pension_rate,
    phone_cls,
    share_part,
    toilet_rates,
    verdict,
    water_rates,
)


class CountyView:
    __slots__ = (
        "year",
        "ylabel",
        "county",
        "facts",
        "facts_prev",
        "villages",
        "reg",
        "policy",
        "policy_prev",
        "policy_base",
        "missing_facts",
    )

    def __init__(self, snapshot: dict):
        snap = snapshot if isinstance(snapshot, dict) else {}
        year = snap.get("year")
        self.year = year if type(year) is int else None
        self.ylabel = f"{self.year}年" if self.year is not None else "评估年度"
        self.county = snap.get("county")
        facts = snap.get("facts")
        self.facts = facts if isinstance(facts, dict) else None
        prev = snap.get("facts_prev")
        self.facts_prev = prev if isinstance(prev, dict) else None
        villages = snap.get("villages")
        villages = (
            [s for s in villages if isinstance(s, dict)]
            if isinstance(villages, (list, tuple))
            else []
        )
        policy = _first_dict(snap.get("policy"), *(s.get("policy") for s in villages))
        policy_prev = _first_dict(
            snap.get("policy_prev"), *(s.get("policy_prev") for s in villages)
        )
        # A village snapshot may leave the year and the policy values to the county.
        self.villages = []
        for s in villages:
            if s.get("year") is None or s.get("policy") is None:
                s = dict(s)
                if s.get("year") is None:
                    s["year"] = self.year
                if s.get("policy") is None:
                    s["policy"], s["policy_prev"] = policy, s.get("policy_prev") or policy_prev
            self.villages.append(VillageView(s))
        self.policy, self.policy_prev = policy, policy_prev
        self.policy_base = _first_dict(
            snap.get("policy_base"), *(s.get("policy_base") for s in villages)
        )
        # One register over the whole county, reusing the household views the villages built.
        self.reg = Register(self.year, ())
        for vv in self.villages:
            self.reg.views.extend(vv.reg.views)
            self.reg.registered.extend(vv.reg.registered)
        self.missing_facts = f"缺少{self.ylabel}县级基础数据"

    def facts_rule(self, checks) -> tuple:
        part, figures, fields = facts_part(self.facts, COUNTY_FACTS, checks, self.missing_facts)
        return verdict([part], figures, fields)

    def shares(self, items, extra_parts=(), extra_fields=()) -> tuple:
        figures, fields, parts = {}, list(extra_fields), list(extra_parts)
        for share, name, target, unit, key, flds in items:
            parts.append(share_part(share, name, target, unit, key, figures))
            fields.extend(flds)
        if any(p[0] != NA for p in parts):
            parts.append((MET, [f"{BY_REGISTER}（全县{len(self.reg)}户）"]))
        return verdict(parts, figures, fields)


def _first_dict(*candidates) -> dict | None:
    return next((c for c in candidates if isinstance(c, dict)), None)


# ⑴ "贫困人口年均人均可支配收入增幅高于全省平均水平" — 年均: the average annual growth from the
# base year (policy growth_base_year, 2014 by default) to the evaluation year, compounded,
# ((this year's per-capita income / the base year's) ^ (1 / years) − 1), against the province's
# average annual growth of its rural per-capita income over the same years, from its yearly
# levels (province_avg_income of the base year and of the year). Each year's per-capita income
# is that of the year's poor population — the households still poor at its end or exiting during
# it (village.poor_of_year), with the members of that year — as the province's is that of each
# year's rural residents; not one cohort followed from the base year (docs/domain.md).
# Village ⑴ says 增幅, not 年均增幅: one year's growth (village.poor_income).
def c_income_growth(c: CountyView):
    fields = [
        "finance.*",
        "finance_base.*",
        "policy.province_avg_income",
        "policy.growth_base_year",
        "household.status",
        "household.exit_year",
        "members",
    ]
    if c.year is None:
        return UNKNOWN, ["缺少评估年度"], {}, fields
    base, note = _base_year(c.policy)
    years = c.year - base
    figures = {"base_year": base, "years": years}
    now = PoorTotals(c.reg)
    figures.update(households=now.included, people=now.people)
    if now.empty:
        return NA, [f"无贫困人口（{BY_REGISTER}）"], figures, fields
    if years <= 0:
        return UNKNOWN, [f"年均增幅自{base}年起算，{c.ylabel}无法计算", *note], figures, fields
    then = BaseTotals(c.reg.views, base)
    gaps = []
    if now.gaps(c.ylabel):
        gaps.append(f"{c.ylabel}贫困人口人均可支配收入无法计算：" + "；".join(now.gaps(c.ylabel)))
    if then.gaps():
        gaps.append(f"{base}年贫困人口人均可支配收入无法计算：" + "；".join(then.gaps()))
    elif then.people == 0:
        gaps.append(f"{base}年无贫困人口，无法计算年均增幅")
    elif then.income <= 0:
        gaps.append(f"{base}年贫困人口收入为零，无法计算增幅")
    prov_now = _province_income(c.policy, c.year)
    prov_then = _province_income(c.policy_base, base)
    for y, v in ((base, prov_then), (c.year, prov_now)):
        if v is None:
            gaps.append(f"缺少{y}年政策参数（全省农村居民人均可支配收入）")
    if gaps:
        return UNKNOWN, [*gaps, *note], figures, fields
    # poor (now / people) / (then / then people) > province now / then, exactly: the n-th root
    # keeps the order, so the averages compare as the ratios do.
    poor_ratio = Fraction(now.cur * then.people, then.income * now.people)
    prov_ratio = Fraction(prov_now) / Fraction(prov_then)
    ok = poor_ratio > prov_ratio
    growth = (max(float(poor_ratio), 0.0) ** (1 / years) - 1) * 100
    prov = (float(prov_ratio) ** (1 / years) - 1) * 100
    g, p = apart(growth, prov, ok)
    per_now = now.cur / now.people / 100
    per_then = then.income / then.people / 100
    figures.update(
        base_per_capita=round(per_then, 2),
        per_capita=round(per_now, 2),
        growth_pct=float(g),
        province_growth_pct=float(p),
        base_households=then.included,
        base_people=then.people,
    )
    reasons = [
        f"贫困人口人均可支配收入年均增幅 {g}% {'>' if ok else '≤'} 全省 {p}%"
        f"（{base}—{c.year}年，{years}年平均）",
        f"贫困人口人均可支配收入 {base}年 {per_then:.2f} 元（{then.included}户{then.people}人），"
        f"{c.year}年 {per_now:.2f} 元（{now.included}户{now.people}人），"
        f"各按当年的贫困人口计算（{BY_REGISTER}）",
        f"全省农村居民人均可支配收入 {base}年 {plain(prov_then)} 元，{c.year}年 {plain(prov_now)} 元",
    ]
    return (MET if ok else UNMET), [*reasons, *note], figures, fields


def _base_year(policy: dict | None) -> tuple[int, list[str]]:
    """The growth base year of the year's policy values, else the default, said so."""
    y = policy.get("growth_base_year") if policy else None
    if type(y) is int:
        return y, []
    return GROWTH_BASE_YEAR, [f"政策参数未设增幅基年，按{GROWTH_BASE_YEAR}年计算"]


def _province_income(policy: dict | None, year: int) -> float | None:
    """The province's rural per-capita income of `year` from that year's policy values."""
    if policy is None or policy.get("year", year) != year:
        return None
    v = number(policy.get("province_avg_income"))
    return v if v is not None and v > 0 else None


class BaseTotals:
    """The base year's poor population added up for ⑴: the households poor in that year by
    their status history (still poor at its end or exiting during it), their disposable income
    of that year (finance_base) and their members of that year (present on its 31 December)."""

    __slots__ = ("income", "people", "included", "no_status", "no_members", "no_finance")

    def __init__(self, views, year: int):
        self.income = self.people = self.included = 0
        self.no_members = self.no_finance = 0
        self.no_status: list[str] = []
        for v in views:
            st = v.status_in(year)
            if st.status == C.STATUS_EXITED:  # exited during the year: poor when it began
                poor = v.status_in(year - 1).poor is True
            else:
                poor = st.poor
            if poor is False:
                continue
            if poor is None:
                self.no_status.append(st.problem)  # names the household
                continue
            self.included += 1
            n = sum(1 for p in (*v.people, *v.former) if present_in_year(p.raw, year, p.birth))
            if not n:
                self.no_members += 1
                continue
            fin = v.finance_base
            if fin is not None and fin.get("year", year) != year:
                fin = None  # another year's record is not the base year's
            total, _ = disposable_fen(fin)
            if total is None:
                self.no_finance += 1
                continue
            self.income += total
            self.people += n

    def gaps(self) -> list[str]:
        out = [named(self.no_status)] if self.no_status else []
        out += [
            f"{k}户{w}"
            for k, w in ((self.no_members, "无当年家庭成员"), (self.no_finance, "缺少当年收支数据"))
            if k
        ]
        return out


# ⑵ "贫困发生率下降到8%以下" — 以下 includes 8%: met at 8.0% (village.incidence).
def c_incidence(c: CountyView):
    pop = c.facts.get("rural_population") if c.facts else None
    return incidence(c.reg, pop, c.ylabel, "县级")


# ⑶ "贫困村整体实现减贫摘帽" — every poor village has exited: its 退出年度 is no later than the
# year. 摘帽 is a declaration at the end of the exit procedure, not a score: a poor village that
# meets all 17 criteria but has no exit year (or a later one) has not 摘帽, and is named as
# meeting the standard but not out.
def c_poor_villages(c: CountyView):
    fields = ["village.is_poor_village", "village.exit_year"]
    if c.year is None:
        return UNKNOWN, ["缺少评估年度"], {}, fields
    fails, unknowns = [], []
    considered = exited = meeting = 0
    for vv in c.villages:
        name = vv.village.get("name") or vv.village.get("code") or "未命名村"
        poor = flag(vv.village.get("is_poor_village"))
        if poor is False:
            continue
        ey = vv.village.get("exit_year")
        if type(ey) is int and ey <= c.year:
            considered += poor is True
            exited += poor is True
            continue
        if poor is None:
            unknowns.append(f"{name} 缺少是否贫困村")
            continue
        considered += 1
        when = f"退出年度{ey}年" if type(ey) is int else "无退出年度"
        ev = evaluate_village_view(vv)
        bad = [str(r.no) for r in ev.criteria if r.status == UNMET]
        unsure = [str(r.no) for r in ev.criteria if r.status == UNKNOWN]
        if bad:
            fails.append(f"{name} 未退出（{when}），第{'、'.join(bad)}项未达标")
        elif unsure:
            fails.append(f"{name} 未退出（{when}），第{'、'.join(unsure)}项数据不全")
        else:
            meeting += 1
            fails.append(f"{name} 达到退出标准但尚未退出（{when}）")
    figures = {"poor_villages": considered, "exited": exited, "meeting_not_exited": meeting}
    if fails:
        return UNMET, fails + unknowns, figures, fields
    if unknowns:
        return UNKNOWN, unknowns, figures, fields
    if considered == 0:
        return NA, ["无贫困村"], figures, fields
    return MET, [f"{exited}个贫困村均已退出（退出年度不晚于{c.year}年）"], figures, fields


# ⑷ "人均一般公共预算收入增幅高于全省平均水平"
def c_budget(c: CountyView):
    fields = ["facts.budget_revenue_growth_pct", "facts.province_budget_revenue_growth_pct"]
    if c.facts is None:
        return UNKNOWN, [c.missing_facts], {}, fields
    prov = number(c.facts.get("province_budget_revenue_growth_pct"))
    if prov is None:
        return UNKNOWN, [f"{c.missing_facts}（全省人均一般公共预算收入增幅）"], {}, fields
    status, reasons, figures, _ = c.facts_rule(
        (("budget_revenue_growth_pct", ">", prov, f"全省 {plain(prov)}%"),)
    )
    figures["province_budget_revenue_growth_pct"] = prov
    return status, reasons, figures, fields


# ⑸ "行政村通沥青(水泥)路比例达到100%,行政村客运班车通达率达到95%以上"
def c_roads_bus(c: CountyView):
    return c.facts_rule((("paved_road_village_pct", ">=", 100), ("bus_village_pct", ">=", 95)))


# ⑹ "村内道路硬化(砂化)率达到70%以上"
def c_village_roads(c: CountyView):
    return c.facts_rule((("village_road_hardening_pct", ">=", 70),))


# ⑺ "饮水安全农户比重达到100%,自来水入户率达到90%以上"
def c_water(c: CountyView):
    return c.shares(water_rates(c.reg))


# ⑻ "行政村动力电覆盖率达到100%"
def c_power(c: CountyView):
    return c.facts_rule((("power_village_pct", ">=", 100),))


# ⑼ "有安全稳固住房的贫困户比重达到100%,有安全稳固住房且人均住房面积大于30平方米的贫困户比重达到90%"
def c_housing(c: CountyView):
    return c.shares(
        (
            (
                c.reg.household_share(housing_safe_cls),
                "有安全稳固住房的贫困户比重",
                100,
                "户",
                "housing_safe",
                ["household.housing_safe"],
            ),
            (
                c.reg.household_share(housing_safe_over_30_cls),
                "安全稳固且人均住房面积大于30平方米的贫困户比重",
                90,
                "户",
                "housing_over_30",
                ["household.housing_area_m2", "members"],
            ),
        )
    )


# ⑽ "县级义务教育巩固率达到95%以上" — a county-wide figure from the education bureau.
def c_schooling(c: CountyView):
    return c.facts_rule((("compulsory_retention_pct", ">=", 95),))


# ⑾ "新型农村合作医疗参合率达到95%以上"
def c_ncms(c: CountyView):
    return c.shares(ncms_rate(c.reg))


# ⑿ "行政村文化室覆盖率达到100%,三馆(图书馆、博物馆、文化馆)覆盖率达到100%"
def c_culture(c: CountyView):
    return c.facts_rule((("culture_room_village_pct", ">=", 100), ("three_halls_pct", ">=", 100)))


# ⒀ "建制村标准化卫生室覆盖率达到95%以上,千人拥有执业医师1.95人以上"
def c_health(c: CountyView):
    return c.facts_rule((("clinic_village_pct", ">=", 95), ("doctors_per_1000", ">=", 1.95)))


# ⒁ "新型农村社会养老保险参保率达到95%以上"
def c_pension(c: CountyView):
    return c.shares(pension_rate(c.reg))


# ⒂ "农村简易卫生厕所比例达到80%以上,农村卫生厕所普及率达到70%以上"
def c_toilets(c: CountyView):
    return c.shares(toilet_rates(c.reg))


# ⒃ "农村通讯普及率达到95%以上,中央和省上广播电视节目综合覆盖率达到98%以上,市、县区广播电视节目
# 覆盖率达到50%以上,农村互联网普及率达到25%以上"
def c_communications(c: CountyView):
    tv, tv_figures, tv_fields = facts_part(
        c.facts,
        COUNTY_FACTS,
        (("central_tv_coverage_pct", ">=", 98), ("local_tv_coverage_pct", ">=", 50)),
        c.missing_facts,
    )
    status, reasons, figures, fields = c.shares(
        (
            (
                c.reg.household_share(phone_cls),
                "农村通讯普及率",
                95,
                "户",
                "phone",
                ["household.has_phone"],
            ),
            (
                c.reg.household_share(internet_cls),
                "农村互联网普及率",
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


# ⒄ "行政村互助资金覆盖率达到100%"
def c_mutual_fund(c: CountyView):
    return c.facts_rule((("mutual_fund_village_pct", ">=", 100),))


# ⒅ "农村万元农业增加值用水量小于1500立方米"
def c_water_use(c: CountyView):
    return c.facts_rule((("water_per_10k_agri_value_m3", "<", 1500),))


# ⒆ "社会安全指数达到100%"
def c_safety(c: CountyView):
    return c.facts_rule((("social_safety_index_pct", ">=", 100),))


@dataclass(frozen=True)
class CountyRule:
    no: int
    title: str
    check: Callable[[CountyView], tuple]


COUNTY_RULES: tuple[CountyRule, ...] = (
    CountyRule(1, "贫困人口年均人均可支配收入增幅高于全省平均水平", c_income_growth),
    CountyRule(2, "贫困发生率下降到8%以下", c_incidence),
    CountyRule(3, "贫困村整体实现减贫摘帽", c_poor_villages),
    CountyRule(4, "人均一般公共预算收入增幅高于全省平均水平", c_budget),
    CountyRule(5, "行政村通沥青（水泥）路比例100%，客运班车通达率95%以上", c_roads_bus),
    CountyRule(6, "村内道路硬化（砂化）率达到70%以上", c_village_roads),
    CountyRule(7, "饮水安全农户比重100%，自来水入户率90%以上", c_water),
    CountyRule(8, "行政村动力电覆盖率达到100%", c_power),
    CountyRule(9, "安全稳固住房贫困户比重100%，人均面积大于30平方米的比重90%", c_housing),
    CountyRule(10, "县级义务教育巩固率达到95%以上", c_schooling),
    CountyRule(11, "新型农村合作医疗参合率达到95%以上", c_ncms),
    CountyRule(12, "行政村文化室覆盖率100%，三馆覆盖率100%", c_culture),
    CountyRule(13, "建制村标准化卫生室覆盖率95%以上，千人拥有执业医师1.95人以上", c_health),
    CountyRule(14, "新型农村社会养老保险参保率达到95%以上", c_pension),
    CountyRule(15, "简易卫生厕所比例80%以上，卫生厕所普及率70%以上", c_toilets),
    CountyRule(16, "通讯普及率95%以上，广播电视覆盖率达标，互联网普及率25%以上", c_communications),
    CountyRule(17, "行政村互助资金覆盖率达到100%", c_mutual_fund),
    CountyRule(18, "农村万元农业增加值用水量小于1500立方米", c_water_use),
    CountyRule(19, "社会安全指数达到100%", c_safety),
)


@dataclass(slots=True)
class CountyEvaluation(Verdicts):
    year: int | None
    county: object
    criteria: list[CriterionResult] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "year": self.year,
            "county": self.county,
            "all_passing": self.all_passing,
            "criteria": [c.to_dict() for c in self.criteria],
        }


def evaluate_county(snapshot: dict, rules=COUNTY_RULES) -> CountyEvaluation:
    """The 19 criteria for one county in one year."""
    c = CountyView(snapshot)
    results = apply_rules(rules, c)
    return CountyEvaluation(c.year, c.county, results)
