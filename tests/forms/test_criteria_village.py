"""The 17 village criteria on a small village worked by hand, with missing facts and any input."""

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms.criteria.household import evaluate_household
from forms.criteria.result import MET, NA, STATUSES, UNKNOWN, UNMET, Share, judge_share, shown
from forms.criteria.village import VILLAGE_RULES, evaluate_village
from tests.forms.snapshots import (
    child,
    finance,
    household_snapshot,
    member,
    snapshot,
    village_facts,
    village_snapshot,
)


def fam(n_adults=2, kids=(), **hh):
    """A household snapshot that leaves the policy to the village."""
    adults = [
        member(f"成人{i}", date(1976, 5, 1), relation="户主" if i == 0 else "配偶")
        for i in range(n_adults)
    ]
    kids = [child(name, born, school_status=status) for name, born, status in kids]
    fin = hh.pop("fin", finance())
    fin_prev = hh.pop("fin_prev", None)
    return snapshot(adults + kids, fin=fin, fin_prev=fin_prev, pol=None, **hh)


def income(total, year=2016, consumption=6000):
    """Finance whose disposable income is `total` (all wage)."""
    return finance(
        year,
        wage_income=total,
        operating_income=0,
        operating_cost=0,
        property_income=0,
        transfer_income=0,
        consumption_expenditure=consumption,
    )


@pytest.fixture
def qingling():
    """青岭村 2016 (line 3000 元, Gansu growth 7.5%):

    H1 新识别        3 people (2 adults, 李小红 12 in 小学)  income 18000, 2015: 15000
    H2 计划脱贫      2 adults                               income  7000, 2015:  6000
    H3 已脱贫 2016   4 people (2 adults, 10 小学, 14 辍学)   income 20000, 2015: 17000
                     120 m² → exactly 30 m² per person
    H4 已脱贫 2015   3 people (2 adults, 12 小学)            no tap water, no internet
    H5 清退          2 adults + a 9-year-old 辍学            (left out of everything)
    """
    h1 = fam(
        2,
        [("李小红", date(2004, 3, 1), "小学")],
        status="新识别",
        toilet="卫生厕所",
        fin=income(18000),
        fin_prev=income(15000, 2015),
    )
    h2 = fam(
        2,
        [],
        status="计划脱贫",
        toilet="简易卫生厕所",
        has_internet=False,
        fin=income(7000),
        fin_prev=income(6000, 2015),
    )
    h3 = fam(
        2,
        [("王小明", date(2006, 1, 1), "小学"), ("王小强", date(2002, 1, 1), "辍学")],
        status="已脱贫",
        exit_year=2016,
        housing_area_m2=120,
        toilet="无",
        has_internet=False,
        fin=income(20000),
        fin_prev=income(17000, 2015),
    )
    h4 = fam(
        2,
        [("赵小华", date(2004, 1, 1), "小学")],
        status="已脱贫",
        exit_year=2015,
        tap_water=False,
        has_internet=False,
    )
    h5 = fam(
        2, [("孙小丽", date(2007, 1, 1), "辍学")], status="清退", toilet="无", water_safe=False
    )
    return [h1, h2, h3, h4, h5]


def ev(households, **kw):
    return evaluate_village(village_snapshot(households, **kw))


def test_seventeen_results_in_order_and_plain_data(qingling):
    e = ev(qingling)
    assert [c.no for c in e.criteria] == list(range(1, 18))
    assert [r.no for r in VILLAGE_RULES] == list(range(1, 18))
    d = e.to_dict()
    assert d["village_code"] == "621102100201" and d["year"] == 2016
    json.dumps(d, ensure_ascii=False)


def test_income_of_the_poor_counts_those_exiting_this_year(qingling):
    # Poor of 2016 = H1, H2 (still poor) + H3 (exited in 2016); H4 exited 2015, H5 removed.
    # Income (18000 + 7000 + 20000) / (3 + 2 + 4) = 45000 / 9 = 5000.00 > 3000.
    # Growth: 2015 = 15000 + 6000 + 17000 = 38000; (45000 − 38000) / 38000 = 18.42% > 7.5%.
    r = ev(qingling).criterion(1)
    assert r.status == MET
    assert r.figures["people"] == 9 and r.figures["per_capita"] == 5000.0
    assert r.figures["growth_pct"] == 18.4
    assert (
        r.reasons[0]
        == "贫困人口人均可支配收入 5000.00 元 > 贫困线 3000 元（按建档立卡户计算，3户9人）"
    )
    # "增幅高于全省…平均水平" says 增幅, not 年均增幅: one year's growth, and the reason says so.
    assert r.reasons[1] == (
        "贫困人口人均可支配收入增幅 18.4% > 全省 7.5%（增幅按一年计：同一批户本年较上年）"
    )


