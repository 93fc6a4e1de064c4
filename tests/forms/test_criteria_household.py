"""The 12 household exit criteria at their edges, with missing data, and on arbitrary snapshots."""

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings

from forms.age import age_on_31_august
from forms.criteria.household import HOUSEHOLD_RULES, evaluate_household
from forms.criteria.result import MET, NA, STATUSES, UNKNOWN, UNMET
from forms.idnumber import make_id_number
from tests.forms.snapshots import (
    FIN_KEYS,
    LINE,
    YEAR,
    child,
    finance,
    household_snapshot,
    member,
    policy,
    snapshot,
)


def crit(snap, no):
    return evaluate_household(snap).criterion(no)


def test_default_household_meets_all_twelve_and_may_exit():
    ev = evaluate_household(snapshot())
    assert [c.no for c in ev.criteria] == list(range(1, 13))
    assert all(c.status == MET for c in ev.criteria), [(c.no, c.reasons) for c in ev.criteria]
    assert ev.eligible_to_exit is True


def test_to_dict_has_exactly_the_agreed_shape():
    snap = snapshot()
    d = evaluate_household(snap).to_dict()
    assert set(d) == {"year", "household_id", "eligible_to_exit", "closed", "criteria"}
    assert d["year"] == YEAR and d["household_id"] == snap["household"]["id"]
    assert [set(c) for c in d["criteria"]] == [
        {"no", "title", "status", "reasons", "figures", "fields"}
    ] * 12
    json.dumps(d, ensure_ascii=False)  # plain data all the way down


def test_rules_are_registered_in_seed_order_with_titles():
    assert [r.no for r in HOUSEHOLD_RULES] == list(range(1, 13))
    assert HOUSEHOLD_RULES[0].title.startswith("人均可支配收入高于当年贫困线")


# --- ⑴ income strictly above the line ------------------------------------------------------------


def _income(total, n=3, year=2015):
    """Three members, all income as wage: per capita = total / n."""
    members = [member(f"成员{i}") for i in range(n)]
    fin = finance(
        year,
        wage_income=total,
        operating_income=0,
        operating_cost=0,
        property_income=0,
        transfer_income=0,
    )
    return snapshot(members, year=year, fin=fin, pol=policy(year))


def test_income_exactly_at_the_line_is_unmet():
    # 2015 line 2855 元; 3 × 2855 = 8565 元 → per capita 2855.00, not above.
    r = crit(_income(8565), 1)
    assert r.status == UNMET
    assert r.reasons[0] == "人均可支配收入 2855.00 元 ≤ 贫困线 2855 元"


def test_income_one_fen_above_the_line_is_met():
    # 3 × 2855.01 = 8565.03 元: float arithmetic must not lose the fen.
    r = crit(_income(8565.03), 1)
    assert r.status == MET
    assert r.reasons[0] == "人均可支配收入 2855.01 元 > 贫困线 2855 元"
    assert r.figures["per_capita"] == 2855.01


def test_income_below_the_line_names_the_figures():
    # 3 × 2790 = 8370
    assert crit(_income(8370), 1).reasons[0] == "人均可支配收入 2790.00 元 ≤ 贫困线 2855 元"


def test_income_is_net_of_operating_cost():
    # 12000 + 8000 − 3000 + 0 + 1000 = 18000 over 3 people = 6000 per capita.
    r = crit(snapshot(), 1)
    assert r.figures["disposable_income"] == 18000
    assert r.figures["per_capita"] == 6000
    # Operating cost of 10000 more: 8000 / 3 = 2666.67 < 3000.
    r = crit(snapshot(fin=finance(operating_cost=13000)), 1)
    assert r.status == UNMET and "2666.67" in r.reasons[0]


def test_provincial_level_and_growth_are_information_not_failure():
    # 6000 per capita is above the line but below Gansu's 7457 (2016): still met.
    snap = snapshot(fin_prev=finance(2015, wage_income=6000))  # 12000 last year
    r = crit(snap, 1)
    assert r.status == MET
    assert any("低于全省农村居民人均可支配收入 7457 元" in x for x in r.reasons)
    # 18000 vs 12000: +50.0%, shown against the province's 7.5%.
    assert r.figures["income_growth_pct"] == 50.0
    assert any("较上年增长 50.0%（全省 7.5%" in x for x in r.reasons)


