"""Validation from the declarations: each kind's bad and edge values, records, households, register."""

from datetime import date, datetime

import pytest

from forms import choices as C
from forms.entities import FINANCE, FORMS, HOUSEHOLD, MEASURE, MEMBER, POLICY
from forms.fields import (
    AREA,
    BOOL,
    DATE,
    DIVISION_CODE,
    ENUM,
    ID_NUMBER,
    INT,
    MONEY,
    MULTI,
    NUMBER,
    PERCENT,
    PHONE,
    REF,
    TEXT,
    YEAR,
    Field,
)
from forms.idnumber import make_id_number
from forms.validation import (
    Problem,
    age_on,
    check_value,
    clean_record,
    derive_member,
    find_duplicate_ids,
    parse_value,
    validate_household_members,
    validate_record,
)

F_TEXT = Field("t", "名称", TEXT, max_length=5)
F_INT = Field("i", "人口", INT, min=1, max=30)
F_INT_FREE = Field("i2", "数", INT)
F_INT_MIN = Field("i3", "数", INT, min=0)
F_YEAR = Field("y", "年度", YEAR)
F_MONEY = Field("m", "收入", MONEY, unit="元")
F_AREA = Field("a", "面积", AREA, unit="m²", max=2000)
F_NUMBER = Field("n", "距离", NUMBER, unit="km")
F_SIGNED = Field("g", "增幅", NUMBER, unit="%", min=-100, max=100)
F_PCT = Field("p", "比例", PERCENT)
F_DATE = Field("d", "日期", DATE)
F_BOOL = Field("b", "是否", BOOL)
F_ENUM = Field("e", "厕所", ENUM, choices=C.TOILETS)
F_MULTI = Field("mu", "门路", MULTI, choices=C.INCOME_CHANNELS)
F_ID = Field("id", "身份证号", ID_NUMBER)
F_PHONE = Field("ph", "电话", PHONE)
F_CODE = Field("c", "代码", DIVISION_CODE)
F_REF = Field("r", "户", REF, ref_entity="household")
ALL_KINDS = [
    F_TEXT,
    F_INT,
    F_YEAR,
    F_MONEY,
    F_AREA,
    F_NUMBER,
    F_PCT,
    F_DATE,
    F_BOOL,
    F_ENUM,
    F_MULTI,
    F_ID,
    F_PHONE,
    F_CODE,
    F_REF,
]

HEAD_ID = "11010519491231002X"  # born 1949-12-31, 女


def ok(field, raw):
    assert check_value(field, raw) is None, check_value(field, raw)
    return parse_value(field, raw)


# ---------------------------------------------------------------- blank and required


@pytest.mark.parametrize("field", ALL_KINDS, ids=lambda f: f.kind)
@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_optional_is_fine_and_stays_none(field, raw):
    assert check_value(field, raw) is None
    assert parse_value(field, raw) is None


@pytest.mark.parametrize("field", ALL_KINDS, ids=lambda f: f.kind)
def test_blank_required_is_reported(field):
    required = Field(field.key, field.label, field.kind, required=True, choices=field.choices)
    assert check_value(required, None) == "必填"
    assert check_value(required, " ") == "必填"


def test_false_zero_and_empty_list_are_answers_not_blanks():
    assert parse_value(F_BOOL, False) is False
    assert parse_value(F_MONEY, 0) == 0
    assert parse_value(F_MULTI, []) == []
    assert check_value(Field("b", "是否", BOOL, required=True), False) is None


# ---------------------------------------------------------------- text


def test_text_is_trimmed_and_length_counted_in_characters():
    assert ok(F_TEXT, "  张三丰  ") == "张三丰"
    assert ok(F_TEXT, "一二三四五") == "一二三四五"
    assert check_value(F_TEXT, "一二三四五六") == "不能超过5个字"
    assert ok(F_TEXT, 12) == "12"
    assert ok(F_TEXT, 12.0) == "12"  # a spreadsheet's 户编号


