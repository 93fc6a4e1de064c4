"""有进有出、动态管理 on real register files: a household walked through identification, a yearly
plan, an exit with an objection and a second notice, and a return to poverty; the year's in/out
list and plan vs actual, for the village and, after a sync, for the county. Every refusal is
checked against a full dump of the register: nothing changes."""

import json
from datetime import date

import pytest

from forms import procedures as P
from forms.criteria.household import evaluate_household
from forms.history import year_end_status
from storage import activity as A
from storage import closing, interchange
from storage import operations as ops
from storage import procedures as PR
from storage import register as R
from storage.db import StorageError, open_store
from storage.snapshots import household_snapshot
from tests.dumps import dump
from tests.storage import test_sync as sync_tests
from tests.storage.test_sync import VILLAGE, _swap

world = sync_tests.world  # the county and two enrolled laptops

HEAD = {
    "name": "王建国",
    "relation": "户主",
    "id_number": "11010519491231002X",
    "ncms": True,
    "pension_insured": True,
    "health": "健康",
    "labor_ability": "普通劳动力",
    "school_status": "非在校",
}
WIFE = {**HEAD, "name": "李秀英", "relation": "配偶", "id_number": None, "birth_date": "1952-07-08"}
# A household that meets all 12 criteria of 2017 (two people, 6000 元 each).
GOOD = {
    "housing_safe": True,
    "housing_area_m2": 70,
    "water_safe": True,
    "tap_water": True,
    "has_phone": True,
    "has_cable_tv": True,
    "has_internet": True,
    "toilet": "卫生厕所",
    "borrow_illness": False,
    "borrow_school": False,
    "borrow_marriage": False,
    "income_channels": ["种植", "务工"],
}
MONEY = {
    "wage_income": 9000,
    "operating_income": 3000,
    "operating_cost": 500,
    "property_income": 0,
    "transfer_income": 500,
    "consumption_expenditure": 7000,
}
TODAY = date(2018, 6, 30)
BORN = {"birth_date": "1949-12-31"}


def _good_household(store, village, no="0001", **values):
    R.seed_default_policy(store)
    hid = R.add_household(
        store,
        {
            "village_id": village,
            "household_no": no,
            "status": "未脱贫",
            "identification_year": 2014,
            **GOOD,
            **values,
        },
        [HEAD, WIFE]
        if no == "0001"
        else [{**HEAD, "id_number": None, "name": f"户主{no}", **BORN}],
    )
    for year in (2016, 2017):
        R.set_finance(store, hid, year, MONEY)
    return hid


def _step(store, hids, step, when, **kw):
    kw.setdefault("today", TODAY)
    return ops.record_procedure_step(
        store, hids if isinstance(hids, list) else [hids], step, when, **kw
    )


def _refused(store, match, hids, step, when, **kw):
    before = dump(store)
    with pytest.raises(StorageError, match=match):
        _step(store, hids, step, when, **kw)
    assert dump(store) == before


EXIT_STEPS = ("12项核查", "民主评议", "户认可签字")


def test_identification_makes_an_applicant_a_registered_household(fresh_db, village):
    R.seed_default_policy(fresh_db)
    ch = ops.apply_household(
        fresh_db,
        {"village_id": village, "household_no": "0009", **GOOD},
        [{**HEAD, "name": "马德海"}],
        "2017-03-01",
        document="马德海申请书",
    )
    hid = ch.created
    h = fresh_db.get("households", hid)
    assert h["status"] == "待识别" and A.status_history(fresh_db, hid) == []
    # an applicant is not in the register: not counted in 2017 until its announcement
    assert not year_end_status(h, [], 2017).registered
    [proc] = PR.procedures_of(fresh_db, hid)
    assert (proc.kind, proc.next_step.name) == (P.IDENTIFY, "民主评议")
    _step(fresh_db, hid, "appraisal", "2017-03-10", document="评议会议记录")
    _step(fresh_db, hid, "公示", "2017-03-12", document="青岭村公示〔2017〕2号")
    proc = PR.procedures_of(fresh_db, hid)[0]
    assert proc.label(date(2017, 3, 16)) == "公示中（还剩3天）"
    assert proc.notice_end() == date(2017, 3, 18)
    _step(fresh_db, hid, "比对", "2017-03-19", note="公安、民政、住建数据比对无异常")
    _step(fresh_db, hid, "乡镇审核", "2017-03-25")
    done, changes = _step(fresh_db, hid, "公告", "2017-04-01", document="凤翔镇公告〔2017〕5号")
    assert done.completed == [hid] and changes.status and changes.tree
    h = fresh_db.get("households", hid)
    assert (h["status"], h["identification_year"]) == ("未脱贫", 2017)
    [entry] = A.status_history(fresh_db, hid)
    assert (entry["status"], entry["date"], entry["year"]) == ("未脱贫", "2017-04-01", 2017)
    assert "凤翔镇公告〔2017〕5号" in entry["reason"]
    moved = PR.movements(fresh_db, 2017, village)
    assert [(m.household["id"], m.people, m.head) for m in moved["新识别"]] == [(hid, 1, "马德海")]
    assert PR.movements(fresh_db, 2016, village)["新识别"] == []