def test_income_unknown_without_finance_policy_or_members():
    assert crit(snapshot(fin=None), 1).reasons == ["缺少2016年收支数据"]
    assert crit(snapshot(fin=None), 1).status == UNKNOWN
    r = crit(snapshot(pol=None), 1)
    assert r.status == UNKNOWN and r.reasons == ["缺少2016年政策参数（贫困线）"]
    r = crit(snapshot(pol=policy(poverty_line=None)), 1)
    assert r.status == UNKNOWN
    r = crit(snapshot([]), 1)
    assert r.status == UNKNOWN and "家庭成员为空" in r.reasons


def test_income_unknown_when_one_component_is_missing_even_if_rest_is_high():
    r = crit(snapshot(fin=finance(operating_cost=None)), 1)
    assert r.status == UNKNOWN
    assert r.reasons == ["缺少2016年生产经营性支出"]


def test_income_text_instead_of_number_is_unknown_not_a_crash():
    assert crit(snapshot(fin=finance(wage_income="12000")), 1).status == UNKNOWN
    assert crit(snapshot(pol=policy(poverty_line="3000")), 1).status == UNKNOWN


# --- ⑵ housing: safe, and ≥ 30 m² per person (equal is met) --------------------------------------


def test_housing_exactly_30_m2_per_person_is_met():
    assert crit(snapshot(housing_area_m2=90), 2).status == MET  # 90 / 3 = 30.00


def test_housing_just_below_30_m2_per_person_is_unmet():
    r = crit(snapshot(housing_area_m2=89.99), 2)  # 29.9966… m²
    assert r.status == UNMET
    # Shown rounded down, never as the contradictory "30.00 m² < 30 m²".
    assert r.reasons == ["人均住房面积 29.99 m² < 30 m²"]


def test_unsafe_house_is_unmet_even_when_the_area_is_missing():
    r = crit(snapshot(housing_safe=False, housing_area_m2=None), 2)
    assert r.status == UNMET  # a known failure wins
    assert r.reasons == ["住房不安全稳固（危房）", "缺少住房面积"]


def test_housing_unknown_when_safety_missing():
    r = crit(snapshot(housing_safe=None), 2)
    assert r.status == UNKNOWN and r.reasons == ["缺少住房是否安全稳固"]


# --- ⑶ water -------------------------------------------------------------------------------------


def test_water_without_tap_is_met_with_a_note():
    r = crit(snapshot(tap_water=False), 3)
    assert r.status == MET
    assert "未接通自来水（有条件地区应接通）" in r.reasons


@pytest.mark.parametrize(
    "value,status",
    [(None, UNKNOWN), (False, UNMET), (True, MET), (0, UNMET), (1, MET), ("是", UNKNOWN)],
)
def test_water_safe_values(value, status):
    assert crit(snapshot(water_safe=value), 3).status == status


# --- ⑷ children aged 6–15 on 31 August in school -------------------------------------------------


def _with_child(born, school_status, name="李小红"):
    return snapshot([member("张三"), child(name, born, school_status=school_status)])


def test_age_is_counted_on_31_august():
    assert age_on_31_august((2010, 8, 31), 2016) == 6  # birthday on the day itself
    assert age_on_31_august((2010, 9, 1), 2016) == 5  # a day later: not yet
    assert age_on_31_august((2000, 2, 29), 2016) == 16


def test_child_who_turns_6_on_31_august_must_be_in_school_but_preschool_counts():
    assert crit(_with_child(date(2010, 8, 31), "学龄前"), 4).status == MET
    r = crit(_with_child(date(2010, 8, 31), "未入学"), 4)
    assert r.status == UNMET and r.reasons == ["李小红（6岁）未入学"]


def test_child_born_1_september_is_still_5_and_not_covered():
    r = crit(_with_child(date(2010, 9, 1), "未入学"), 4)
    assert r.status == NA and r.reasons == ["无6–15岁适龄儿童"]


