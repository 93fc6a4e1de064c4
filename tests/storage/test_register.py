"""Named operations: validation on the way in, the change log, tombstones, status history."""

import pytest

from storage import activity as A
from storage import register as R
from storage.db import StorageError
from tests.conftest import HEAD


def _household(store, village, **extra):
    return R.add_household(
        store,
        {"village_id": village, "household_no": "0001", "status": "未脱贫", **extra},
        [HEAD, {"name": "李小红", "relation": "女", "birth_date": "2005-03-02"}],
    )


def test_every_record_gets_uuid_times_stamp_and_device(fresh_db, village):
    record = fresh_db.get("villages", village)
    assert len(record["id"]) == 36 and record["created_at"] == record["updated_at"]
    assert record["device_id"] == fresh_db.device_id and record["hlc"].endswith(fresh_db.device_id)
    assert record["deleted"] == 0


def test_update_logs_old_and_new_with_operator_and_stamp(fresh_db, village):
    hid = _household(fresh_db, village, housing_area_m2=60)
    fresh_db.operator = "李干部"
    diff = R.update_record(
        fresh_db, "household", hid, {"housing_area_m2": "75.5", "toilet": "卫生厕所"}
    )
    assert diff == {"housing_area_m2": (60.0, 75.5), "toilet": (None, "卫生厕所")}
    log = [c for c in fresh_db.changes("households", hid) if c["op"] == "update"]
    assert {(c["field"], c["old"], c["new"], c["operator"]) for c in log} == {
        ("housing_area_m2", 60.0, 75.5, "李干部"),
        ("toilet", None, "卫生厕所", "李干部"),
    }
    assert log[0]["hlc"] == log[1]["hlc"] == fresh_db.get("households", hid)["hlc"]


def test_unchanged_value_writes_nothing(fresh_db, village):
    hid = _household(fresh_db, village, housing_area_m2=60)
    before = len(fresh_db.changes())
    assert R.update_record(fresh_db, "household", hid, {"housing_area_m2": "60"}) == {}
    assert len(fresh_db.changes()) == before


def test_invalid_values_are_refused_with_every_problem_and_nothing_written(fresh_db, village):
    hid = _household(fresh_db, village)
    before = len(fresh_db.changes())
    with pytest.raises(R.ValidationError) as err:
        R.update_record(
            fresh_db,
            "household",
            hid,
            {"housing_area_m2": "很大", "toilet": "马桶", "phone": "12345"},
        )
    assert {p.field for p in err.value.problems} == {"housing_area_m2", "toilet", "phone"}
    assert "厕所" in str(err.value)
    assert len(fresh_db.changes()) == before
    assert fresh_db.get("households", hid)["toilet"] is None


def test_required_field_cannot_be_cleared(fresh_db, village):
    hid = _household(fresh_db, village)
    with pytest.raises(R.ValidationError, match="必填"):
        R.update_record(fresh_db, "household", hid, {"household_no": ""})


def test_member_id_number_fills_birth_date_and_sex(fresh_db, village):
    hid = _household(fresh_db, village)
    head = R.head_of(R.members_of(fresh_db, hid))
    assert head["birth_date"] == "1949-12-31" and head["sex"] == "女"


def test_delete_is_a_tombstone_and_can_be_restored(fresh_db, village):
    hid = _household(fresh_db, village)
    child = [m for m in R.members_of(fresh_db, hid) if m["relation"] == "女"][0]
    R.delete_member(fresh_db, child["id"])
    assert [m["name"] for m in R.members_of(fresh_db, hid)] == ["王建国"]
    tomb = fresh_db.get("members", child["id"], include_deleted=True)
    assert tomb["deleted"] == 1 and tomb["name"] == "李小红"
    assert fresh_db.changes("members", child["id"])[-1]["op"] == "delete"
    assert fresh_db.restore("members", child["id"])
    assert len(R.members_of(fresh_db, hid)) == 2


def test_head_cannot_be_deleted_while_others_remain(fresh_db, village):
    hid = _household(fresh_db, village)
    head = R.head_of(R.members_of(fresh_db, hid))
    with pytest.raises(StorageError, match="不能删除户主 王建国"):
        R.delete_member(fresh_db, head["id"])
    assert len(R.members_of(fresh_db, hid)) == 2


def test_village_code_must_be_unique_and_valid(fresh_db, village):
    with pytest.raises(R.ValidationError, match="已存在"):
        R.add_village(
            fresh_db,
            {"code": "621102100201", "name": "另村", "township": "凤翔镇", "county": "安定区"},
        )
    with pytest.raises(R.ValidationError) as err:
        R.add_village(
            fresh_db, {"code": "6211", "name": "", "township": "凤翔镇", "county": "安定区"}
        )
    assert {p.field for p in err.value.problems} == {"code", "name"}


