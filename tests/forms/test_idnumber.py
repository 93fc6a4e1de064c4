"""Resident ID numbers: the published examples, every kind of damage, masking and building."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.idnumber import (
    CHECK_CHARS,
    birth_date_from_id,
    check_digit,
    check_id_number,
    make_id_number,
    mask_id_number,
    normalize_id_number,
    sex_from_id,
)

PUBLISHED = ["11010519491231002X", "440524188001010014"]  # GB 11643-1999 examples
DIVISION = "身份证号前6位不是有效的行政区划代码"


def with_check(first17: str) -> str:
    """A number whose check digit is right, so only the part under test can fail."""
    return first17 + check_digit(first17)


@pytest.mark.parametrize(
    "s",
    PUBLISHED
    + ["11010519491231002x", " 110105 19491231 002X ", "１１０１０５１９４９１２３１００２Ｘ"],
)
def test_published_examples_and_their_spellings_are_valid(s):
    assert check_id_number(s) is None


def test_normalize_strips_spaces_and_uppercases_x():
    assert normalize_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert normalize_id_number("110105 1949\u300012310 02x") == "11010519491231002X"
    assert normalize_id_number(None) == ""


def test_check_digit_of_published_examples():
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"


@pytest.mark.parametrize("bad", ["", "1101051949123100", "1101051949123100２A", "123"])
def test_check_digit_needs_17_digits(bad):
    with pytest.raises(ValueError):
        check_digit(bad)


@pytest.mark.parametrize(
    "valid, wrong", [(v, w) for v in PUBLISHED for w in CHECK_CHARS if w != v[-1]]
)
def test_every_wrong_check_digit_is_refused_with_the_exact_message(valid, wrong):
    assert check_id_number(valid[:17] + wrong) == "校验位错误"


def test_swapped_digits_are_caught_by_the_check_digit():
    assert check_id_number("11010591491231002X") is not None  # 1949 → 9149 also a bad date
    assert check_id_number("11010519491231020X") == "校验位错误"


@pytest.mark.parametrize(
    "s, n",
    [
        ("", 0),
        ("11010519491231002", 17),
        ("11010519491231002X0", 19),
        ("110105491231002", 15),
        ("4405241880010100140000", 22),
    ],
)
def test_wrong_length_names_the_length(s, n):
    assert check_id_number(s) == f"身份证号应为18位，现为{n}位"


@pytest.mark.parametrize(
    "s",
    [
        "11010519491231002A",
        "1101051949123100X2",
        "11010519491231O02X",
        "X10105194912310021",
        "11010519491231-02X",
    ],
)
def test_letters_other_than_final_x_are_refused(s):
    assert check_id_number(s) == "身份证号只能由数字和末位X组成"


@pytest.mark.parametrize(
    "prefix",
    [
        "000000",
        "990105",
        "100105",
        "160105",
        "240105",
        "720105",
        "830105",
        "910105",
        "110000",
        "620000",
    ],
)
def test_bad_province_or_empty_county_part_is_refused(prefix):
    assert check_id_number(with_check(prefix + "19800101123")) == DIVISION


@pytest.mark.parametrize(
    "prefix",
    [
        "441900",
        "442000",
        "469001",
        "469024",
        "620201",
        "620102",
        "621102",
        "710101",
        "810101",
        "820101",
        "540102",
    ],
)
def test_real_division_codes_that_stdnum_rejects_pass(prefix):
    assert check_id_number(with_check(prefix + "19800101123")) is None


@pytest.mark.parametrize(
    "ymd", ["19490230", "19990229", "19991301", "19990001", "19990100", "19990431", "19000229"]
)
def test_impossible_birth_date_is_named(ymd):
    assert (
        check_id_number(with_check("110105" + ymd + "002")) == f"身份证号中的出生日期 {ymd} 不存在"
    )


def test_leap_day_in_a_leap_year_passes():
    assert check_id_number(with_check("11010520000229002")) is None


def test_birth_before_1800_is_refused_but_the_standards_1880_example_passes():
    assert (
        check_id_number(with_check("11010517991231002"))
        == "身份证号中的出生日期 17991231 早于1800年"
    )
    assert check_id_number("440524188001010014") is None
    # 1899 is well-formed; the member's birth-date field (1900–2100) refuses it instead.
    assert check_id_number(with_check("11010518991231002")) is None


def test_future_birth_date_is_refused():
    tomorrow = date.today() + timedelta(days=1)
    assert check_id_number(make_id_number("110105", tomorrow, 2)) == (
        f"身份证号中的出生日期 {tomorrow:%Y%m%d} 晚于今天"
    )
    assert check_id_number(make_id_number("110105", date.today(), 2)) is None


def test_today_can_be_fixed_for_reproducible_checks():
    n = make_id_number("620102", date(2016, 3, 5), 7)
    assert check_id_number(n, today=date(2016, 3, 4)) == "身份证号中的出生日期 20160305 晚于今天"
    assert check_id_number(n, today=date(2016, 3, 5)) is None


def test_checks_run_in_the_documented_order():
    assert check_id_number("00010519491231002A").startswith(
        "身份证号只能"
    )  # letters before province
    assert check_id_number(with_check("00010519490230002")) == DIVISION  # province before date
    assert "不存在" in check_id_number("11010519490230002Y"[:17] + "0")  # date before check digit


def test_birth_date_and_sex_from_the_published_examples():
    assert birth_date_from_id("11010519491231002X") == date(1949, 12, 31)
    assert sex_from_id("11010519491231002X") == "女"  # 17th digit 2
    assert birth_date_from_id("440524188001010014") == date(1880, 1, 1)
    assert sex_from_id("440524188001010014") == "男"  # 17th digit 1
    assert birth_date_from_id("11010519491231002x ") == date(1949, 12, 31)


@pytest.mark.parametrize("bad", ["11010519491231002Y", "110105194912310021", "", None, "abc"])
def test_birth_date_and_sex_refuse_invalid_numbers(bad):
    with pytest.raises(ValueError):
        birth_date_from_id(bad)
    with pytest.raises(ValueError):
        sex_from_id(bad)


def test_mask_keeps_first_six_and_last_four():
    assert mask_id_number("62010219800101123X") == "620102********123X"
    assert mask_id_number("11010519491231002x") == "110105********002X"


@pytest.mark.parametrize(
    "s, masked",
    [
        ("", ""),
        (None, ""),
        ("12345678", "********"),
        ("1234567890", "12********"),
        ("110105491231002", "110105********2"),
        ("11010519491231002X99", "110105**********2X99"),
    ],
)
def test_mask_of_malformed_values_hides_at_least_eight(s, masked):
    assert mask_id_number(s) == masked


@given(st.text(alphabet="0123456789Xx ", max_size=30))
def test_mask_never_leaks_more_than_ten_characters(s):
    masked = mask_id_number(s)
    shown = [c for c in masked if c != "*"]
    assert len(shown) <= 10
    assert masked.count("*") >= min(8, len(masked))
    if len(normalize_id_number(s)) == 18:
        assert masked[6:14] == "********"


@given(
    division=st.sampled_from(["441900", "442000", "469001", "620201", "110105", "820101"]),
    birth=st.dates(date(1900, 1, 1), date.today()),
    seq=st.integers(0, 999),
    sex=st.sampled_from([None, "男", "女"]),
)
def test_made_numbers_are_valid_and_read_back(division, birth, seq, sex):
    n = make_id_number(division, birth, seq, sex=sex)
    assert check_id_number(n) is None
    assert n[:6] == division
    assert birth_date_from_id(n) == birth
    if sex:
        assert sex_from_id(n) == sex
    else:
        assert n[14:17] == f"{seq:03d}"


def test_make_adjusts_sequence_parity_at_the_ends():
    assert make_id_number("620102", date(1980, 1, 1), 999, sex="女")[14:17] == "998"
    assert make_id_number("620102", date(1980, 1, 1), 0, sex="男")[14:17] == "001"
    assert make_id_number("620102", date(1980, 1, 1), 5, sex="男")[14:17] == "005"


@pytest.mark.parametrize(
    "division, seq, sex",
    [
        ("62010", 1, None),
        ("6201021", 1, None),
        ("62010A", 1, None),
        ("620102", -1, None),
        ("620102", 1000, None),
        ("620102", 1, "M"),
    ],
)
def test_make_refuses_bad_parts(division, seq, sex):
    with pytest.raises(ValueError):
        make_id_number(division, date(1980, 1, 1), seq, sex=sex)