def test_child_exactly_15_is_covered_and_16_is_not():
    r = crit(_with_child(date(2001, 8, 31), "辍学"), 4)  # 15 on 31 Aug 2016
    assert r.status == UNMET and r.reasons == ["李小红（15岁）辍学"]
    assert crit(_with_child(date(2000, 8, 31), "辍学"), 4).status == NA  # 16
    assert crit(_with_child(date(2000, 9, 1), "辍学"), 4).status == UNMET  # still 15


def test_dropout_is_named_with_age():
    r = crit(_with_child(date(2004, 3, 1), "辍学"), 4)
    assert r.reasons == ["李小红（12岁）辍学"]
    assert any(f.endswith(".school_status") and f.startswith("member:") for f in r.fields)


def test_preschool_at_7_fails_and_completed_compulsory_counts():
    assert crit(_with_child(date(2009, 1, 1), "学龄前"), 4).status == UNMET
    assert crit(_with_child(date(2001, 1, 1), "已完成义务教育"), 4).status == MET
    assert crit(_with_child(date(2004, 1, 1), "送教上门"), 4).status == MET


def test_child_age_from_id_number_when_no_birth_date():
    kid = child(
        "李小红",
        date(2004, 3, 1),
        school_status="辍学",
        birth_date=None,
        id_number=make_id_number("621102", date(2004, 3, 1), 12, "女"),
    )
    r = crit(snapshot([member(), kid]), 4)
    assert r.status == UNMET and r.reasons == ["李小红（12岁）辍学"]


def test_child_without_age_is_unknown_and_a_known_failure_wins_over_it():
    nobody = child("赵小明", date(2004, 3, 1), school_status="辍学", birth_date=None)
    r = crit(snapshot([member(), nobody]), 4)
    assert r.status == UNKNOWN
    assert r.reasons == ["赵小明 缺少出生日期和身份证号，无法判断年龄（辍学）"]
    dropout = child("李小红", date(2004, 3, 1), school_status="辍学")
    r = crit(snapshot([member(), dropout, nobody]), 4)
    assert r.status == UNMET
    assert r.reasons == [
        "李小红（12岁）辍学",
        "赵小明 缺少出生日期和身份证号，无法判断年龄（辍学）",
    ]


def test_bad_id_checksum_gives_no_age():
    good = make_id_number("621102", date(2004, 3, 1), 12, "女")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    kid = child("李小红", school_status="辍学", birth_date=None, id_number=bad)
    assert crit(snapshot([member(), kid]), 4).status == UNKNOWN


def test_child_in_school_with_unknown_age_does_not_block():
    kid = child("李小红", school_status="小学", birth_date=None)
    assert crit(snapshot([member(), kid]), 4).status == MET


# --- ⑸ main labourers aged 16–60 trained ---------------------------------------------------------


def test_untrained_labourer_fails_and_is_named():
    m = member("张三", date(1976, 5, 1), skills_trained=False)
    r = crit(snapshot([m]), 5)
    assert r.status == UNMET and r.reasons == ["张三（40岁，普通劳动力）未接受技能培训"]


def test_61_year_old_labourer_is_not_covered_but_60_is():
    old = member("张大爷", date(1955, 8, 31), skills_trained=False)  # 61 on 31 Aug 2016
    assert crit(snapshot([old]), 5).status == NA
    sixty = member("张大爷", date(1955, 9, 1), skills_trained=False)  # still 60
    assert crit(snapshot([sixty]), 5).status == UNMET


def test_16_year_old_labourer_is_covered():
    teen = member("张小军", date(2000, 8, 31), skills_trained=False)  # 16
    assert crit(snapshot([teen]), 5).status == UNMET