@pytest.mark.parametrize("raw", [True, ["a"], {"a": 1}])
def test_text_refuses_non_text(raw):
    assert check_value(F_TEXT, raw) == "应为文字"


# ---------------------------------------------------------------- int and year


@pytest.mark.parametrize(
    "raw, value", [("1", 1), (" 30 ", 30), (12, 12), (12.0, 12), ("１２", 12), ("12.0", 12)]
)
def test_int_accepts_whole_numbers(raw, value):
    assert ok(F_INT, raw) == value
    assert type(parse_value(F_INT, raw)) is int


@pytest.mark.parametrize("raw", ["abc", "3.5", 3.5, "1/2", True, "nan", "inf", "一"])
def test_int_refuses_non_integers(raw):
    assert check_value(F_INT, raw) == "应为整数"


@pytest.mark.parametrize("raw", [0, 31, -1, "100"])
def test_int_range(raw):
    assert check_value(F_INT, raw) == "应在 1–30 之间"


def test_int_single_bounds_and_no_bounds():
    assert check_value(F_INT_MIN, -1) == "不能小于 0"
    assert check_value(Field("x", "x", INT, max=12), 13) == "不能大于 12"
    assert check_value(F_INT_FREE, -5) is None


@pytest.mark.parametrize("raw", [2000, 2035, "2016"])
def test_year_edges_pass(raw):
    assert ok(F_YEAR, raw) == int(raw)


@pytest.mark.parametrize("raw", [1999, 2036, 16, "0"])
def test_year_out_of_range(raw):
    assert check_value(F_YEAR, raw) == "年度应在2000–2035之间"


@pytest.mark.parametrize("raw", ["2016.5", "二〇一六", "16年"])
def test_year_must_be_an_integer(raw):
    assert check_value(F_YEAR, raw) == "应为整数"


# ---------------------------------------------------------------- money and other numbers


@pytest.mark.parametrize(
    "raw, value",
    [
        ("1,234.50", 1234.5),
        ("1234", 1234),
        (0, 0),
        (2855, 2855),
        (12.3, 12.3),
        ("0.01", 0.01),
        ("１，２３４．５", 1234.5),
        ("¥300元", 300),
        ("12.100", 12.1),
    ],
)
def test_money_accepts_gui_and_spreadsheet_forms(raw, value):
    assert ok(F_MONEY, raw) == value


@pytest.mark.parametrize(
    "raw, message",
    [
        (-1, "金额不能为负数"),
        ("-0.01", "金额不能为负数"),
        ("1.234", "金额最多保留两位小数"),
        (0.001, "金额最多保留两位小数"),
        ("abc", "应为数字（元）"),
        ("", None),
        ("12%", "应为数字（元）"),
        (True, "应为数字（元）"),
        ("nan", "应为数字（元）"),
        ("1.2.3", "应为数字（元）"),
        ("1e999", "应为数字（元）"),
    ],
)
def test_money_bad_values(raw, message):
    assert check_value(F_MONEY, raw) == message


def test_money_unit_in_declaration_does_not_change_the_message():
    poverty_line = POLICY["poverty_line"]  # unit 元/人·年
    assert check_value(poverty_line, "abc") == "应为数字（元）"


@pytest.mark.parametrize(
    "field, raw, message",
    [
        (F_AREA, -0.5, "不能为负数"),
        (F_AREA, 2000.01, "应在 0–2000 之间"),
        (F_AREA, "x", "应为数字（m²）"),
        (F_NUMBER, -1, "不能为负数"),
        (F_NUMBER, "一公里", "应为数字（km）"),
        (F_PCT, -1, "不能为负数"),
        (F_PCT, 100.5, "应在 0–100 之间"),
        (F_PCT, "50%%", "应为数字"),
        (F_SIGNED, -100.1, "应在 -100–100 之间"),
        (F_SIGNED, 101, "应在 -100–100 之间"),
    ],
)
def test_area_number_percent_bad_values(field, raw, message):
    assert check_value(field, raw) == message


