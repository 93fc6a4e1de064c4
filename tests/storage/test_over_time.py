"""The register over time: the four wrong verdicts of the review, reproduced on a real register
file and shown fixed, and a closed year whose verdicts stay put until a logged reopen."""

import pytest

from forms.criteria.household import evaluate_household
from forms.criteria.village import evaluate_village
from storage import activity as A
from storage import closing
from storage import operations as ops
from storage import register as R
from storage.snapshots import household_snapshot, village_snapshot
from tests.dumps import dump

HEAD = {"name": "王建国", "relation": "户主", "id_number": "11010519491231002X", "ncms": True}
WIFE = {"name": "李秀英", "relation": "配偶", "birth_date": "1952-07-08", "ncms": True}


def _status(store, hid, year, no):
    ev = evaluate_household(household_snapshot(store, hid, year))
    return next(c for c in ev.criteria if c.no == no)


def _household(store, village, no="0001", members=(HEAD, WIFE), **values):
    R.seed_default_policy(store)
    return R.add_household(
        store,
        {
            "village_id": village,
            "household_no": no,
            "status": "未脱贫",
            "identification_year": 2014,
            "housing_safe": True,
            "housing_area_m2": 70,
            **values,
        },
        list(members),
    )


# -- 1. a child born in March 2017 is not a member of 2016 -----------------------------------
def test_a_child_born_in_2017_does_not_lower_2016s_figures(fresh_db, village):
    baby = {
        "name": "王小宝",
        "relation": "孙子女",
        "birth_date": "2017-03-10",
        "joined_date": "2017-03-10",
        "join_reason": "出生",
        "ncms": False,
    }
    hid = _household(fresh_db, village, members=(HEAD, WIFE, baby))
    for year in (2016, 2017):
        R.set_finance(
            fresh_db,
            hid,
            year,
            {
                "wage_income": 8000,
                "operating_income": 0,
                "operating_cost": 0,
                "property_income": 0,
                "transfer_income": 0,
                "consumption_expenditure": 7000,
            },
        )
    # 2016: two people — 4000 元 each above the 3000 元 line, 35 m² each, both in 新农合
    assert [_status(fresh_db, hid, 2016, n).status for n in (1, 2, 7, 12)] == ["met"] * 4
    assert _status(fresh_db, hid, 2016, 2).figures["members"] == 2
    # 2017: the child counts (3 people), so the same money and house fall short
    assert [_status(fresh_db, hid, 2017, n).status for n in (1, 2, 7, 12)] == ["unmet"] * 4
    # a member who leaves is never deleted: she is a former member from the day she left
    wife = next(m for m in R.members_of(fresh_db, hid) if m["name"] == "李秀英")
    ops.edit_record(
        fresh_db, "member", wife["id"], {"left_date": "2016-12-31", "left_reason": "死亡"}
    )
    assert wife["id"] in {m["id"] for m in R.members_of(fresh_db, hid)}
    assert _status(fresh_db, hid, 2016, 2).figures["members"] == 1
    assert _status(fresh_db, hid, 2015, 2).figures["members"] == 2


def _village_with_people(store, village, year):
    R.set_village_facts(store, village, year, {"rural_population": 100})
    return village_snapshot(store, store.get("villages", village), year)


def _incidence(store, village, year):
    ev = evaluate_village(_village_with_people(store, village, year))
    return next(c for c in ev.criteria if c.no == 2)


# -- 2. out in 2015, back in 2017: not poor in 2016 --------------------------------------------
def test_a_household_that_exited_in_2015_and_returned_in_2017_is_not_poor_in_2016(
    fresh_db, village
):
    hid = _household(fresh_db, village)
    A.set_household_status(fresh_db, hid, "未脱贫", "2014-05-01", "精准识别", year=2014)
    A.set_household_status(fresh_db, hid, "已脱贫", "2015-11-30", "达标", year=2015)
    A.set_household_status(fresh_db, hid, "返贫", "2017-04-20", "因病返贫", year=2017)
    assert fresh_db.get("households", hid)["status"] == "返贫"
    poor = {y: _incidence(fresh_db, village, y).figures["poor_people"] for y in (2014, 2016, 2017)}
    assert poor == {2014: 2, 2016: 0, 2017: 2}