def test_a_17_year_old_in_high_school_is_a_pupil_not_a_main_labourer():
    # "主要劳动力接受了技能培训": 17 on 31 Aug 2016, in 高中, marked 普通劳动力 and untrained —
    # still at school, so not a main labourer; before, he failed the household's ⑸.
    pupil = child("张小军", date(1999, 3, 1), school_status="高中", labor_ability="普通劳动力")
    r = crit(snapshot([member("张三"), pupil]), 5)
    assert r.status == MET and r.reasons == ["1名主要劳动力均接受了技能培训"]
    assert crit(snapshot([pupil]), 5).status == NA
    # Out of school at 17 (辍学), the same untrained labourer is one.
    dropout = child("张小军", date(1999, 3, 1), school_status="辍学", labor_ability="普通劳动力")
    r = crit(snapshot([member("张三"), dropout]), 5)
    assert r.status == UNMET and r.reasons == ["张小军（17岁，普通劳动力）未接受技能培训"]


def test_an_untrained_labourer_of_unknown_school_status_is_unknown_for_training():
    r = crit(snapshot([member("张三", skills_trained=False, school_status=None)]), 5)
    assert r.status == UNKNOWN
    assert r.reasons == [
        "张三（40岁，普通劳动力）缺少在校生状况，无法判断是否为主要劳动力（未接受技能培训）"
    ]


def test_no_main_labourer_is_not_applicable_and_missing_training_is_unknown():
    weak = member("张三", labor_ability="丧失劳动力", skills_trained=False)
    assert crit(snapshot([weak]), 5).status == NA
    assert crit(snapshot([member(skills_trained=None)]), 5).status == UNKNOWN
    assert crit(snapshot([member(labor_ability=None, skills_trained=False)]), 5).status == UNKNOWN


# --- ⑹ income channels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "channels,status", [(None, UNKNOWN), ([], UNMET), (["养殖"], MET), ("务工", UNKNOWN)]
)
def test_income_channels(channels, status):
    assert crit(snapshot(income_channels=channels), 6).status == status


# --- ⑺ every member in 新农合 -----------------------------------------------------------------------


def test_ncms_every_member():
    r = crit(snapshot([member("张三"), member("王芳", ncms=False)]), 7)
    assert r.status == UNMET and r.reasons == ["王芳 未参加新农合"]
    assert crit(snapshot([member("张三"), member("王芳", ncms=None)]), 7).status == UNKNOWN
    r = crit(snapshot([member("张三", ncms=None), member("王芳", ncms=False)]), 7)
    assert r.status == UNMET and r.reasons == ["王芳 未参加新农合", "张三 缺少是否参加新农合"]


# --- ⑻ pension for those aged 16+ not in school --------------------------------------------------


def test_16_year_old_in_high_school_is_not_eligible_for_pension():
    teen = child("张小军", date(2000, 8, 31), school_status="高中", pension_insured=False)  # 16
    kid = child()
    r = crit(snapshot([teen, kid]), 8)
    assert r.status == NA and r.reasons == ["无符合参保条件的人口（16岁以上且不在校）"]


def test_16_year_old_out_of_school_must_be_insured():
    teen = child("张小军", date(2000, 8, 31), school_status="辍学", pension_insured=False)
    r = crit(snapshot([member(), teen]), 8)
    assert r.status == UNMET and r.reasons == ["张小军（16岁）未参加新农保"]
    # A 15-year-old out of school is not yet eligible.
    younger = child("张小军", date(2001, 9, 1), school_status="辍学", pension_insured=False)
    assert crit(snapshot([member(), younger]), 8).status == MET


def test_schooling_brought_home_counts_as_in_school_for_the_pension():
    # 送教上门 is schooling (⑷ counts it): a 20-year-old taught at home is not yet 符合条件.
    taught = child("张小军", date(1996, 3, 1), school_status="送教上门", pension_insured=False)
    r = crit(snapshot([member(), taught]), 8)
    assert r.status == MET and r.reasons == ["1名符合条件人口均参加新农保"]
    assert crit(snapshot([taught]), 8).status == NA


def test_pension_unknown_when_school_status_of_uninsured_adult_missing():
    r = crit(snapshot([member(pension_insured=False, school_status=None)]), 8)
    assert r.status == UNKNOWN
    r = crit(snapshot([member(pension_insured=True, school_status=None)]), 8)
    assert r.status == MET


# --- the safety-net path: ⑴ on 政策性脱贫, ⑹ not applicable ------------------------------------


