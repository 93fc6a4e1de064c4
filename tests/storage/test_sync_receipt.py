"""The receipt a laptop keeps of the county's newest package, and conflicts as a person reads
them (the 回执 and 冲突 dialogs of the 同步 menu read these)."""

import os
import re

from storage import register as R
from storage import sync as S
from tests.storage.test_sync import VILLAGE, _add, _swap, world  # noqa: F401 - the fixture


def test_the_laptop_keeps_the_newest_receipt_and_not_an_older_one_imported_late(world):  # noqa: F811
    county, (laptop, _), stick = world
    assert S.last_receipt(laptop) is None
    _swap(county, laptop, stick, teams=["第1工作队"])
    hid = _add(laptop, VILLAGE["code"], "0001", ["王建国", "王小红"])
    [sent] = S.export(laptop, stick)
    S.import_package(county, sent.path)
    [first] = S.export(county, stick, teams=["第1工作队"])
    old = first.path.with_name("old.fpk")
    os.replace(first.path, old)
    R.update_record(laptop, "household", hid, {"housing_area_m2": 70})
    [sent2] = S.export(laptop, stick)
    S.import_package(county, sent2.path)
    [second] = S.export(county, stick, teams=["第1工作队"])
    S.import_package(laptop, second.path)
    got = S.last_receipt(laptop)
    assert got["package"] == second.path.name
    # a receipt lists what arrived since the county's previous receipt to the team
    [p] = got["packages"]
    assert (p["result"], p["taken"]) == ("applied", 1) and got["received_at"] == p["imported_at"]
    [empty] = S.export(county, stick, teams=["第1工作队"])  # nothing arrived since
    S.import_package(laptop, empty.path)
    got = S.last_receipt(laptop)
    assert got["packages"] == [] and got["received_at"] == p["imported_at"]
    S.import_package(laptop, old)  # the older receipt arrives late: the newer one stays
    assert S.last_receipt(laptop)["package"] == empty.path.name


def test_a_conflict_reads_as_household_field_and_both_values(world):  # noqa: F811
    county, (laptop, _), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    hid = _add(laptop, VILLAGE["code"], "0007", ["王建国"])
    _swap(laptop, county, stick)
    _swap(county, laptop, stick, teams=["第1工作队"])
    R.update_record(laptop, "household", hid, {"housing_area_m2": 60})
    later = county.clock._now_ms
    county.clock._now_ms = lambda: later() + 5000
    R.update_record(county, "household", hid, {"housing_area_m2": 90})
    _swap(laptop, county, stick)
    [c] = S.conflicts(county)
    d = S.describe_conflict(county, c)
    assert {k: d[k] for k in ("record", "field", "mine", "theirs", "taken")} == {
        "record": "0007号户 王建国", "field": "住房面积", "mine": "90", "theirs": "60",
        "taken": "mine"}  # fmt: skip
    assert d["mine_by"] == county.operator and d["theirs_by"] == laptop.operator
    assert d["mine_at"] == S._stamp_text(c["won_stamp"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", d["theirs_at"])
    [m] = [m for m in county.find("members") if m["household_id"] == hid]
    label = S.describe_conflict(county, {**c, "table_name": "members", "record_id": m["id"],
                                         "field": "name"})  # fmt: skip
    assert label["record"] == "成员 王建国（0007号户 王建国）" and label["field"] == "姓名"