# -- 3. 已脱贫 without an exit year: the incidence is unknown, not met -----------------------------
def test_an_exit_without_its_year_makes_the_incidence_unknown_naming_the_household(
    fresh_db, village
):
    _household(fresh_db, village, no="0007", status="已脱贫")  # an older file: no exit year
    result = _incidence(fresh_db, village, 2016)
    assert result.status == "unknown"
    assert any("0007" in r and "脱贫年度" in r for r in result.reasons), result.reasons


# -- 4. a closed year keeps its verdicts; a logged reopen lets them follow the register ----------
def test_a_closed_years_verdicts_stay_put_and_follow_the_edit_after_a_logged_reopen(
    fresh_db, village
):
    hid = _household(fresh_db, village, housing_safe=False)
    assert _status(fresh_db, hid, 2015, 2).status == "unmet"
    counts, changes = ops.close_year(fresh_db, 2015)
    assert counts == {"villages": 1, "households": 1} and changes.closed_years
    # a 2017 correction of the house: 2017 follows it, 2015 stays as it was decided
    ops.edit_record(fresh_db, "household", hid, {"housing_safe": True})
    assert _status(fresh_db, hid, 2017, 2).status == "met"
    closed = evaluate_household(household_snapshot(fresh_db, hid, 2015))
    assert closed.criteria[1].status == "unmet" and "2015年度已于" in closed.closed
    assert (
        "按封存数据" in closed.closed
        and evaluate_household(household_snapshot(fresh_db, hid, 2017)).closed == ""
    )
    # a reopen without a reason is refused and changes nothing
    before = dump(fresh_db)
    with pytest.raises(closing.StorageError, match="必须填写原因"):
        ops.reopen_year(fresh_db, 2015, "  ")
    assert dump(fresh_db) == before
    # after a logged reopen the year follows the register again
    n, _ = ops.reopen_year(fresh_db, 2015, "县审核发现住房鉴定有误")
    assert n == 1 and _status(fresh_db, hid, 2015, 2).status == "met"
    [row] = closing.closed_years(fresh_db)
    assert (row["closed"], row["reopen_reason"]) == (False, "县审核发现住房鉴定有误")
    assert any(c["field"] == "reopen_reason" for c in fresh_db.changes("year_closures", row["id"]))
    # closing again freezes the data as it is now
    ops.close_year(fresh_db, 2015)
    ops.edit_record(fresh_db, "household", hid, {"housing_safe": False})
    assert _status(fresh_db, hid, 2015, 2).status == "met"


def test_writes_into_a_closed_year_are_refused_in_chinese_and_change_nothing(fresh_db, village):
    hid = _household(fresh_db, village)
    fid = R.set_finance(fresh_db, hid, 2015, {"wage_income": 1000})
    ops.close_year(fresh_db, 2015)
    before = dump(fresh_db)
    attempts = [
        lambda: ops.edit_finance(fresh_db, hid, 2015, {"wage_income": 9000}),
        lambda: ops.edit_record(fresh_db, "finance", fid, {"wage_income": 9000}),
        lambda: ops.set_village_facts(fresh_db, village, 2015, {"rural_population": 5}),
        lambda: ops.set_policy(fresh_db, 2015, {"poverty_line": 9999}),
        lambda: ops.change_status(fresh_db, hid, "已脱贫", "2015-12-01", "补录", year=2015),
    ]
    for attempt in attempts:
        with pytest.raises(closing.ClosedYearError, match="2015年度已封存.*重新开启"):
            attempt()
        assert dump(fresh_db) == before
    # the open year takes the same writes
    ops.edit_finance(fresh_db, hid, 2016, {"wage_income": 9000})
    ops.set_village_facts(fresh_db, village, 2016, {"rural_population": 5})


def test_frozen_records_read_back_exactly_and_the_dictionary_never_changes():
    import hashlib

    from storage.frozen_words import ZDICT_V1

    # a record closed with dictionary 1 is readable only with it, byte for byte
    assert hashlib.sha256(ZDICT_V1).hexdigest() == (
        "7ef4ad9caa45a65e522497d6d069b636fb4d38af54b4db99bc4425802e5bc719"
    )
    value = {"household": {"toilet": "无", "income_channels": ["务工"]}, "n": [1, 2.5, None]}
    text = closing.encode(value)
    assert text.startswith("z1:") and text.isascii() and closing.decode(text) == value
    assert closing.decode('{"a": 1}') == {"a": 1}  # plain JSON reads as it is