@pytest.mark.parametrize(
    "field, raw, value",
    [
        (F_AREA, 0, 0),
        (F_AREA, "2000", 2000),
        (F_AREA, "85.333", 85.333),
        (F_NUMBER, "1,500.5", 1500.5),
        (F_PCT, 0, 0),
        (F_PCT, "100", 100),
        (F_PCT, "35%", 35),
        (F_SIGNED, -100, -100),
        (F_SIGNED, "-3.5", -3.5),
    ],
)
def test_area_number_percent_edges_pass(field, raw, value):
    assert ok(field, raw) == value


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "raw",
    [
        "2016-03-05",
        "2016/3/5",
        "2016-3-5",
        "2016.03.05",
        "2016年3月5日",
        "20160305",
        " 2016/03/05 ",
        date(2016, 3, 5),
        datetime(2016, 3, 5, 14, 30),
        "2016-03-05 00:00:00",
    ],
)
def test_date_spellings(raw):
    assert ok(F_DATE, raw) == date(2016, 3, 5)


@pytest.mark.parametrize(
    "raw, message",
    [
        ("2016-02-30", "日期不存在：2016-02-30"),
        ("2016/2/30", "日期不存在：2016-02-30"),
        ("2015-02-29", "日期不存在：2015-02-29"),
        ("2016-13-01", "日期不存在：2016-13-01"),
        ("2016-00-10", "日期不存在：2016-00-10"),
        ("1899-12-31", "日期年份应在1900–2100之间"),
        ("2101-01-01", "日期年份应在1900–2100之间"),
        (date(1899, 12, 31), "日期年份应在1900–2100之间"),
    ],
)
def test_impossible_or_out_of_range_dates(raw, message):
    assert check_value(F_DATE, raw) == message


@pytest.mark.parametrize("raw", ["abc", "2016", "16-3-5", "3/5/2016", 42430, "2016-03-05x"])
def test_unreadable_dates(raw):
    assert check_value(F_DATE, raw).startswith("日期格式应为 yyyy-mm-dd")


@pytest.mark.parametrize("raw", ["1900-01-01", "2100-12-31", "2016-02-29"])
def test_date_edges_pass(raw):
    assert ok(F_DATE, raw) == date.fromisoformat(raw)


# ---------------------------------------------------------------- bool, enum, multi


@pytest.mark.parametrize(
    "raw, value",
    [
        (True, True),
        (False, False),
        ("是", True),
        ("否", False),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        ("TRUE", True),
        ("no", False),
        (1.0, True),
    ],
)
def test_bool_spellings(raw, value):
    assert ok(F_BOOL, raw) is value


@pytest.mark.parametrize("raw", ["对", "2", 2, "maybe", ["是"]])
def test_bool_refuses_other_values(raw):
    assert check_value(F_BOOL, raw) == "应为“是”或“否”"


def test_enum_accepts_choices_and_names_the_bad_one():
    assert ok(F_ENUM, " 卫生厕所 ") == "卫生厕所"
    assert check_value(F_ENUM, "旱厕") == "“旱厕”不是有效的选项，可选：无、简易卫生厕所、卫生厕所"


def test_multi_parses_lists_and_separated_text_and_drops_duplicates():
    assert ok(F_MULTI, ["务工", "种植", "务工"]) == ["务工", "种植"]
    assert ok(F_MULTI, "务工、养殖，电商") == ["务工", "养殖", "电商"]
    assert ok(F_MULTI, "务工; 种植 ") == ["务工", "种植"]
    assert ok(F_MULTI, "无") == []  # "none" in a spreadsheet is an answer, not a blank


def test_multi_names_every_invalid_element():
    message = check_value(F_MULTI, ["务工", "打鱼", "挖矿"])
    assert message.startswith("“打鱼”、“挖矿”不是有效的选项，可选：务工、种植")
    assert "“务工”" not in message