def test_income_growth_below_the_province_fails_the_village(qingling):
    # Last year 44000: (45000 − 44000) / 44000 = 2.27% ≤ 7.5%.
    qingling[0]["finance_prev"] = income(21000, 2015)
    r = ev(qingling).criterion(1)
    assert r.status == UNMET and "2.3% ≤ 全省 7.5%" in r.reasons[-1]


def test_income_unknown_when_a_poor_household_has_no_finance(qingling):
    qingling[1]["finance"] = None
    r = ev(qingling).criterion(1)
    assert r.status == UNKNOWN
    assert "1户缺少2016年收支数据" in r.reasons[0]


def test_income_names_the_exited_household_without_an_exit_year(qingling):
    # H3 marked 已脱贫 without its 脱贫年度: poor in 2016 or not, nobody can tell.
    qingling[2]["household"].update(exit_year=None, household_no="0012")
    r = ev(qingling).criterion(1)
    assert r.status == UNKNOWN
    assert r.reasons[0] == "贫困人口人均可支配收入无法计算：户0012为已脱贫但缺少脱贫年度"


def test_income_not_applicable_without_poor_households():
    e = ev([fam(status="已脱贫", exit_year=2015)])
    assert e.criterion(1).status == NA


def test_incidence_counts_people_still_poor_at_year_end(qingling):
    # Still poor at the end of 2016: H1 (3) + H2 (2) = 5 people; 5 / 1000 = 0.5%.
    r = ev(qingling).criterion(2)
    assert r.status == MET and r.figures["poor_people"] == 5
    assert r.reasons == [
        "贫困发生率 0.5%（贫困人口 5 人 / 户籍人口 1000 人，按建档立卡户计算） ≤ 8%（“8%以下”含8%）"
    ]


@pytest.mark.parametrize(
    "population,status,shown_pct",
    [(100, MET, 8.0), (101, MET, 7.9), (99, UNMET, 8.1), (63, UNMET, 12.7)],
)
def test_incidence_of_8_percent_or_less_is_met(population, status, shown_pct):
    # "贫困发生率下降到8%以下": 以下 includes the number, as every 以上 does. 8 poor people:
    # 3 + 2 + 3 (exits only in 2017, so still poor in 2016). 8 / 100 = 8.0% → met (it was unmet
    # when read as strictly below); 8 / 101 = 7.92%; 8 / 99 = 8.08%; 8 / 63 = 12.7%.
    hs = [
        fam(2, [("甲", date(2004, 1, 1), "小学")]),
        fam(2, []),
        fam(3, [], status="已脱贫", exit_year=2017),
    ]
    r = ev(hs, facts=village_facts(rural_population=population)).criterion(2)
    assert r.status == status
    assert r.figures["poor_people"] == 8 and r.figures["pct"] == shown_pct


def test_incidence_of_8_04_percent_is_unmet_and_never_shown_as_8_0():
    # 201 poor people / 2500 = 8.04%: rounds to 8.0 but is above 8%, so unmet and shown 8.1%.
    hs = [fam(3, []) for _ in range(67)]
    r = ev(hs, facts=village_facts(rural_population=2500)).criterion(2)
    assert r.status == UNMET and r.figures["pct"] == 8.1
    assert r.reasons == [
        "贫困发生率 8.1%（贫困人口 201 人 / 户籍人口 2500 人，按建档立卡户计算） > 8%"
    ]
    # 200 / 2500 = 8.00% exactly: met.
    r = ev(hs[:-1] + [fam(2, [])], facts=village_facts(rural_population=2500)).criterion(2)
    assert r.status == MET and r.figures["pct"] == 8.0


def test_incidence_is_unknown_naming_an_exited_household_without_an_exit_year(qingling):
    # H4 (3 people) marked 已脱贫 but its 脱贫年度 is missing: counted poor, 8 / 1000 = 0.8%
    # would still be ≤ 8%, but an inspector would not accept a rate over a register that
    # cannot say whether a household is poor. Before, it was met "计入后仍 < 8%".
    qingling[3]["household"].update(exit_year=None, household_no="0012")
    r = ev(qingling).criterion(2)
    assert r.status == UNKNOWN and r.figures["status_unknown"] == 1
    assert r.reasons == [
        "贫困发生率 0.5%（贫困人口 5 人 / 户籍人口 1000 人，按建档立卡户计算）；"
        "户状态不明：户0012为已脱贫但缺少脱贫年度，无法判断"
    ]
    # Many of them: the first three named, then how many.
    for i, h in enumerate(qingling[:4]):
        h["household"].update(status="已脱贫", exit_year=None, household_no=f"00{i + 10}")
    r = ev(qingling).criterion(2)
    assert r.status == UNKNOWN
    assert (
        "户状态不明：户0010为已脱贫但缺少脱贫年度、户0011为已脱贫但缺少脱贫年度、"
        "户0012为已脱贫但缺少脱贫年度等4户，无法判断" in r.reasons[0]
    )


