"""Collecting a village's report data from the register: every row, the criteria, ages, and
no query per household."""

import datetime as dt

import pytest

from forms.criteria.household import evaluate_household
from forms.criteria.result import MET, UNMET
from forms.criteria.village import evaluate_village
from forms.history import present_in_year
from forms.idnumber import make_id_number
from reports.collect import CollectError, village_report_data
from reports.common import listed_households
from reports.plan import render_plan
from storage import snapshots
from storage.activity import add_measure, measures_of_village, status_history, visits_of
from storage.db import open_store
from storage.demo import generate
from storage.register import (
    add_member,
    find_village,
    households_of,
    list_cadres,
    list_villages,
    members_of,
)

from .conftest import assert_cjk_pdf

YEAR = 2017


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    """Two villages of 40 households (small: these tests must stay fast)."""
    path = tmp_path_factory.mktemp("collect") / "demo.db"
    store = open_store(path, create=True, role="county", operator="测试")
    generate(store, villages=2, households=40, seed=11)
    store.close()
    return path


@pytest.fixture(scope="module")
def store(demo_path):
    s = open_store(demo_path, operator="测试")
    yield s
    s.close()


@pytest.fixture(scope="module")
def village(store):
    return list_villages(store)[0]


@pytest.fixture(scope="module")
def data(store, village):
    return village_report_data(store, village["code"], YEAR, posting_date=dt.date(2017, 12, 10))


def test_every_row_of_the_village_is_collected(store, village, data):
    households = households_of(store, village["id"])
    assert [h.household_no for h in data.households] == [h["household_no"] for h in households]
    assert len(households) == 40
    for h, row in zip(households, data.households):
        # the year's members: those present on 31 December (forms.history)
        present = [m for m in members_of(store, h["id"]) if present_in_year(m, data.year)]
        assert len(row.members) == len(present)
    assert len(data.measures) == len(measures_of_village(store, village["id"]))
    assert len(data.visits) == sum(len(visits_of(store, h["id"])) for h in households)
    assert len(data.status_changes) == sum(len(status_history(store, h["id"])) for h in households)
    assert len(data.team) == len(list_cadres(store, village["id"]))
    assert [c.no for c in data.village_criteria] == list(range(1, 18))
    assert all(len(h.criteria) == 12 for h in data.households)
    v = data.village
    assert (v.code, v.name, v.township, v.county, v.pairing_unit, v.leader_in_charge) == (
        village["code"],
        village["name"],
        village["township"],
        village["county"],
        village["pairing_unit"],
        village["leader_in_charge"],
    )
    assert data.posting_date == dt.date(2017, 12, 10) and data.year == YEAR


def test_a_village_is_found_by_its_id_too(store, village, data):
    by_id = village_report_data(store, village["id"], YEAR)
    assert [h.household_no for h in by_id.households] == [h.household_no for h in data.households]


def test_the_resident_team_comes_before_the_paired_cadres(data):
    roles = [c.role for c in data.team]
    order = ["队长", "第一书记", "队员", "帮扶责任人"]
    assert roles[0] == "队长" and "帮扶责任人" in roles
    assert [order.index(r) for r in roles] == sorted(order.index(r) for r in roles)


def test_household_criteria_are_those_of_evaluate_household(store, village, data):
    snaps = {
        s["household"]["household_no"]: s
        for s in snapshots.household_snapshots(store, YEAR, village_id=village["id"])
    }
    unmet = 0
    for row in data.households:
        expected = evaluate_household(snaps[row.household_no])
        assert [(c.no, c.status, c.reasons) for c in row.criteria] == [
            (c.no, c.status, c.reasons) for c in expected.criteria
        ]
        assert [c.no for c in row.unmet] == [c.no for c in expected.unmet()]
        unmet += len(row.unmet)
    assert unmet > 10  # the demo village has households to help


def test_village_criteria_are_those_of_evaluate_village(store, village, data):
    expected = evaluate_village(snapshots.village_snapshot(store, village, YEAR))
    assert [c.status for c in data.village_criteria] == [c.status for c in expected.criteria]
    for c in data.village_criteria:
        assert c.value and c.target  # short texts for the wall chart
        if c.status in (MET, UNMET):  # judged from figures: the figures are printed
            assert c.value != "—", c
        assert len(c.value) <= 40 and all(len(r) <= 60 for r in c.reasons)
        assert not c.title  # the chart prints its own short title
    # ⑵ 贫困发生率: the figure the criterion computed, as text
    incidence = expected.criterion(2).figures["pct"]
    assert data.village_criteria[1].value == f"{incidence:g}%"


def test_household_fields_come_from_the_register(store, village, data):
    cadres = {c["id"]: c for c in list_cadres(store, village["id"])}
    groups = {g["id"]: g["name"] for g in store.find("groups", "village_id = ?", [village["id"]])}
    for h, row in zip(households_of(store, village["id"]), data.households):
        head = next(m for m in members_of(store, h["id"]) if m["relation"] == "户主")
        assert row.head_name == head["name"] and row.id == h["id"]
        assert row.group == groups[h["group_id"]]
        assert row.status == h["status"] and row.main_cause == h["main_cause"]
        assert row.cadre_name == cadres[h["cadre_id"]]["name"]
        assert row.cadre_phone == cadres[h["cadre_id"]]["phone"]
        assert row.size == h["household_size"]
        history = [e for e in status_history(store, h["id"]) if e["status"] == h["status"]]
        assert row.status_reason == (history[-1]["reason"] if history else "")
        assert row.members[0].relation == "户主"
        assert row.finance.poverty_line == 3335  # the 2017 national line
        fin = store.find("finances", "household_id = ? and year = ?", [h["id"], YEAR])[0]
        assert row.finance.wage_income == pytest.approx(fin["wage_income"])
        assert row.finance.consumption_expenditure == pytest.approx(fin["consumption_expenditure"])