def _safety_net(labour=("丧失劳动力", "丧失劳动力"), transfer=2808 * 2, **overrides):
    """A 低保二类 couple, aged 70 and 68, living on 低保: no wage, no income channel."""
    members = [
        member("张大爷", date(1946, 1, 1), labor_ability=labour[0], skills_trained=False),
        member("张大娘", date(1948, 1, 1), labor_ability=labour[1], relation="配偶", sex="女"),
    ]
    fin = finance(
        wage_income=0,
        operating_income=0,
        operating_cost=0,
        property_income=0,
        transfer_income=transfer,
        consumption_expenditure=6000,
    )
    hh = {"poverty_attribute": "低保贫困户", "dibao_class": "二类", "income_channels": []}
    return snapshot(members, fin=fin, **{**hh, **overrides})


def test_a_safety_net_household_meets_1_on_its_dibao_and_6_does_not_apply():
    # "低保二类…达到2808元/人·年,实现政策性脱贫": 5616 元 / 2 = 2808.00 ≥ 2808, though below the
    # 2016 line of 3000; "对没有劳动力的低保户…通过救助式扶贫保障其基本生活": no income channel asked.
    ev = evaluate_household(_safety_net())
    one, six = ev.criterion(1), ev.criterion(6)
    assert one.status == MET
    assert one.reasons[:3] == [
        "政策性脱贫：低保等转移性收入人均 2808.00 元 ≥ 政策性脱贫标准 2808 元",
        "低保户，2名成员均无劳动力（张大爷丧失劳动力、张大娘丧失劳动力）",
        "人均可支配收入 2808.00 元 ≤ 贫困线 3000 元（兜底保障户按政策性脱贫标准判定）",
    ]
    assert one.figures["reading"] == "政策性脱贫" and one.figures["transfer_per_capita"] == 2808
    assert six.status == NA
    assert six.reasons[0] == "兜底保障户（无劳动力的低保/特困供养户），不要求增收门路"
    assert ev.eligible_to_exit is True
    # A fen short of the line per person: unmet, with both readings named.
    r = crit(_safety_net(transfer=5615.98), 1)
    assert r.status == UNMET
    assert (
        r.reasons[-1]
        == "兜底保障户，政策性脱贫：低保等转移性收入人均 2807.99 元 < 政策性脱贫标准 2808 元"
    )


def test_a_household_with_one_labourer_takes_the_ordinary_reading():
    ev = evaluate_household(_safety_net(labour=("普通劳动力", "丧失劳动力")))
    assert ev.criterion(1).status == UNMET
    assert ev.criterion(1).reasons == [
        "人均可支配收入 2808.00 元 ≤ 贫困线 3000 元",
        "低于全省农村居民人均可支配收入 7457 元（参考，不影响判定）",
    ]
    assert ev.criterion(6).status == UNMET and ev.criterion(6).reasons == ["无增收门路"]
    # A 弱劳动力或半劳动力 can work too; 无劳动力 cannot.
    assert crit(_safety_net(labour=("弱劳动力或半劳动力", "丧失劳动力")), 6).status == UNMET
    assert crit(_safety_net(labour=("无劳动力", "丧失劳动力")), 6).status == NA


@pytest.mark.parametrize(
    "overrides",
    [
        {"poverty_attribute": "特困供养(五保)贫困户", "dibao_class": "无"},
        {"poverty_attribute": "一般贫困户", "dibao_class": "一类"},
    ],
)
def test_wubao_and_dibao_class_households_are_on_the_path(overrides):
    assert crit(_safety_net(**overrides), 1).status == MET
    assert crit(_safety_net(**overrides), 6).status == NA


def test_a_household_neither_dibao_nor_wubao_takes_the_ordinary_reading():
    snap = _safety_net(poverty_attribute="一般贫困户", dibao_class="无")
    assert crit(snap, 1).status == UNMET and crit(snap, 6).status == UNMET


