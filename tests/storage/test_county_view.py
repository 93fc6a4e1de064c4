"""The county page's reads (storage/county_view.py) on a real county register."""

import json
from collections import Counter

import pytest

from forms import choices as C
from storage import browse, county_view
from storage import register as R
from storage import sync as S
from storage.db import open_store
from storage.enrolment import register_team
from storage.operations import enroll, write_demo

PASS = "第1工作队-2017-开门"


@pytest.fixture
def county(tmp_path):
    write_demo(tmp_path / "county.db", villages=3, households=20, seed=7)
    store = open_store(tmp_path / "county.db", operator="县扶贫办")
    yield store
    store.close()


def test_village_summaries_count_households_still_poor_and_their_people(county):
    h = county.find("households")[0]
    R.update_record(county, "household", h["id"], {"status": C.STATUS_RETURNED})
    county.delete("households", county.find("households")[-1]["id"])  # a tombstone: not counted
    poor = {x["id"]: x["village_id"] for x in county.find("households")
            if x["status"] in C.POOR_STATUSES}  # fmt: skip
    people = Counter(poor[m["household_id"]] for m in county.find("members")
                     if m["household_id"] in poor and not m["left_date"])  # fmt: skip
    all_ = Counter(x["village_id"] for x in county.find("households"))
    rows = county_view.village_summaries(county, "安定区")
    assert [r["code"] for r in rows] == sorted(v["code"] for v in county.find("villages"))
    for r in rows:
        assert (r["households"], r["poor_households"], r["poor_people"]) == (
            all_[r["id"]], Counter(poor.values())[r["id"]], people[r["id"]])  # fmt: skip
    assert sum(all_.values()) == 59 and county_view.village_summaries(county, "别的县") == []
    assert county_view.counties(county) == ["安定区"]


def test_a_reader_knows_the_register_is_a_county_s(county):
    register_team(
        county, "第1工作队", [county.find("villages")[0]["code"]], PASS, county.path.parent
    )
    reader = browse.open_reader(county.path)
    try:
        assert reader.role == "county" and reader.device_id == county.device_id
        assert county_view.teams_by_village(reader) == {
            county.find("villages")[0]["code"]: {
                "team": "第1工作队", "received_at": None, "received_package": None}}  # fmt: skip
    finally:
        reader.close()


def test_open_conflicts_are_counted_on_the_village_of_their_record(county, tmp_path):
    stick = tmp_path / "U盘"
    stick.mkdir()
    village = county.find("villages", order_by="code")[0]
    _, path = register_team(county, "第1工作队", [village["code"]], PASS, stick)
    laptop = open_store(tmp_path / "laptop.db", create=True, operator="队员")
    enroll(laptop, path, PASS)
    path.unlink()

    def swap(sender, receiver, **kw):
        for f in stick.iterdir():
            f.unlink()
        return [S.import_package(receiver, e.path) for e in S.export(sender, stick, **kw)]

    swap(county, laptop, teams=["第1工作队"])
    h = laptop.find("households")[0]
    m = laptop.find("members", "household_id = ?", [h["id"]])[0]
    R.update_record(laptop, "household", h["id"], {"housing_area_m2": 61.5})
    R.update_record(laptop, "member", m["id"], {"name": "王小明"})
    later = county.clock._now_ms
    county.clock._now_ms = lambda: later() + 5000  # the county's edits are the later ones
    R.update_record(county, "household", h["id"], {"housing_area_m2": 93.5})
    R.update_record(county, "member", m["id"], {"name": "王晓明"})
    [got] = swap(laptop, county)
    assert got.conflicts == 2 and len(S.conflicts(county)) == 2
    assert county_view.open_conflicts_by_village(county) == {village["id"]: 2}
    assert county_view.pending(county) == {"duplicates": 0, "conflicts": 2}
    assert county_view.teams_by_village(county)[village["code"]]["received_at"]
    S.resolve(county, S.conflicts(county)[0]["id"], "mine")
    assert county_view.open_conflicts_by_village(county) == {village["id"]: 1}
    assert json.loads(S.conflicts(county)[0]["won_value"]) in (93.5, "王晓明")
    laptop.close()