def test_incidence_known_to_exceed_8_percent_is_unmet_whatever_the_unknown(qingling):
    # 5 known poor people of 50 = 10% > 8%: a known failure wins, the unknown one still named.
    qingling[3]["household"].update(exit_year=None, household_no="0012")
    r = ev(qingling, facts=village_facts(rural_population=50)).criterion(2)
    assert r.status == UNMET
    assert r.reasons[0].endswith("> 8%；另有户状态不明：户0012为已脱贫但缺少脱贫年度")


def test_water_share_over_registered_households(qingling):
    # Registered (清退 excluded): H1–H4. Safe water 4/4 = 100%; tap water 3/4 = 75.0% < 90%.
    r = ev(qingling).criterion(5)
    assert r.status == UNMET
    assert "饮水安全农户比重 100.0%（4/4户） ≥ 100%" in r.reasons
    assert "自来水入户率 75.0%（3/4户） < 90%" in r.reasons
    assert "按建档立卡户计算（4户）" in r.reasons


def test_village_housing_needs_more_than_30_while_household_needs_30(qingling):
    # H3: 120 m² / 4 = 30 m² exactly — the household rule ⑵ is met ("等于或大于"), but the
    # village counts it as not "大于30": 3/4 = 75.0% < 90%.
    assert evaluate_household({**qingling[2], "policy": None}).criterion(2).status == MET
    r = ev(qingling).criterion(7)
    assert r.status == UNMET
    assert "有安全稳固住房的农户比重 100.0%（4/4户） ≥ 100%" in r.reasons
    assert "安全稳固且人均住房面积大于30平方米的农户比重 75.0%（3/4户） < 90%" in r.reasons


def test_compulsory_education_rate(qingling):
    # Children 6–15 in H1–H4: 李小红 12 小学, 王小明 10 小学, 王小强 14 辍学, 赵小华 12 小学.
    # 3/4 = 75.0% < 95%. H5's dropout is not counted (清退).
    r = ev(qingling).criterion(9)
    assert r.status == UNMET
    assert r.reasons[0] == "义务教育巩固率 75.0%（3/4人） < 95%"


def test_compulsory_education_exactly_95_percent_is_met():
    # 19 of 20 children in school = 95.0%.
    kids = [(f"童{i}", date(2006, 1, 1), "小学") for i in range(19)] + [
        ("辍", date(2006, 1, 1), "辍学")
    ]
    r = ev([fam(2, kids, housing_area_m2=1000)]).criterion(9)
    assert r.status == MET and r.reasons[0] == "义务教育巩固率 95.0%（19/20人） ≥ 95%"


def test_insurance_and_pension_rates(qingling):
    # Everyone in H1–H4 is in 新农合: 3 + 2 + 4 + 3 = 12 people.
    r = ev(qingling).criterion(10)
    assert r.status == MET and r.reasons[0] == "新农合参合率 100.0%（12/12人） ≥ 95%"
    # Eligible for 新农保: the 8 adults; the children are under 16.
    r = ev(qingling).criterion(12)
    assert r.status == MET and r.figures["pension"]["total"] == 8


def test_toilet_rates(qingling):
    # H1 卫生, H2 简易, H3 无, H4 卫生: any toilet 3/4 = 75.0% < 80%; 卫生厕所 2/4 = 50.0% < 70%.
    r = ev(qingling).criterion(13)
    assert r.status == UNMET
    assert "简易卫生厕所比例 75.0%（3/4户） < 80%" in r.reasons
    assert "卫生厕所普及率 50.0%（2/4户） < 70%" in r.reasons


def test_communications_from_households_and_tv_from_facts(qingling):
    # Phones 4/4; internet only H1: 1/4 = 25.0% ≥ 25%; TV 98% and 50% from facts.
    r = ev(qingling).criterion(15)
    assert r.status == MET
    assert "通互联网农户比重 25.0%（1/4户） ≥ 25%" in r.reasons
    assert "中央和省上广播电视节目综合覆盖率 98% ≥ 98%" in r.reasons
    r = ev(qingling, facts=village_facts(local_tv_coverage_pct=49.9)).criterion(15)
    assert r.status == UNMET and "市、县区广播电视节目覆盖率 49.9% < 50%" in r.reasons