def test_the_path_follows_the_years_policy_values():
    # Path off: the ordinary reading.
    snap = _safety_net(pol=policy(safety_net_path=False))
    assert crit(snap, 1).status == UNMET and crit(snap, 6).status == UNMET
    # Path on but no 政策性脱贫标准: ⑴ falls back to the line, and says so; ⑹ still n/a.
    snap = _safety_net(pol=policy(safety_net_line=None))
    r = crit(snap, 1)
    assert r.status == UNMET
    assert r.reasons[-1] == "缺少2016年政策参数（政策性脱贫标准），兜底保障户按一般标准判定"
    assert crit(snap, 6).status == NA
    # Income above the line meets ⑴ on the ordinary reading anyway.
    r = crit(_safety_net(transfer=7000), 1)
    assert r.status == MET and r.reasons[0] == "人均可支配收入 3500.00 元 > 贫困线 3000 元"


def test_unknown_labour_ability_leaves_the_path_open_and_the_verdict_unknown():
    snap = _safety_net(labour=(None, "丧失劳动力"))
    r = crit(snap, 1)
    assert r.status == UNKNOWN
    assert r.reasons[-1].startswith("张大爷缺少劳动技能，无法判断是否为兜底保障户")
    assert crit(snap, 6).status == UNKNOWN
    # Below the 政策性脱贫标准 too: unmet on either reading.
    assert crit(_safety_net(labour=(None, "丧失劳动力"), transfer=4000), 1).status == UNMET


# --- ⑼ ⑽ ⑾ ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "toilet,status",
    [("无", UNMET), ("简易卫生厕所", MET), ("卫生厕所", MET), (None, UNKNOWN), ("旱厕", UNKNOWN)],
)
def test_toilet(toilet, status):
    assert crit(snapshot(toilet=toilet), 9).status == status


@pytest.mark.parametrize("key", ["has_phone", "has_cable_tv", "has_internet"])
def test_communications_need_all_three(key):
    assert crit(snapshot(**{key: False}), 10).status == UNMET
    assert crit(snapshot(**{key: None}), 10).status == UNKNOWN


@pytest.mark.parametrize(
    "key,text",
    [
        ("borrow_illness", "有因病借贷"),
        ("borrow_school", "有因学借贷"),
        ("borrow_marriage", "有因婚借贷"),
    ],
)
def test_any_hardship_debt_fails(key, text):
    r = crit(snapshot(**{key: True}), 11)
    assert r.status == UNMET and r.reasons == [text]
    assert crit(snapshot(**{key: None}), 11).status == UNKNOWN


# --- ⑿ consumption at or above the line ----------------------------------------------------------


def test_consumption_equal_to_the_line_is_met_and_a_fen_below_is_unmet():
    # 3 people × 3000 = 9000 元.
    r = crit(snapshot(fin=finance(consumption_expenditure=9000)), 12)
    assert r.status == MET and r.reasons == [f"人均生活消费支出 3000.00 元 ≥ 贫困线 {LINE} 元"]
    r = crit(snapshot(fin=finance(consumption_expenditure=8999.97)), 12)
    assert r.status == UNMET and r.reasons == ["人均生活消费支出 2999.99 元 < 贫困线 3000 元"]


def test_consumption_unknown_when_missing():
    assert crit(snapshot(fin=finance(consumption_expenditure=None)), 12).status == UNKNOWN
    assert crit(snapshot(fin=None), 12).status == UNKNOWN
    assert crit(snapshot(pol=None), 12).status == UNKNOWN


# --- the whole household -------------------------------------------------------------------------


def test_empty_household_cannot_exit():
    ev = evaluate_household(snapshot([]))
    for no in (1, 2, 4, 5, 7, 8, 12):
        assert ev.criterion(no).status == UNKNOWN, no
        assert "家庭成员为空" in ev.criterion(no).reasons
    assert ev.eligible_to_exit is False


def test_not_applicable_criteria_do_not_block_exit():
    # An old couple: no children (⑷ n/a), no main labourers (⑸ n/a).
    old = [
        member("张大爷", date(1940, 1, 1), labor_ability="丧失劳动力"),
        member("张大娘", date(1942, 1, 1), labor_ability="无劳动力", relation="配偶"),
    ]
    ev = evaluate_household(snapshot(old))
    assert ev.criterion(4).status == NA and ev.criterion(5).status == NA
    assert ev.eligible_to_exit is True


