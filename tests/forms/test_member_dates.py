"""Members over time in the declarations: the rules between a member's dates, the newborn's
joining date, one head among those who stay, and when a member may leave (成员离开)."""

from datetime import date

from forms.entities import MEMBER
from forms.history import leave_problems
from forms.validation import derive_member, validate_household_members, validate_record

TODAY = date(2018, 5, 1)


def _messages(problems) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in problems]


def test_the_dates_of_a_member_keep_their_order():
    base = {"household_id": "h", "name": "张三", "relation": "子", "birth_date": "1990-03-04"}
    assert validate_record(MEMBER, {**base, "joined_date": "1990-03-04"}) == []
    assert _messages(validate_record(MEMBER, {**base, "joined_date": "1989-12-31"})) == [
        ("joined_date", "加入日期不能早于出生日期")
    ]
    died = {**base, "left_reason": "死亡"}
    assert _messages(validate_record(MEMBER, {**died, "left_date": "1988-01-01"})) == [
        ("left_date", "离开日期不能早于出生日期")
    ]
    joined = {**died, "joined_date": "2015-06-01"}
    assert _messages(validate_record(MEMBER, {**joined, "left_date": "2015-05-31"})) == [
        ("left_date", "离开日期不能早于加入日期")
    ]
    assert validate_record(MEMBER, {**joined, "left_date": "2015-06-01"}) == []


def test_a_newborn_joins_on_the_birth_date_unless_told_otherwise():
    baby = {"name": "小宝", "birth_date": "2017-04-02", "join_reason": "出生"}
    assert derive_member(baby)["joined_date"] == "2017-04-02"
    assert derive_member({**baby, "joined_date": "2017-05-01"})["joined_date"] == "2017-05-01"
    assert "joined_date" not in derive_member({**baby, "join_reason": "迁入"})
    assert "joined_date" not in derive_member({"name": "小宝", "join_reason": "出生"})


def test_a_head_who_left_is_not_counted_among_the_heads():
    old = {"name": "老户主", "relation": "户主", "left_date": "2016-03-01", "left_reason": "死亡"}
    new = {"name": "新户主", "relation": "户主"}
    assert validate_household_members([old, new]) == []
    assert _messages(validate_household_members([old])) == [("relation", "该户没有户主")]
    assert len(validate_household_members([{**old, "left_date": None}, new])) == 1


def test_when_a_member_may_leave():
    son = {"id": "s", "name": "张三", "relation": "子", "birth_date": "1990-03-04"}
    head = {"id": "h", "name": "张父", "relation": "户主"}
    assert leave_problems(son, "2018-05-01", "迁出", [head, son], TODAY) == []
    assert _messages(leave_problems(son, "2018-05-02", "迁出", [], TODAY)) == [
        ("left_date", "离开日期不能晚于今天（2018-05-01）")
    ]
    assert _messages(leave_problems(son, "", None, [], TODAY)) == [
        ("left_date", "请填写离开日期"),
        ("left_reason", "请选择离开原因"),
    ]
    assert [p.field for p in leave_problems(son, "2018-13-01", "出走", [], TODAY)] == [
        "left_date",
        "left_reason",
    ]
    gone = {**son, "left_date": "2017-01-01", "left_reason": "嫁出"}
    assert _messages(leave_problems(gone, "2018-01-01", "迁出", [], TODAY)) == [
        ("left_date", "张三已于2017-01-01离开本户")
    ]
    # the head: alone, or after another member who stays was made head
    assert leave_problems(head, "2018-01-01", "死亡", [head], TODAY) == []
    assert [p.field for p in leave_problems(head, "2018-01-01", "死亡", [head, son], TODAY)] == [
        "relation"
    ]
    new_head = {**son, "relation": "户主"}
    assert leave_problems(head, "2018-01-01", "死亡", [head, new_head], TODAY) == []
    assert [p.field for p in leave_problems(head, "2018-01-01", "死亡", [head, gone], TODAY)] == []