def test_an_exit_with_an_objection_and_a_second_notice_then_a_return(fresh_db, village):
    hid = _good_household(fresh_db, village, planned_exit_year=2017)
    other = _good_household(fresh_db, village, "0002", planned_exit_year=2017)
    ops.set_exit_plan(fresh_db, village, 2017, households=2, people=3)
    ops.propose_exit_plan(fresh_db, village, 2017, households=1, people=2, note="0002户收入不稳")
    for step, day in zip(EXIT_STEPS, ("2017-10-09", "2017-10-12", "2017-10-15")):
        _step(fresh_db, [hid, other], step, day)
    # one notice lists both households
    _step(fresh_db, [hid, other], "公示", "2017-10-20", document="青岭村公示〔2017〕3号")
    posted = PR.at_notice(fresh_db, village, "脱贫", 2017)["posted"]
    assert posted == {("2017-10-20", 7, "青岭村公示〔2017〕3号"): [hid, other]}
    _refused(fresh_db, "公示期至2017-10-26止", hid, "公告", "2017-10-26")
    # a valid objection sends 0002 back to the check, with its reason; the history stays
    _step(fresh_db, other, "异议成立", "2017-10-23", reason="群众反映该户有因病借款，经核实属实")
    proc = PR.procedures_of(fresh_db, other)[0]
    assert proc.next_step.name == "12项核查" and len(proc.rows) == 5 and proc.objections
    _refused(fresh_db, "不能跳过步骤", other, "公示", "2017-10-30")
    _step(fresh_db, hid, "公告", "2017-10-27", document="凤翔镇公告〔2017〕9号")
    done, _ = _step(fresh_db, hid, "销号", "2017-11-02")
    assert done.completed == [hid]
    h = fresh_db.get("households", hid)
    assert (h["status"], h["exit_year"]) == ("已脱贫", 2017)
    # 0002 goes round again: checked, appraised, signed, and a second notice
    for step, day in zip(EXIT_STEPS, ("2017-11-10", "2017-11-12", "2017-11-13")):
        _step(fresh_db, other, step, day)
    _step(fresh_db, other, "公示", "2017-11-14", days=10)
    proc = PR.procedures_of(fresh_db, other)[0]
    assert proc.label(date(2017, 11, 20)) == "公示中（还剩4天）"
    _refused(fresh_db, "公示期至2017-11-23止", other, "公告", "2017-11-23")
    _step(fresh_db, other, "公告", "2017-11-24")
    _step(fresh_db, other, "销号", "2017-11-28")
    # the year's in/out list and plan vs actual
    moved = PR.movements(fresh_db, 2017, village)
    assert sorted(m.household["id"] for m in moved["脱贫"]) == sorted([hid, other])
    assert sum(m.people for m in moved["脱贫"]) == 3
    [pva] = PR.plan_vs_actual(fresh_db, 2017, village)
    assert (pva.task_households, pva.task_people) == (2, 3)
    assert (pva.proposed_households, pva.proposed_people) == (1, 2)
    assert (pva.planned_households, pva.planned_people) == (2, 3)
    assert (pva.exited_households, pva.exited_people) == (2, 3)
    # the next year the household falls back into poverty: a return procedure
    _refused(fresh_db, "不能开始贫困户脱贫退出程序", hid, "12项核查", "2018-03-01")
    _step(fresh_db, hid, "申请", "2018-03-01", document="返贫申请")
    assert PR.procedures_of(fresh_db, hid)[-1].kind is P.RETURN
    _step(fresh_db, hid, "民主评议", "2018-03-05")
    _step(fresh_db, hid, "公示", "2018-03-06")
    _step(fresh_db, hid, "乡镇审核", "2018-03-14")
    _step(fresh_db, hid, "公告", "2018-03-20")
    assert fresh_db.get("households", hid)["status"] == "返贫"
    moved = PR.movements(fresh_db, 2018, village)
    assert [m.household["id"] for m in moved["返贫"]] == [hid] and moved["返贫"][0].people == 2
    assert year_end_status(
        fresh_db.get("households", hid), A.status_history(fresh_db, hid), 2017
    ).status == ("已脱贫")