def test_removed_households_are_collected_but_not_on_the_wall_chart(store, data):
    removed = [h for h in data.households if h.status == "清退"]
    others = [h for h in data.households if h.status != "清退"]
    listed = listed_households(data)
    assert all(h not in listed for h in removed)
    assert all(h in listed for h in others if h.status != "已脱贫")


def test_ages_are_full_years_on_31_august_of_the_year(tmp_path):
    # Given two children born a day apart around the school-year date
    store = open_store(tmp_path / "ages.db", create=True, role="county", operator="测试")
    generate(store, villages=1, households=3, seed=2)
    village = list_villages(store)[0]
    hid = households_of(store, village["id"])[0]["id"]
    for name, birth in (("八月生", dt.date(2005, 8, 31)), ("九月生", dt.date(2005, 9, 1))):
        add_member(
            store,
            hid,
            {
                "name": name,
                "relation": "孙子女",
                "id_number": make_id_number("621102", birth, 7, "女"),
            },
        )
    # When the 2017 data is collected
    data = village_report_data(store, village["code"], YEAR)
    members = {m.name: m for m in data.households[0].members}
    # Then the one born on 31 August is 12 and the one born on 1 September still 11
    assert members["八月生"].age == 12 and members["九月生"].age == 11
    # and every member's age agrees with the birth date in the register
    for h in data.households:
        rows = {m["name"]: m for m in members_of(store, h.id)}
        for m in h.members:
            b = dt.date.fromisoformat(rows[m.name]["birth_date"])
            assert m.age == 2017 - b.year - ((8, 31) < (b.month, b.day))
            assert m.id_number == rows[m.name]["id_number"]  # whole; reports mask it
    store.close()


def test_the_measure_for_an_unmet_criterion_is_found_and_printed(tmp_path):
    # Given a household with an unmet criterion and a measure planned to close it
    store = open_store(tmp_path / "m.db", create=True, role="county", operator="测试")
    generate(store, villages=1, households=20, seed=5)
    village = list_villages(store)[0]
    data = village_report_data(store, village["code"], YEAR)
    h = next(h for h in listed_households(data) if h.unmet)
    no = h.unmet[0].no
    cadre = next(c for c in list_cadres(store, village["id"]) if c["role"] == "队员")
    add_measure(
        store,
        {
            "village_id": village["id"],
            "household_id": h.id,
            "level": "户",
            "criterion_no": no,
            "category": "产业发展",
            "description": "专项测试措施甲",
            "money": 1200,
            "cadre_id": cadre["id"],
            "planned_date": "2017-10-09",
            "status": "计划",
        },
    )
    # When the village is collected again
    data = village_report_data(store, village["code"], YEAR)
    # Then the measure belongs to the household and the criterion, with its cadre's name
    found = [
        m
        for m in data.measures_of(h.household_no)
        if m.criterion_no == no and m.description == "专项测试措施甲"
    ]
    assert len(found) == 1
    m = found[0]
    assert (m.head_name, m.cadre_name, m.planned_date, m.money) == (
        h.head_name,
        cadre["name"],
        dt.date(2017, 10, 9),
        1200,
    )
    assert data.household(h.household_no).status_of(no) == UNMET
    # and the wall chart prints it on the household's line for that criterion
    assert_cjk_pdf(
        render_plan(data, tmp_path / "plan.pdf"), "专项测试措施甲", cadre["name"], "10月9日"
    )
    store.close()


def test_no_query_per_household(store):
    """A village of 40 households costs the same number of queries as one of 3."""

    def queries(code, path_store):
        seen = []
        path_store.db.conn.set_trace_callback(seen.append)
        try:
            village_report_data(path_store, code, YEAR)
        finally:
            path_store.db.conn.set_trace_callback(None)
        return len(seen)

    big = queries(list_villages(store)[1]["code"], store)
    small_store = open_store(store.path.with_name("small.db"), create=True, role="county")
    generate(small_store, villages=1, households=3, seed=3)
    small = queries(list_villages(small_store)[0]["code"], small_store)
    small_store.close()
    assert big == small
    assert big < 40


def test_unknown_village_and_year_are_refused_in_chinese(store, village):
    with pytest.raises(CollectError, match="没有行政区划代码为 999999999999 的村"):
        village_report_data(store, "999999999999", YEAR)
    with pytest.raises(CollectError, match="没有 1990 年的政策参数"):
        village_report_data(store, village["code"], 1990)
    assert find_village(store, village["code"])  # nothing changed


def test_a_closed_years_reports_say_so_and_keep_the_frozen_verdicts(store, village, tmp_path):
    from .conftest import all_text, flat

    closed = village_report_data(store, village["code"], 2016, posting_date=dt.date(2016, 12, 20))
    assert "2016年度已于" in closed.closed and "按封存数据" in closed.closed
    text = flat(all_text(render_plan(closed, tmp_path / "plan-2016.pdf")))
    assert "2016年度（封存数据）" in text and "按封存数据" in text
    # an open year's report says nothing of the kind
    assert village_report_data(store, village["code"], YEAR).closed == ""
