"""Data-quality checks (疑点): each code fires on its case and stays quiet on a clean household."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms.criteria.quality import (
    AWAY_MONTHS,
    CODES,
    DIBAO_WAGE_FACTOR,
    ERROR,
    LABOUR_MAX_AGE,
    LABOUR_MIN_AGE,
    SCHOOL_AGES,
    WARNING,
    Issue,
    lint,
    lint_village_facts,
)
from forms.idnumber import make_id_number
from tests.forms.snapshots import (
    LINE,
    YEAR,
    child,
    finance,
    household_snapshot,
    member,
    village_facts,
)
from tests.forms.snapshots import snapshot as _snapshot


def family() -> list[dict]:
    """The default family of tests.forms.snapshots, the daughter with her ID number too (the
    register gives everyone one: a birth date without it is Q25)."""
    born = date(2004, 3, 1)
    return [
        member("张三", date(1976, 5, 1)),
        member("王芳", date(1978, 2, 3), relation="配偶", sex="女"),
        child("李小红", born, id_number=make_id_number("621102", born, 8, "女")),
    ]


def snapshot(members: list[dict] | None = None, **kw) -> dict:
    return _snapshot(family() if members is None else members, **kw)


def codes(issues):
    return sorted({i.code for i in issues})


def only(issues, code):
    return [i for i in issues if i.code == code]


def of(issues, code, snap):
    """The issues of `code` about the household of `snap`."""
    return [i for i in issues if i.code == code and i.household_id == snap["household"]["id"]]


def lint_with_clean(snap, code, **kw):
    """Lint `snap` beside a clean household; the clean one has no issue of `code`."""
    clean = snapshot()
    issues = lint([clean, snap], YEAR, **kw)
    assert of(issues, code, clean) == []
    return of(issues, code, snap)


def test_clean_household_has_no_issues():
    assert lint([snapshot()], YEAR) == []


def test_issue_shape_and_message_names_household_and_member():
    snap = snapshot([member("张三", id_number="621102197605010011")])
    [issue] = only(lint([snap], YEAR), "Q01")
    assert isinstance(issue, Issue) and issue.severity == "error"
    assert issue.household_id == snap["household"]["id"]
    assert issue.member_id == snap["members"][0]["id"]
    assert issue.message.startswith("户621102100201001：张三 身份证号有误")
    assert issue.field == "member.id_number"
    assert set(issue.to_dict()) == {
        "code",
        "severity",
        "household_id",
        "member_id",
        "message",
        "field",
    }


def test_q01_birth_date_must_match_the_id_number():
    m = member("张三", date(1976, 5, 1))
    m["birth_date"] = "1976-05-02"
    [issue] = only(lint([snapshot([m])], YEAR), "Q01")
    assert "出生日期 1976-05-02 与身份证号中的 1976-05-01 不符" in issue.message


def test_q01_sex_must_match_the_id_number_and_age_needs_a_source():
    m = member("张三", date(1976, 5, 1))
    m["sex"] = "女"
    assert "性别“女”与身份证号（男）不符" in only(lint([snapshot([m])], YEAR), "Q01")[0].message
    nobody = member("李四", None)
    [issue] = only(lint([snapshot([member(), nobody])], YEAR), "Q01")
    assert issue.severity == "warning" and "缺少身份证号和出生日期" in issue.message


def test_q02_same_id_in_two_households_in_different_villages():
    born = date(1976, 5, 1)
    idn = make_id_number("621102", born, 11, "男")
    a = snapshot([member("张三", born, id_number=idn)], household_no="A-001", village_id=1)
    b = snapshot([member("张叁", born, id_number=idn)], household_no="B-009", village_id=2)
    issues = only(lint([a, b], YEAR), "Q02")
    assert len(issues) == 2
    assert issues[0].message == "户A-001：张三 身份证号与 户B-009 张叁 重复"


def test_q03_illness_cause_needs_a_sick_member():
    assert codes(lint([snapshot(main_cause="因病")], YEAR)) == ["Q03"]
    sick = member("张三", health="患有大病")
    assert lint([snapshot([sick], main_cause="因病")], YEAR) == []
    assert codes(lint([snapshot(other_causes=["因病"])], YEAR)) == ["Q03"]


def test_q04_schooling_cause_needs_a_member_in_school():
    assert lint([snapshot(main_cause="因学")], YEAR) == []  # 李小红 is in 小学
    assert codes(lint([snapshot([member()], main_cause="因学")], YEAR)) == ["Q04"]


@pytest.mark.parametrize(
    "attribute,dibao,bad",
    [
        ("低保贫困户", "无", True),
        ("低保贫困户", None, True),
        ("低保贫困户", "二类", False),
        ("特困供养(五保)贫困户", "一类", True),
        ("特困供养(五保)贫困户", "无", False),
        ("一般贫困户", "一类", True),
        ("一般贫困户", "无", False),
    ],
)
def test_q05_attribute_and_dibao_class_agree(attribute, dibao, bad):
    issues = lint([snapshot(poverty_attribute=attribute, dibao_class=dibao)], YEAR)
    # (a 五保 household of the default family also has labourers: Q17)
    assert bool(only(issues, "Q05")) is bad


def test_q06_migrant_work_without_wage_income():
    snap = snapshot(fin=finance(wage_income=0))  # 张三 and 王芳 work 6 months 省外
    [issue] = only(lint([snap], YEAR), "Q06")
    assert "张三、王芳有外出务工，但工资性收入0 元" in issue.message
    snap = snapshot(fin=finance(wage_income=None))
    assert "未填" in only(lint([snap], YEAR), "Q06")[0].message


def test_q06_wage_income_with_nobody_able_to_earn_it():
    old = [
        member(
            "张大爷",
            date(1940, 1, 1),
            migrant_work="无",
            migrant_months=0,
            labor_ability="丧失劳动力",
        )
    ]
    [issue] = lint([snapshot(old)], YEAR)
    assert issue.code == "Q06" and "也无16–60岁有劳动能力的成员" in issue.message
    # Able to work but 务工状况 not known: only the case above is sure.
    unknown = [member("张三", migrant_work=None, migrant_months=None)]
    assert lint([snapshot(unknown)], YEAR) == []


def test_q06_wage_income_with_everyone_recorded_as_not_working():
    # Local wage work is 务工 乡镇内 in the register: 无 for everyone leaves the wage unexplained.
    home = [member("张三", migrant_work="无", migrant_months=0)]
    snap = snapshot(home)
    [issue] = lint_with_clean(snap, "Q06")
    assert issue.member_id is None and issue.field == "finance.wage_income"
    assert issue.message == "户621102100201001：工资性收入 12000 元，但所有成员务工状况均为无"
    local = snapshot([member("张三", migrant_work="乡镇内", migrant_months=0)])
    assert only(lint([local], YEAR), "Q06") == []


def test_q07_member_over_100():
    m = member("张太爷", date(1915, 8, 31))  # 101 on 31 Aug 2016
    assert "Q07" in codes(lint([snapshot([member(), m])], YEAR))
    m = member("张太爷", date(1915, 9, 1))  # 100
    assert "Q07" not in codes(lint([snapshot([member(), m])], YEAR))


def test_q08_head_under_16():
    head = child("张小军", date(2001, 1, 1), relation="户主")
    [issue] = only(lint([snapshot([head])], YEAR), "Q08")
    assert issue.message.endswith("张小军 户主年龄为15岁，未满16岁")


def test_q09_household_size_against_the_member_list():
    [issue] = only(lint([snapshot(household_size=4)], YEAR), "Q09")
    assert "家庭人口数为4，但成员名单有3人" in issue.message
    assert lint([snapshot(household_size=3)], YEAR) == []


def test_q10_exited_household_with_an_unmet_criterion():
    snap = snapshot(status="已脱贫", exit_year=2015, toilet="无")
    [issue] = only(lint([snap], YEAR), "Q10")
    assert "已脱贫，但2016年第9项指标未达标" in issue.message
    # Exiting only in 2017 (as planned): it was still poor in 2016.
    later = snapshot(status="已脱贫", exit_year=2017, planned_exit_year=2017, toilet="无")
    assert lint([later], YEAR) == []


def test_q11_planned_exit_with_unmet_criterion_and_no_open_measure():
    snap = snapshot(status="计划脱贫", planned_exit_year=YEAR, toilet="无")
    [issue] = only(lint([snap], YEAR), "Q11")
    assert "第9项（有简易卫生厕所或卫生厕所）未达标且无在办帮扶措施" in issue.message
    done = [{"criterion_no": 9, "status": "已完成"}]
    assert codes(lint([{**snap, "measures": done}], YEAR)) == ["Q11"]
    open_ = [{"criterion_no": 9, "status": "实施中"}]
    assert lint([{**snap, "measures": open_}], YEAR) == []
    # Planned for a later year: not yet a concern.
    assert lint([snapshot(status="计划脱贫", planned_exit_year=2017, toilet="无")], YEAR) == []


def test_q12_exactly_one_head():
    two = [member("张三"), member("张四")]  # both 户主 by default
    assert "Q12" in codes(lint([snapshot(two)], YEAR))


def test_every_code_is_described():
    assert set(CODES) == {f"Q{n:02d}" for n in range(1, 29)}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(household_snapshot(), max_size=4))
def test_lint_never_raises(households):
    for issue in lint(households, YEAR):
        assert issue.code in CODES and issue.severity in ("error", "warning")
        assert issue.message.startswith("户")


def test_lint_uses_the_given_policy_for_snapshots_without_one():
    # Per capita income 18000 / 3 = 6000 and consumption 12000 / 3 = 4000: under a (made-up)
    # line of 7000 both ⑴ and ⑿ are unmet; without any policy they are unknown, not unmet.
    snap = snapshot(status="已脱贫", exit_year=2015, pol=None)
    assert lint([snap], YEAR) == []
    [issue] = lint([snap], YEAR, policy={"poverty_line": 7000})
    assert issue.code == "Q10" and "第1、12项指标未达标" in issue.message


# --- the national system's further checks (Q13–Q28, and Q06 / Q12 extended) -------------------


def test_q13_fifteen_digit_number_is_shown_with_its_18_digit_form():
    old = member("张三", date(1976, 5, 1), id_number="621102760501001")
    snap = snapshot([old, *family()[1:]])
    [issue] = lint_with_clean(snap, "Q13")
    assert issue.severity == ERROR and issue.member_id == old["id"]
    assert issue.field == "member.id_number"
    assert issue.message == (
        "户621102100201001：张三 身份证号 621102760501001 为15位（一代证），"
        "应升级为18位：621102197605010014"
    )
    assert only(lint([snap], YEAR), "Q01") == []  # its own code now, not Q01
    # The upgraded number stands for it: a birth date that disagrees is still Q01 ...
    old["birth_date"] = "1976-05-02"
    assert "与身份证号中的 1976-05-01 不符" in only(lint([snap], YEAR), "Q01")[0].message
    # ... and the same person registered elsewhere with the 18 digits is Q02.
    again = snapshot([member("张三", id_number="621102197605010014")], household_no="B-1")
    assert len(only(lint([snap, again], YEAR), "Q02")) == 2


def test_q01_keeps_the_malformed_numbers_a_15_digit_one_included():
    bad15 = member("张三", None, id_number="621102760231001")  # 31 February
    short = member("李四", date(1976, 5, 1), relation="子", id_number="62110219760501")
    snap = snapshot([bad15, short])
    issues = lint([snap], YEAR)
    assert only(issues, "Q13") == []
    messages = [i.message for i in only(issues, "Q01")]
    assert (
        "户621102100201001：张三 15位身份证号有误：身份证号中的出生日期 19760231 不存在" in messages
    )
    assert "户621102100201001：李四 身份证号有误：身份证号应为18位，现为14位" in messages


def test_q14_member_who_cannot_work_recorded_as_working_away():
    sick = member(
        "张大爷", date(1950, 1, 1), relation="父母", labor_ability="丧失劳动力", migrant_months=12
    )
    short = member(
        "张大娘",
        date(1952, 1, 1),
        relation="父母",
        sex="女",
        labor_ability="无劳动力",
        migrant_months=AWAY_MONTHS - 1,
    )
    snap = snapshot([*family(), sick, short])
    [issue] = lint_with_clean(snap, "Q14")
    assert issue.member_id == sick["id"] and issue.severity == WARNING
    assert issue.field == "member.labor_ability"
    assert issue.message == "户621102100201001：张大爷 劳动技能为丧失劳动力，但省外务工12个月"


def test_q15_dibao_household_without_transfer_income():
    low = dict(poverty_attribute="低保贫困户", dibao_class="二类")
    snap = snapshot(fin=finance(transfer_income=0), **low)
    [issue] = lint_with_clean(snap, "Q15")
    assert issue.member_id is None and issue.field == "finance.transfer_income"
    assert issue.message == "户621102100201001：低保二类，但2016年转移性收入为0"
    missing = snapshot(fin=finance(transfer_income=None), **low)
    assert "转移性收入未填" in only(lint([missing], YEAR), "Q15")[0].message
    # A 低保 household with its 1000 元 of transfers is left alone.
    assert only(lint([snapshot(**low)], YEAR), "Q15") == []


def test_q16_dibao_household_with_wages_far_above_the_line():
    low = dict(poverty_attribute="低保贫困户", dibao_class="一类")
    # 3 people: 30000 / 3 = 10000 元 per person, above 2 × 3000.
    snap = snapshot(fin=finance(wage_income=30000), **low)
    [issue] = lint_with_clean(snap, "Q16")
    assert issue.field == "finance.wage_income"
    assert issue.message == (
        "户621102100201001：低保一类，但人均工资性收入 10000 元，超过2016年贫困线 3000 元的2倍"
    )
    at = snapshot(fin=finance(wage_income=DIBAO_WAGE_FACTOR * LINE * 3), **low)
    assert only(lint([at], YEAR), "Q16") == []  # exactly twice the line is not above it


def test_q17_wubao_household_with_working_age_labourers():
    snap = snapshot(poverty_attribute="特困供养(五保)贫困户")  # 张三 40 and 王芳 38 can work
    issues = lint_with_clean(snap, "Q17")
    assert [i.member_id for i in issues] == [m["id"] for m in snap["members"][:2]]
    assert (
        issues[0].message
        == "户621102100201001：张三 40岁、普通劳动力，但该户为特困供养(五保)贫困户"
    )
    assert issues[0].field == "member.labor_ability"
    alone = member("张五保", date(1945, 1, 1), labor_ability="丧失劳动力", migrant_work="无")
    alone["migrant_months"] = 0
    quiet = snapshot([alone], poverty_attribute="特困供养(五保)贫困户", fin=finance(wage_income=0))
    assert only(lint([quiet], YEAR), "Q17") == []


def test_q18_children_older_and_parents_younger_than_the_head():
    son = member("张大", date(1970, 1, 1), relation="子")
    mother = member("李母", date(1980, 6, 1), relation="父母", sex="女")
    snap = snapshot([*family(), son, mother])
    issues = lint_with_clean(snap, "Q18")
    assert [i.member_id for i in issues] == [son["id"], mother["id"]]
    assert issues[0].message == (
        "户621102100201001：张大 为户主的子，但出生日期 1970-01-01 早于户主 张三（1976-05-01）"
    )
    assert issues[1].message == (
        "户621102100201001：李母 为户主的父母，但出生日期 1980-06-01 晚于户主 张三（1976-05-01）"
    )
    assert issues[0].field == "member.birth_date"


def test_q19_spouse_of_the_heads_sex_by_id_number():
    spouse = member("王强", date(1978, 2, 3), relation="配偶", sex="男")
    snap = snapshot([family()[0], spouse, family()[2]])
    [issue] = lint_with_clean(snap, "Q19")
    assert issue.severity == ERROR and issue.member_id == spouse["id"]
    assert issue.field == "member.id_number"
    assert issue.message == "户621102100201001：王强 为配偶，但与户主 张三 的身份证号均为男性"
    # Read from the ID numbers, not the sex field: a spouse 女 by number but 男 by field is Q01.
    typo = member("王芳", date(1978, 2, 3), relation="配偶", sex="女")
    typo["sex"] = "男"
    assert only(lint([snapshot([family()[0], typo])], YEAR), "Q19") == []


def test_q20_disability_cause_needs_a_disabled_member():
    snap = snapshot(main_cause="因残")
    [issue] = lint_with_clean(snap, "Q20")
    assert issue.field == "household.main_cause" and issue.member_id is None
    assert issue.message == "户621102100201001：致贫原因含因残，但没有成员的健康状况为残疾"
    other = snapshot(other_causes=["因残"])
    assert only(lint([other], YEAR), "Q20")[0].field == "household.other_causes"
    disabled = [*family()[:2], member("张小", date(2000, 1, 1), relation="子", health="残疾")]
    assert only(lint([snapshot(disabled, main_cause="因残")], YEAR), "Q20") == []


def test_q21_lack_of_labour_as_main_cause_with_labourers():
    snap = snapshot(main_cause="缺劳力")
    [issue] = lint_with_clean(snap, "Q21")
    assert issue.field == "household.main_cause"
    assert issue.message == (
        "户621102100201001：主要致贫原因为缺劳力，但有16–60岁的劳动力："
        "张三（40岁，普通劳动力）、王芳（38岁，普通劳动力）"
    )
    # Among the other causes it is left alone; so is a household of old people.
    assert only(lint([snapshot(other_causes=["缺劳力"])], YEAR), "Q21") == []
    old = [member("张大爷", date(1940, 1, 1), labor_ability="丧失劳动力", migrant_work="无")]
    old[0]["migrant_months"] = 0
    quiet = snapshot(old, main_cause="缺劳力", fin=finance(wage_income=0))
    assert only(lint([quiet], YEAR), "Q21") == []


def test_q22_school_status_impossible_for_the_age():
    done = child(
        "张十岁", date(2006, 1, 1), school_status="已完成义务教育", relation="子", sex="男"
    )
    pupil = member("张四六", date(1970, 1, 1), relation="其他", school_status="小学")
    nursery = child("张七岁", date(2009, 1, 1), school_status="学龄前", relation="子", sex="男")
    snap = snapshot([*family(), done, pupil, nursery])
    issues = lint_with_clean(snap, "Q22")
    assert [i.member_id for i in issues] == [done["id"], pupil["id"], nursery["id"]]
    messages = [i.message.partition("：")[2] for i in issues]
    assert messages == [
        "张十岁 10岁，在校生状况为已完成义务教育（一般为15岁以上）",
        "张四六 46岁，在校生状况为小学（一般为6–19岁）",
        "张七岁 7岁，在校生状况为学龄前（一般为6岁以下）",
    ]
    assert {i.field for i in issues} == {"member.school_status"}
    # The table's edges: 学龄前 at 6 and 已完成义务教育 at 15 are plausible.
    assert SCHOOL_AGES["学龄前"] == (None, 6) and SCHOOL_AGES["已完成义务教育"][0] == 15
    six = child("张六岁", date(2010, 1, 1), school_status="学龄前")
    fifteen = child("张十五", date(2001, 1, 1), school_status="已完成义务教育")
    assert only(lint([snapshot([*family(), six, fifteen])], YEAR), "Q22") == []


def test_q23_labour_ability_impossible_for_the_age():
    young = child("张十四", date(2002, 1, 1), labor_ability="普通劳动力", relation="子", sex="男")
    old = member("张爷", date(1941, 1, 1), relation="父母", labor_ability="技能劳动力")
    snap = snapshot([*family(), young, old])
    issues = lint_with_clean(snap, "Q23")
    assert [i.member_id for i in issues] == [young["id"], old["id"]]
    assert issues[0].message.endswith(
        f"张十四 14岁（未满{LABOUR_MIN_AGE}岁），劳动技能为普通劳动力"
    )
    assert issues[1].message.endswith(f"张爷 75岁（超过{LABOUR_MAX_AGE}岁），劳动技能为技能劳动力")
    assert issues[0].field == "member.labor_ability"


def test_q24_born_after_joining_or_after_today():
    # Joined in June 2016, born in February 2017: not a member on 31 December 2016 at all.
    baby = child("张宝", date(2017, 2, 1), joined_date="2016-06-01", join_reason="出生")
    future = child("张未来", date(2030, 1, 1))
    snap = snapshot([*family(), baby, future])
    issues = lint_with_clean(snap, "Q24", today=date(2020, 1, 1))
    assert [i.member_id for i in issues] == [baby["id"], future["id"]]
    assert issues[0].severity == ERROR and issues[0].field == "member.birth_date"
    assert issues[0].message == (
        "户621102100201001：张宝 记为2016年的成员（加入日期 2016-06-01），"
        "但出生日期 2017-02-01 在2016年12月31日之后"
    )
    assert issues[1].message.endswith("张未来 出生日期 2030-01-01 晚于今天（2020-01-01）")
    # Born in 2017 and joined at birth: a member of 2017, nothing to say in 2016.
    later = child("张宝", date(2017, 2, 1), joined_date="2017-02-01")
    assert only(lint([snapshot([*family(), later])], YEAR, today=date(2020, 1, 1)), "Q24") == []


def test_q25_birth_date_without_id_number():
    girl = child("李小红", date(2004, 3, 1))  # no ID number
    snap = snapshot([*family()[:2], girl])
    [issue] = lint_with_clean(snap, "Q25")
    assert issue.severity == WARNING and issue.member_id == girl["id"]
    assert issue.field == "member.id_number"
    assert issue.message == "户621102100201001：李小红 有出生日期 2004-03-01，但缺少身份证号"
    # Neither a birth date nor a number is Q01's (no age), not Q25's.
    nobody = member("李四", None, relation="其他")
    assert only(lint([snapshot([*family(), nobody])], YEAR), "Q25") == []


def test_q12_household_without_members_present():
    empty = snapshot([])
    gone = snapshot([member("张三", left_date="2015-03-01", left_reason="死亡")])
    removed = snapshot([], status="清退")
    clean = snapshot()
    issues = lint([clean, empty, gone, removed], YEAR)
    [e] = of(issues, "Q12", empty)
    assert e.severity == ERROR and e.message == "户621102100201001：没有家庭成员"
    [g] = of(issues, "Q12", gone)
    assert g.message == "户621102100201001：2016年12月31日无在户成员（张三 已离开或尚未加入）"
    assert of(issues, "Q12", removed) == [] and of(issues, "Q12", clean) == []
    assert e.field == g.field == "member.relation"


def test_q12_no_head_is_still_one_issue():
    nohead = [member("张三", relation="子"), member("王芳", relation="女", sex="女")]
    [issue] = lint_with_clean(snapshot(nohead), "Q12")
    assert issue.severity == WARNING and issue.message.endswith("成员中有0位户主")


def _entry(status, year, reason=""):
    return {"status": status, "date": f"{year}-11-30", "year": year, "reason": reason}


def test_q26_exit_before_identification():
    snap = snapshot(status="已脱贫", identification_year=2015, exit_year=2014)
    [issue] = lint_with_clean(snap, "Q26")
    assert issue.severity == ERROR and issue.field == "household.exit_year"
    assert issue.message == "户621102100201001：脱贫年度 2014 早于识别年度 2015"
    history = [_entry("未脱贫", 2013, "识别"), _entry("已脱贫", 2013, "达标")]
    logged = {**snapshot(identification_year=2015), "history": history}
    [issue] = only(lint([logged], YEAR), "Q26")
    assert issue.field == "status_history.year"
    assert issue.message.endswith("状态变更记录中2013年已脱贫，早于识别年度 2015")


def test_q27_exit_after_the_planned_year_without_a_reason():
    history = [_entry("未脱贫", 2014, "精准识别"), _entry("已脱贫", 2016)]
    late = {**snapshot(status="已脱贫", exit_year=2016, planned_exit_year=2015), "history": history}
    [issue] = lint_with_clean(late, "Q27")
    assert issue.field == "status_history.reason" and issue.severity == WARNING
    assert issue.message == "户621102100201001：计划2015年脱贫，2016年才脱贫，但脱贫记录未填写原因"
    noted = [
        _entry("未脱贫", 2014, "精准识别"),
        _entry("已脱贫", 2016, "因病延期一年，经公示无异议"),
    ]
    assert only(lint([{**late, "history": noted}], YEAR), "Q27") == []
    # An older file without the history: no reason anywhere.
    bare = snapshot(status="已脱贫", exit_year=2016, planned_exit_year=2015)
    assert "没有说明原因的脱贫记录" in only(lint([bare], YEAR), "Q27")[0].message
    # On time, or still poor at the end of the year: nothing to explain yet.
    on_time = snapshot(status="已脱贫", exit_year=2016, planned_exit_year=2016)
    not_yet = snapshot(status="已脱贫", exit_year=2017, planned_exit_year=2015)
    assert only(lint([on_time, not_yet], YEAR), "Q27") == []


def test_q28_village_facts_more_two_after_trained_than_willing():
    village = {"id": 7, "name": "青岭村", "code": "621102100201"}
    [issue] = lint_village_facts(village, village_facts(two_after_trained=6), YEAR)
    assert issue.code == "Q28" and issue.severity == ERROR
    assert issue.household_id is None and issue.member_id is None
    assert issue.field == "facts.two_after_trained"
    assert (
        issue.message
        == "青岭村（621102100201）：2016年“两后生”已接受技能培训6人，多于有培训意愿的4人"
    )
    assert lint_village_facts(village, village_facts(), YEAR) == []  # 4 of 4
    assert lint_village_facts(village, None, YEAR) == []
    for junk in ("6", None, float("nan"), [], {}):
        assert lint_village_facts(village, {"two_after_trained": junk}, YEAR) == []
    assert lint_village_facts(None, {"two_after_willing": 0, "two_after_trained": 1}, None)


def test_former_members_get_the_id_and_birth_checks_only():
    # The head's father died in 2015: his number is still checked, his labour ability is not.
    father = member(
        "张老",
        date(1930, 1, 1),
        relation="父母",
        id_number="621102300101001",
        labor_ability="普通劳动力",
        left_date="2015-01-01",
        left_reason="死亡",
    )
    snap = snapshot([*family(), father])
    issues = lint([snap], YEAR)
    assert [i.code for i in issues if i.member_id == father["id"]] == ["Q13"]