def test_multi_refuses_non_lists():
    assert check_value(F_MULTI, 5) == "应为选项列表"


# ---------------------------------------------------------------- id number, phone, code, ref


def test_id_number_is_normalised_and_checked():
    assert ok(F_ID, " 11010519491231002x ") == HEAD_ID
    assert ok(F_ID, 440524188001010014) == "440524188001010014"
    assert check_value(F_ID, "11010519491231002Y") == "身份证号只能由数字和末位X组成"
    assert check_value(F_ID, "110105194912310021") == "校验位错误"
    assert check_value(F_ID, "1101051949") == "身份证号应为18位，现为10位"


@pytest.mark.parametrize("raw", [1.1010519491231002e17, "1.10105E+17", "4.40524188001010E+17"])
def test_id_number_damaged_by_a_spreadsheet_is_named(raw):
    assert "后几位已丢失" in check_value(F_ID, raw)


@pytest.mark.parametrize(
    "raw, value",
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+8619912345678", "19912345678"),
        (13812345678, "13812345678"),
        ("0932-8212345", "0932-8212345"),
        ("010-12345678", "010-12345678"),
        ("09328212345", "09328212345"),
        ("(0932)8212345", "09328212345"),
        ("0932-82123456", "0932-82123456"),
    ],
)
def test_phone_accepts_mobiles_and_landlines(raw, value):
    assert ok(F_PHONE, raw) == value


@pytest.mark.parametrize(
    "raw",
    [
        "12812345678",
        "1381234567",
        "138123456789",
        "8212345",
        "0932-821234",
        "932-8212345",
        "0932-821234567",
        "01-12345678",
        "abc",
        "1381234567x",
    ],
)
def test_phone_bad_values(raw):
    assert check_value(F_PHONE, raw) == "电话号码应为11位手机号或带区号的固定电话"


@pytest.mark.parametrize(
    "raw",
    [
        "621102100201",
        621102100201,
        621102100201.0,
        "441900003001",
        "469001100001",
        " 620201100001 ",
    ],
)
def test_division_code_passes(raw):
    assert len(ok(F_CODE, raw)) == 12


@pytest.mark.parametrize(
    "raw, message",
    [
        ("62110210020", "行政区划代码应为12位数字，现为11位"),
        ("6211021002011", "行政区划代码应为12位数字，现为13位"),
        ("62110210020A", "行政区划代码应为12位数字"),
        ("001102100201", "行政区划代码前2位不是有效的省级代码"),
        ("991102100201", "行政区划代码前2位不是有效的省级代码"),
    ],
)
def test_division_code_bad_values(raw, message):
    assert check_value(F_CODE, raw) == message


def test_ref_is_a_non_empty_string():
    assert ok(F_REF, " h-001 ") == "h-001"
    assert check_value(F_REF, "") is None
    assert check_value(Field("r", "户", REF, required=True), "") == "必填"
    assert check_value(F_REF, True) == "应为文字"


# ---------------------------------------------------------------- records


def member(**kw):
    return {"household_id": "h1", "name": "张三", "relation": "户主", **kw}


def test_problem_prints_label_and_message():
    assert str(Problem("name", "姓名", "必填")) == "姓名：必填"


def test_validate_record_returns_every_problem_at_once():
    problems = validate_record(
        HOUSEHOLD,
        {
            "household_no": "",
            "status": "脱贫",
            "housing_area_m2": -1,
            "toilet": "旱厕",
            "phone": "123",
            "colour": "红",
        },
    )
    fields = {p.field for p in problems}
    assert fields == {
        "colour",
        "village_id",
        "household_no",
        "status",
        "housing_area_m2",
        "toilet",
        "phone",
    }
    assert Problem("colour", "colour", "未知字段") in problems
    assert Problem("household_no", "户编号", "必填") in problems