@pytest.mark.parametrize(
    "no,key,bad",
    [
        (3, "hard_roads_to_township", 0),
        (3, "bus_lines", 0),
        (4, "groups_road_pct", 99.9),
        (6, "power_grid", False),
        (8, "industries", 0),
        (11, "clinics", 0),
        (11, "doctors", 0),
        (14, "culture_rooms", 0),
        (16, "mutual_aid_associations", 0),
        (17, "two_after_trained", 3),
    ],
)
def test_fact_criteria_met_at_target_and_unmet_below(qingling, no, key, bad):
    assert ev(qingling).criterion(no).status == MET
    r = ev(qingling, facts=village_facts(**{key: bad})).criterion(no)
    assert r.status == UNMET
    r = ev(qingling, facts=village_facts(**{key: None})).criterion(no)
    assert r.status == UNKNOWN and r.reasons[0].startswith("缺少2016年村级基础数据（")


def test_two_after_not_applicable_when_nobody_is_willing(qingling):
    r = ev(qingling, facts=village_facts(two_after_willing=0, two_after_trained=0)).criterion(17)
    assert r.status == NA


def test_without_facts_the_fact_criteria_are_unknown_not_unmet(qingling):
    e = ev(qingling, facts=None)
    for no in (2, 3, 4, 6, 8, 11, 14, 16, 17):
        assert e.criterion(no).status == UNKNOWN, no
        assert any("缺少2016年村级基础数据" in x for x in e.criterion(no).reasons), no
    assert e.criterion(15).status == UNKNOWN  # TV from facts; phones/internet are met


def test_household_snapshots_inherit_year_and_policy_from_the_village(qingling):
    for h in qingling:
        h["year"] = None
    assert ev(qingling).criterion(1).status == MET
    assert ev(qingling, pol=None).criterion(1).status == UNKNOWN


# --- rates with unknown entries are judged on their bounds ---------------------------------------


def _share(yes, no, maybe):
    s = Share()
    for cls, n in (("yes", yes), ("no", no), ("maybe", maybe)):
        for _ in range(n):
            s.add(cls)
    return s


def test_one_unknown_household_cannot_hide_or_invent_a_result():
    # 19 yes + 1 unknown: worst case 19/20 = 95% ≥ 90% → met; for 100%: 95%..100% → unknown.
    status, reason, _ = judge_share(_share(19, 0, 1), "自来水入户率", 90)
    assert status == MET and "按最不利情况计算仍达标" in reason
    assert judge_share(_share(19, 0, 1), "饮水安全农户比重", 100)[0] == UNKNOWN
    # 17 yes, 2 no, 1 unknown: 85%..90% against 90% → unknown; 16/3/1: at best 85% → unmet.
    assert judge_share(_share(17, 2, 1), "x", 90)[0] == UNKNOWN
    assert judge_share(_share(16, 3, 1), "x", 90)[0] == UNMET
    assert judge_share(Share(), "x", 90)[0] == NA


def test_rates_are_never_displayed_on_the_wrong_side_of_the_target():
    # 1899/1999 = 94.997% rounds to 95.0 but is below 95%: shown as 94.9.
    status, reason, rate = judge_share(_share(1899, 100, 0), "义务教育巩固率", 95)
    assert status == UNMET and rate == 94.9 and "94.9%" in reason
    assert shown(29.9966, 2, 30, "below") == 29.99
    assert shown(2855.0033, 2, 2855, "above") == 2855.01
    assert shown(18.42105, 1) == 18.4


def test_unknown_water_in_one_of_two_households_is_unknown():
    r = ev([fam(), fam(water_safe=None)]).criterion(5)
    assert r.status == UNKNOWN


# --- any village a register could hold -----------------------------------------------------------

facts_st = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            k: st.one_of(
                st.none(),
                st.integers(0, 2000),
                st.floats(0, 100, allow_nan=False),
                st.booleans(),
                st.just("abc"),
            )
            for k in village_facts()
        },
    ),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    households=st.lists(household_snapshot(), max_size=4),
    facts=facts_st,
    year=st.one_of(st.none(), st.integers(2014, 2020)),
    pol=st.one_of(st.none(), st.just({"poverty_line": 3000, "province_income_growth_pct": 7.5})),
)
def test_any_village_evaluates_without_raising(households, facts, year, pol):
    e = evaluate_village(
        {
            "year": year,
            "village": {"code": "1"},
            "facts": facts,
            "households": households,
            "policy": pol,
        }
    )
    assert [c.no for c in e.criteria] == list(range(1, 18))
    assert all(c.status in STATUSES for c in e.criteria)
    json.dumps(e.to_dict(), ensure_ascii=False)
    s = {c.no: c.status for c in e.criteria}
    if facts is None:
        assert all(s[n] == UNKNOWN for n in (2, 3, 4, 6, 8, 11, 14, 16, 17))
        assert s[15] != MET
    if pol is None and s[1] != NA:
        assert s[1] != MET


def test_garbage_snapshot_shapes_do_not_raise():
    for snap in ({}, {"households": None}, {"households": [None, 3, "x"]}, None):
        assert len(evaluate_village(snap).criteria) == 17