def test_finance_is_one_record_per_year(fresh_db, village):
    hid = _household(fresh_db, village)
    first = R.set_finance(fresh_db, hid, 2016, {"wage_income": "3,000.50"})
    second = R.set_finance(fresh_db, hid, 2016, {"transfer_income": 1200})
    assert first == second
    f = R.finances_of(fresh_db, hid)[0]
    assert (f["wage_income"], f["transfer_income"]) == (3000.5, 1200)
    with pytest.raises(R.ValidationError, match="金额不能为负数"):
        R.set_finance(fresh_db, hid, 2016, {"wage_income": -1})


def test_status_changes_are_kept_with_date_and_reason(fresh_db, village):
    hid = _household(fresh_db, village, planned_exit_year=2016)
    # 计划脱贫 is a label now: an old word read as the state 未脱贫 (migration 7)
    A.set_household_status(fresh_db, hid, "计划脱贫", "2016-03-01", "列入年度减贫计划")
    A.set_household_status(
        fresh_db, hid, "已脱贫", "2016-11-30", "经公示无异议", confirmed_unmet=True
    )
    household = fresh_db.get("households", hid)
    assert household["status"] == "已脱贫" and household["exit_year"] == 2016
    history = A.status_history(fresh_db, hid)
    assert [(h["status"], h["date"]) for h in history] == [
        ("未脱贫", "2016-03-01"),
        ("已脱贫", "2016-11-30"),
    ]
    assert history[1]["confirmed_unmet"] is True
    assert [
        h["status"] for h in A.status_changes_between(fresh_db, village, "2016-06-01", "2016-12-31")
    ] == ["已脱贫"]
    with pytest.raises(R.ValidationError, match="清退必须填写原因"):
        A.set_household_status(fresh_db, hid, "清退", "2017-01-05", " ")


def test_visit_keeps_before_and_after(fresh_db, village):
    hid = _household(fresh_db, village)
    change = {
        "entity": "household",
        "record_id": hid,
        "field": "toilet",
        "label": "厕所",
        "old": "无",
        "new": "卫生厕所",
    }
    vid = A.record_visit(fresh_db, hid, {"date": "2016-05-04", "purpose": "核实厕所改造"}, [change])
    A.add_visit_changes(
        fresh_db, vid, [{**change, "field": "water_safe", "old": None, "new": True}]
    )
    visit = A.visits_of(fresh_db, hid)[0]
    assert [c["field"] for c in visit["changes"]] == ["toilet", "water_safe"]
    with pytest.raises(R.ValidationError, match="日期不存在"):
        A.record_visit(fresh_db, hid, {"date": "2016-02-30"})


def test_measure_must_belong_to_the_households_village(fresh_db, village):
    hid = _household(fresh_db, village)
    other = R.add_village(
        fresh_db,
        {"code": "621102100202", "name": "红岭村", "township": "凤翔镇", "county": "安定区"},
    )
    values = {
        "household_id": hid,
        "level": "户",
        "category": "危房改造",
        "description": "危房改造",
        "status": "计划",
        "criterion_no": 2,
    }
    A.add_measure(fresh_db, {**values, "village_id": village})
    with pytest.raises(R.ValidationError, match="该户不属于所选的村"):
        A.add_measure(fresh_db, {**values, "village_id": other})


def test_policy_defaults_are_seeded_and_editable(fresh_db):
    R.seed_default_policy(fresh_db)
    assert R.policy_for(fresh_db, 2015)["poverty_line"] == 2855
    assert R.policy_for(fresh_db, 2017)["poverty_line"] == 3335
    R.set_policy(fresh_db, 2017, {"poverty_line": 3400})
    assert R.policy_for(fresh_db, 2017)["poverty_line"] == 3400


def test_the_demo_never_gives_two_people_one_id_number():
    # A 20 × 500 demo used to hold the same ID number twice (a random 顺序码 on the same
    # birthday), so its own export was refused by its import.
    from datetime import date

    from forms.idnumber import check_id_number, sex_from_id
    from storage.demo import _IdNumbers

    numbers = _IdNumbers()
    born = date(1980, 5, 6)
    given = [numbers(born, 17, "男") for _ in range(300)]
    assert len(set(given)) == 300
    for n in given:
        assert check_id_number(n) is None
        assert sex_from_id(n) == "男"  # the sequence code keeps its parity
