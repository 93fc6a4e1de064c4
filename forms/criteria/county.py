"""The 19 county exit criteria (县区脱贫目标), from the merged villages and the county's yearly facts.

Snapshot::

    {"year": 2016, "county": "安定区",
     "facts": {<forms.facts.COUNTY_FACTS keys>} | None, "facts_prev": {...} | None,
     "villages": [<village snapshot, see village.py>, ...],
     "policy": {...} | None, "policy_prev": {...} | None}   # optional; else the first village's

Rates that follow from the register are computed over all the county's registered households
(按建档立卡户计算); the rest come from the county facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..facts import COUNTY_FACTS
from .household import flag
from .result import MET, NA, UNKNOWN, UNMET, CriterionResult, Verdicts, apply_rules, number, plain
from .village import (
    BY_REGISTER,
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
    poor_income,
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


# ⑴ "贫困人口年均人均可支配收入增幅高于全省平均水平"
def c_income_growth(c: CountyView):
    return poor_income(
        c.reg,
        c.ylabel,
        need_line=False,
        need_growth=True,
        policy=c.policy,
        policy_prev=c.policy_prev,
    )


# ⑵ "贫困发生率下降到8%以下"
def c_incidence(c: CountyView):
    pop = c.facts.get("rural_population") if c.facts else None
    return incidence(c.reg, pop, c.ylabel, "县级")


# ⑶ "贫困村整体实现减贫摘帽" — every poor village has exited (exit year no later than the
# year) or meets all 17 village criteria this year.
def c_poor_villages(c: CountyView):
    fails, unknowns, done = [], [], 0
    considered = 0
    for vv in c.villages:
        name = vv.village.get("name") or vv.village.get("code") or "未命名村"
        poor = flag(vv.village.get("is_poor_village"))
        if poor is False:
            continue
        ey = vv.village.get("exit_year")
        if type(ey) is int and c.year is not None and ey <= c.year:
            considered += poor is True
            done += poor is True
            continue
        ev = evaluate_village_view(vv)
        if poor is None:
            if not ev.all_passing:
                unknowns.append(f"{name} 缺少是否贫困村")
            continue
        considered += 1
        bad = [str(r.no) for r in ev.criteria if r.status == UNMET]
        unsure = [str(r.no) for r in ev.criteria if r.status == UNKNOWN]
        if bad:
            fails.append(f"{name} 未退出，第{'、'.join(bad)}项未达标")
        elif unsure:
            unknowns.append(f"{name} 未退出，第{'、'.join(unsure)}项数据不全")
        else:
            done += 1
    figures = {"poor_villages": considered, "exited_or_meeting": done}
    fields = ["village.is_poor_village", "village.exit_year"]
    if fails:
        return UNMET, fails + unknowns, figures, fields
    if unknowns:
        return UNKNOWN, unknowns, figures, fields
    if considered == 0:
        return NA, ["无贫困村"], figures, fields
    return MET, [f"{done}个贫困村均已退出或达到退出标准"], figures, fields


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
    CountyRule(1, "贫困人口人均可支配收入增幅高于全省平均水平", c_income_growth),
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