def test_steps_out_of_order_misdated_or_never_started_are_refused(fresh_db, village):
    hid = _good_household(fresh_db, village)
    _refused(fresh_db, "没有进行中的脱贫程序，不能直接登记“销号”", hid, "销号", "2017-10-01")
    _refused(fresh_db, "没有进行中的程序", hid, "异议成立", "2017-10-01", reason="x")
    _refused(fresh_db, "晚于今天", hid, "12项核查", "2018-07-01")
    _refused(fresh_db, "无法识别", hid, "12项核查", "2017-13-01")
    _refused(fresh_db, "没有名为“验收”的步骤", hid, "验收", "2017-10-01")
    _step(fresh_db, hid, "check", "2017-10-09")
    _refused(fresh_db, "不能跳过步骤：下一步应为“民主评议”", hid, "公示", "2017-10-10")
    _refused(fresh_db, "早于上一步“12项核查”的日期", hid, "民主评议", "2017-10-08")
    _refused(fresh_db, "“12项核查”已于2017-10-09登记", hid, "12项核查", "2017-10-10")
    _refused(fresh_db, "异议只能在公示之后", hid, "异议成立", "2017-10-10", reason="x")
    _refused(fresh_db, "正在进行贫困户脱贫退出程序", hid, "核实", "2017-10-10", reason="x")
    _step(fresh_db, hid, "民主评议", "2017-10-10")
    _step(fresh_db, hid, "户认可签字", "2017-10-11")
    _refused(fresh_db, "公示期不得少于7天", hid, "公示", "2017-10-12", days=5)
    # the status changes only at the procedure's last step
    before = dump(fresh_db)
    with pytest.raises(StorageError, match="正在进行贫困户脱贫退出程序"):
        ops.change_status(fresh_db, hid, "已脱贫", "2017-10-12")
    assert dump(fresh_db) == before
    # a step for two households is all or nothing: one refused, neither written
    other = _good_household(fresh_db, village, "0002")
    _refused(fresh_db, "户0002：该户没有进行中的", [hid, other], "公示", "2017-10-12")
    _refused(fresh_db, "终止程序必须填写原因", hid, "终止", "2017-10-12")
    _step(fresh_db, hid, "终止", "2017-10-12", reason="户主外出务工，明年再评")
    assert ops.procedure_under_way(fresh_db, hid) is None
    assert PR.procedures_of(fresh_db, hid)[0].label() == "脱贫程序已终止"


def test_an_exit_with_an_unmet_criterion_needs_a_reason_and_freezes_why(fresh_db, village):
    hid = _good_household(fresh_db, village, has_internet=False)
    _refused(fresh_db, "仍有1项指标未达标或无法判定：第10项", hid, "12项核查", "2017-10-09")
    _step(fresh_db, hid, "12项核查", "2017-10-09", reason="网络覆盖工程年内完工")
    for step, day in (("民主评议", "2017-10-10"), ("户认可签字", "2017-10-11")):
        _step(fresh_db, hid, step, day)
    _step(fresh_db, hid, "公示", "2017-10-12")
    _step(fresh_db, hid, "公告", "2017-10-19")
    _refused(fresh_db, "第10项", hid, "销号", "2017-10-20")
    done, _ = _step(fresh_db, hid, "销号", "2017-10-20", reason="县里同意：网络年底到户")
    last = PR.steps_of(fresh_db, hid)[-1]
    assert last["unmet"] == "[10]"
    assert A.status_history(fresh_db, hid)[-1]["confirmed_unmet"]
    # a later edit changes the live criteria, never what the exit was decided on
    R.update_record(fresh_db, "household", hid, {"has_internet": True, "toilet": "无"})
    live = evaluate_household(household_snapshot(fresh_db, hid, 2017))
    assert live.criteria[9].status == "met" and live.criteria[8].status == "unmet"
    frozen = PR.frozen_at(last)
    assert (
        frozen["household"]["has_internet"] is False and frozen["household"]["toilet"] == "卫生厕所"
    )
    verdicts = json.loads(last["verdicts"])
    assert verdicts[9] == "unmet" and verdicts.count("unmet") == 1