def test_valid_records_of_every_form_pass():
    records = {
        "village": {
            "code": "621102100201",
            "name": "某村",
            "township": "某镇",
            "county": "安定区",
            "is_poor_village": "是",
            "planned_exit_year": 2018,
        },
        "member": member(id_number=HEAD_ID, sex="女", birth_date="1949-12-31"),
        "finance": {
            "household_id": "h1",
            "year": 2016,
            "wage_income": "12,000",
            "operating_income": 1000,
            "operating_cost": 5000,
        },
        "measure": {
            "village_id": "v1",
            "household_id": "h1",
            "level": "户",
            "category": "危房改造",
            "description": "改造危房",
            "status": "已完成",
            "done_date": "2016/9/1",
            "criterion_no": 2,
            "money": "20000",
        },
    }
    for entity, record in records.items():
        assert validate_record(FORMS[entity], record) == [], entity


def test_clean_record_returns_typed_values_of_the_good_fields():
    values, problems = clean_record(
        FINANCE,
        {"household_id": "h1", "year": "2016", "wage_income": "1,234.50", "property_income": "x"},
    )
    assert values == {"household_id": "h1", "year": 2016, "wage_income": 1234.5}
    assert [p.field for p in problems] == ["property_income"]


def test_member_birth_date_and_sex_must_agree_with_the_id_number():
    problems = validate_record(MEMBER, member(id_number=HEAD_ID, sex="男", birth_date="1949/12/30"))
    assert Problem("birth_date", "出生日期", "与身份证号不一致") in problems
    assert Problem("sex", "性别", "与身份证号不一致") in problems
    assert len(problems) == 2


def test_member_without_id_number_or_with_a_bad_one_is_not_cross_checked():
    assert validate_record(MEMBER, member(sex="男", birth_date="1949-12-30")) == []
    problems = validate_record(MEMBER, member(id_number="110105194912310021", sex="男"))
    assert [p.message for p in problems] == ["校验位错误"]


def test_member_born_before_1900_is_flagged_on_the_birth_date():
    idn = make_id_number("620102", date(1899, 12, 31), 11)
    problems = validate_record(MEMBER, derive_member(member(id_number=idn)))
    assert [(p.field, p.message) for p in problems] == [("birth_date", "日期年份应在1900–2100之间")]


@pytest.mark.parametrize(
    "ident, planned, exited, bad",
    [
        (2016, 2017, 2015, ["exit_year"]),
        (2016, 2015, None, ["planned_exit_year"]),
        (2016, 2016, 2016, []),
        (None, 2015, 2014, []),
        (2016, None, 2018, []),
    ],
)
def test_household_years_follow_identification(ident, planned, exited, bad):
    record = {
        "village_id": "v1",
        "household_no": "3",
        "status": "已脱贫",
        "identification_year": ident,
        "planned_exit_year": planned,
        "exit_year": exited,
    }
    assert [p.field for p in validate_record(HOUSEHOLD, record)] == bad


def test_finance_loss_is_allowed():
    assert (
        validate_record(
            FINANCE,
            {"household_id": "h1", "year": 2016, "operating_income": 100, "operating_cost": 5000},
        )
        == []
    )


def _measure(**kw):
    return {
        "village_id": "v1",
        "household_id": "h1",
        "level": "户",
        "category": "产业发展",
        "description": "养羊",
        "status": "计划",
        **kw,
    }


@pytest.mark.parametrize(
    "kw, bad",
    [
        ({"status": "已完成"}, ["done_date"]),
        ({"status": "已完成", "done_date": "2016-10-01"}, []),
        ({"status": "已取消"}, []),
        ({"household_id": None}, ["household_id"]),
        ({"level": "村", "household_id": None, "criterion_no": 17}, []),
        ({"criterion_no": 13}, ["criterion_no"]),
        ({"criterion_no": 12}, []),
    ],
)
def test_measure_rules(kw, bad):
    assert [p.field for p in validate_record(MEASURE, _measure(**kw))] == bad