def test_sqlite_zero_one_booleans_are_read():
    ev = evaluate_household(snapshot(water_safe=1, has_phone=1, borrow_school=0))
    assert ev.eligible_to_exit is True


def test_no_year_means_no_ages_and_still_twelve_results():
    snap = snapshot()
    snap["year"] = None
    ev = evaluate_household(snap)
    assert ev.criterion(4).status == UNKNOWN
    assert len(ev.criteria) == 12


# --- any snapshot a form could produce -----------------------------------------------------------


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(household_snapshot())
def test_any_snapshot_evaluates_without_raising_and_never_invents_met(snap):
    ev = evaluate_household(snap)
    assert [c.no for c in ev.criteria] == list(range(1, 13))
    assert all(c.status in STATUSES for c in ev.criteria)
    assert ev.eligible_to_exit == all(c.status in (MET, NA) for c in ev.criteria)
    json.dumps(ev.to_dict(), ensure_ascii=False)
    s = {c.no: c.status for c in ev.criteria}
    hh, fin, pol = snap["household"], snap["finance"], snap["policy"]

    def missing(v):
        return v is None or isinstance(v, str)

    if fin is None or pol is None or missing(pol.get("poverty_line")) or not snap["members"]:
        assert s[1] != MET and s[12] != MET
    if fin is not None and any(missing(fin.get(k)) for k in FIN_KEYS[:5]):
        assert s[1] != MET
    if fin is not None and missing(fin.get("consumption_expenditure")):
        assert s[12] != MET
    if not snap["members"]:
        assert all(s[n] == UNKNOWN for n in (1, 4, 5, 7, 8, 12))
        assert s[2] != MET  # unmet when the house is known unsafe, else unknown
    if hh["water_safe"] is None:
        assert s[3] == UNKNOWN
    if hh["housing_safe"] is None or missing(hh["housing_area_m2"]):
        assert s[2] != MET
    if hh["toilet"] not in ("简易卫生厕所", "卫生厕所"):
        assert s[9] != MET
    if hh["income_channels"] is None:
        # Unknown, or not applicable to a 兜底保障户 when the year's policy turns the path on.
        on = pol is not None and pol.get("safety_net_path") in (True, 1)
        assert s[6] == UNKNOWN or (on and s[6] == NA)
    if pol is None or pol.get("safety_net_path") not in (True, 1):
        assert s[6] != NA  # off the path, ⑹ always applies
    if any(hh[k] is None for k in ("has_phone", "has_cable_tv", "has_internet")):
        assert s[10] != MET
    if any(hh[k] is None for k in ("borrow_illness", "borrow_school", "borrow_marriage")):
        assert s[11] != MET
    if any(m["ncms"] is None for m in snap["members"]):
        assert s[7] != MET
    if snap["year"] is None and snap["members"]:
        # No age can be computed: a member who is not in school anyway keeps ⑷ from being met.
        if any(
            m["school_status"]
            not in (
                "小学",
                "初中",
                "高中",
                "中职",
                "送教上门",
                "已完成义务教育",
                "高职大专",
                "本科及以上",
            )
            for m in snap["members"]
        ):
            assert s[4] != MET


@pytest.mark.parametrize("junk", [[], {}, ["x"], 1.5, "x", -1, float("nan"), date(2016, 1, 1)])
def test_junk_in_every_field_does_not_raise(junk):
    from forms.criteria.quality import lint
    from forms.criteria.village import evaluate_village

    snap = snapshot()
    for d in (snap["household"], *snap["members"], snap["finance"], snap["policy"]):
        for k in list(d):
            if k != "id":
                d[k] = junk
    snap["measures"] = [{"criterion_no": junk, "status": junk}]
    ev = evaluate_household(snap)
    assert len(ev.criteria) == 12 and not ev.eligible_to_exit
    lint([snap], YEAR)
    assert (
        len(
            evaluate_village(
                {
                    "year": YEAR,
                    "households": [snap],
                    "facts": {"rural_population": junk, "power_grid": junk},
                }
            ).criteria
        )
        == 17
    )