def test_removal_needs_a_reason_and_closed_years_refuse_steps(fresh_db, village):
    hid = _good_household(fresh_db, village)
    _refused(fresh_db, "清退必须填写原因", hid, "核实", "2017-05-01")
    _step(fresh_db, hid, "核实", "2017-05-01", reason="家中有财政供养人员，不符合识别标准")
    for step, day in (
        ("民主评议", "2017-05-03"),
        ("公示", "2017-05-04"),
        ("乡镇审核", "2017-05-12"),
    ):
        _step(fresh_db, hid, step, day)
    _step(fresh_db, hid, "公告", "2017-05-15")
    h = fresh_db.get("households", hid)
    entry = A.status_history(fresh_db, hid)[-1]
    assert h["status"] == "清退" and "财政供养" in entry["reason"]
    assert [m.household["id"] for m in PR.movements(fresh_db, 2017)["清退"]] == [hid]
    # a closed year takes no new step
    other = _good_household(fresh_db, village, "0002")
    closing.close_year(fresh_db, 2017, [village], lambda vid: [])
    _refused(fresh_db, "2017年度已封存", other, "12项核查", "2017-10-01")


def test_procedures_and_plans_travel_in_the_interchange_file(fresh_db, village, tmp_path):
    hid = _good_household(fresh_db, village, planned_exit_year=2017)
    ops.set_exit_plan(fresh_db, village, 2017, households=1, people=2)
    _step(fresh_db, hid, "12项核查", "2017-10-09", document="核查表")
    _step(fresh_db, hid, "民主评议", "2017-10-10")
    data = interchange.export_register(fresh_db)
    [h] = data["households"]
    assert [p["step"] for p in h["procedures"]] == ["12项核查", "民主评议"]
    assert data["villages"][0]["exit_plans"][0]["households"] == 1
    other = open_store(tmp_path / "other.db", create=True)
    try:
        interchange.import_register(other, data)
        assert [r["step"] for r in PR.steps_of(other, hid)] == ["12项核查", "民主评议"]
        assert (
            PR.exit_plan(other, R.find_village(other, VILLAGE["code"])["id"], 2017)["people"] == 2
        )
        again = interchange.import_register(other, data)  # the same file twice adds nothing
        assert again["inserted"] == 0 and len(PR.steps_of(other, hid)) == 2
    finally:
        other.close()


def test_steps_recorded_on_the_laptop_reach_the_county_and_the_task_comes_back(world):
    county, (laptop, _), stick = world
    vid_c = R.find_village(county, VILLAGE["code"])["id"]
    ops.set_exit_plan(county, vid_c, 2017, households=1, people=2)
    _swap(county, laptop, stick, teams=["第1工作队"])
    vid = R.find_village(laptop, VILLAGE["code"])["id"]
    assert PR.exit_plan(laptop, vid, 2017)["households"] == 1
    # the task is the county's: the team proposes instead
    before = dump(laptop)
    with pytest.raises(StorageError, match="县扶贫办统一设定"):
        ops.set_exit_plan(laptop, vid, 2017, households=3)
    assert dump(laptop) == before
    ops.propose_exit_plan(laptop, vid, 2017, households=2, people=3)
    hid = _good_household(laptop, vid, planned_exit_year=2017)
    for step, day in zip(EXIT_STEPS, ("2017-10-09", "2017-10-12", "2017-10-15")):
        _step(laptop, hid, step, day)
    _step(laptop, hid, "公示", "2017-10-20")
    _step(laptop, hid, "公告", "2017-10-27")
    _step(laptop, hid, "销号", "2017-11-02")
    _swap(laptop, county, stick)
    assert [r["step"] for r in PR.steps_of(county, hid)][-1] == "销号"
    assert county.get("households", hid)["status"] == "已脱贫"
    [pva] = [p for p in PR.plan_vs_actual(county, 2017) if p.village["id"] == vid_c]
    assert (pva.task_households, pva.proposed_households, pva.exited_households) == (1, 2, 1)
    assert pva.exited_people == 2 and pva.planned_households == 1
    assert [m.household["id"] for m in PR.movements(county, 2017)["脱贫"]] == [hid]