def test_derive_member_fills_only_what_is_missing():
    derived = derive_member(member(id_number="11010519491231002x", sex=""))
    assert derived["birth_date"] == date(1949, 12, 31)
    assert derived["sex"] == "女"
    kept = derive_member(member(id_number=HEAD_ID, sex="男", birth_date="1950-01-01"))
    assert (
        kept["sex"] == "男" and kept["birth_date"] == "1950-01-01"
    )  # disagreement is reported, not hidden
    assert "birth_date" not in derive_member(member(id_number="110105194912310021"))
    original = member(id_number=HEAD_ID)
    derive_member(original)
    assert "sex" not in original  # returns a copy


# ---------------------------------------------------------------- household and register


def test_household_needs_exactly_one_head():
    assert (
        validate_household_members(
            [{"name": "张三", "relation": "户主"}, {"name": "王五", "relation": "配偶"}]
        )
        == []
    )
    assert [
        p.message for p in validate_household_members([{"name": "王五", "relation": "配偶"}])
    ] == ["该户没有户主"]
    assert [p.message for p in validate_household_members([])] == ["该户没有户主"]
    two = [{"name": "张三", "relation": "户主"}, {"name": "李四", "relation": " 户主 "}]
    assert [str(p) for p in validate_household_members(two)] == [
        "与户主关系：该户有2名户主：张三、李四"
    ]


def test_household_id_number_twice():
    members = [
        {"name": "张三", "relation": "户主", "id_number": HEAD_ID},
        {"name": "李四", "relation": "子", "id_number": HEAD_ID.lower()},
        {"name": "王五", "relation": "女", "id_number": ""},
        {"name": "赵六", "relation": "女"},
    ]
    problems = validate_household_members(members)
    assert len(problems) == 1
    assert problems[0].field == "id_number"
    assert "张三、李四" in problems[0].message and HEAD_ID in problems[0].message


def test_register_duplicates_name_every_place():
    rows = [
        (HEAD_ID, "一社 3号户 张三"),
        ("440524188001010014", "一社 4号户 王五"),
        (HEAD_ID.lower() + " ", "二社 8号户 李四"),
        ("", "一社 5号户 无号"),
        (None, "一社 6号户 无号"),
    ]
    assert find_duplicate_ids(rows) == [f"身份证号 {HEAD_ID}重复：一社 3号户 张三；二社 8号户 李四"]
    assert find_duplicate_ids([]) == []
    assert find_duplicate_ids(iter([(HEAD_ID, "a"), (HEAD_ID, "b"), (HEAD_ID, "c")])) == [
        f"身份证号 {HEAD_ID}重复：a；b；c"
    ]


# ---------------------------------------------------------------- age


@pytest.mark.parametrize(
    "birth, on, age",
    [
        (date(2010, 8, 31), date(2016, 8, 31), 6),
        (date(2010, 9, 1), date(2016, 8, 31), 5),
        (date(2000, 2, 29), date(2016, 2, 28), 15),
        (date(2000, 2, 29), date(2016, 2, 29), 16),
        (date(2000, 2, 29), date(2015, 2, 28), 14),
        (date(2000, 2, 29), date(2015, 3, 1), 15),
        ("1949-12-31", "2016-08-31", 66),
        (datetime(2000, 1, 1, 23), date(2000, 1, 1), 0),
        (date(2017, 1, 1), date(2016, 8, 31), -1),
    ],
)
def test_age_in_full_years(birth, on, age):
    assert age_on(birth, on) == age


def test_name_initials_read_surnames_as_surnames():
    from forms.search import name_initials

    assert name_initials("李小红") == "lxh"
    assert name_initials("曾国藩") == "zgf" and name_initials("令狐冲") == "lhc"
    assert name_initials("  ") is None and name_initials(None) is None
