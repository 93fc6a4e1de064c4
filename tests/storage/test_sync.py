"""The USB sync end to end: a team's laptop and the county exchange real package files."""

import json
import os

import pytest

from storage import cipher, package
from storage import register as R
from storage import sync as S
from storage.db import open_store
from storage.enrolment import register_team
from storage.operations import enroll
from tests.dumps import dump

PASS = "青岭村-2016-开门"
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
OTHER = {"code": "621102100202", "name": "石岔村", "township": "凤翔镇", "county": "安定区"}


# a test marked so runs twice: plain registers, then registers encrypted (storage.cipher)
BOTH = pytest.mark.parametrize("world", ["plain", "encrypted"], indirect=True)


@pytest.fixture
def world(tmp_path, request):
    """The county with two villages and two teams; each team's laptop enrolled."""
    stick = tmp_path / "U盘"
    stick.mkdir()
    key = (
        {"passphrase": "县里的口令'\"；开门"}
        if getattr(request, "param", "") == "encrypted"
        else {}
    )
    county = open_store(
        tmp_path / "county.db", create=True, role="county", operator="县扶贫办", **key
    )
    R.add_village(county, VILLAGE)
    R.add_village(county, OTHER)
    laptops = []
    for i, code in enumerate((VILLAGE["code"], OTHER["code"])):
        _, path = register_team(county, f"第{i + 1}工作队", [code], PASS, stick)
        laptop = open_store(tmp_path / f"laptop{i}.db", create=True, operator=f"队员{i}", **key)
        enroll(laptop, path, PASS)
        path.unlink()
        laptops.append(laptop)
    if key:
        assert all(cipher.is_encrypted(s.path) for s in (county, *laptops))
    yield county, laptops, stick
    for s in (county, *laptops):
        s.close()


def _swap(sender, receiver, stick, **kw):
    """Export from one side onto an empty stick and import it at the other."""
    for f in stick.iterdir():
        f.unlink()
    written = S.export(sender, stick, **kw)
    return [S.import_package(receiver, e.path) for e in written]


def _add(store, village_code, no, names):
    vid = R.find_village(store, village_code)["id"]
    return R.add_household(store, {"village_id": vid, "household_no": no, "status": "未脱贫"},
                           [{"name": n, "relation": "户主" if i == 0 else "子"}
                            for i, n in enumerate(names)])  # fmt: skip


@BOTH
def test_a_team_first_package_reaches_the_county_and_the_receipt_comes_back(world):
    county, (laptop, _), stick = world
    # the laptop got the village record only from the county
    [first] = _swap(county, laptop, stick, teams=["第1工作队"])
    assert first.result == "applied" and laptop.find("villages")[0]["code"] == VILLAGE["code"]
    hid = _add(laptop, VILLAGE["code"], "0001", ["王建国", "王小红"])
    [got] = _swap(laptop, county, stick)
    assert got.inserted == 3 and got.team == "第1工作队"  # the household and its two members
    assert {m["name"] for m in county.find("members")} == {"王建国", "王小红"}
    assert (
        county.get("households", hid)["village_id"] == R.find_village(county, VILLAGE["code"])["id"]
    )
    # the receipt: what the county accepted, and its correction, back on the laptop
    R.update_record(county, "household", hid, {"housing_area_m2": 96})
    [back] = _swap(county, laptop, stick, teams=["第1工作队"])
    assert back.receipt["packages"][0]["result"] == "applied"
    assert back.receipt["packages"][0]["inserted"] == 3
    assert laptop.get("households", hid)["housing_area_m2"] == 96
    # the second package is incremental: nothing new, nothing sent
    [again] = _swap(laptop, county, stick)
    assert again.taken == 0 and again.inserted == 0


def test_a_package_imported_twice_or_out_of_order_changes_nothing_more(world):
    county, (laptop, _), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    hid = _add(laptop, VILLAGE["code"], "0001", ["王建国"])
    old = S.export(laptop, stick)[0].path
    kept = old.with_name("old.fpk")
    os.replace(old, kept)
    R.update_record(laptop, "household", hid, {"housing_area_m2": 80})
    new = S.export(laptop, stick)[0].path
    S.import_package(county, new)
    before = county.get("households", hid)
    again = S.import_package(county, new)
    late = S.import_package(county, kept)  # the older one arrives after the newer
    assert again.taken == late.taken == 0 and again.repeat
    assert county.get("households", hid)["housing_area_m2"] == 80 == before["housing_area_m2"]


def test_both_sides_change_one_field_the_loser_is_kept_as_a_conflict(world):
    county, (laptop, _), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    hid = _add(laptop, VILLAGE["code"], "0001", ["王建国"])
    _swap(laptop, county, stick)
    _swap(county, laptop, stick, teams=["第1工作队"])  # they have met: both hold the household
    R.update_record(laptop, "household", hid, {"housing_area_m2": 60})
    later = county.clock._now_ms
    county.clock._now_ms = lambda: later() + 5000  # the county's edit is the later one
    R.update_record(county, "household", hid, {"housing_area_m2": 90})
    _swap(laptop, county, stick)
    [c] = S.conflicts(county)
    assert (c["field"], json.loads(c["won_value"]), json.loads(c["lost_value"])) == (
        "housing_area_m2", 90, 60)  # fmt: skip
    assert c["lost_author"] == "队员0" and c["won_author"] == "县扶贫办" and not c["incoming_won"]
    # the receipt carries it to the laptop, which takes the county's value and lists it too
    [back] = _swap(county, laptop, stick, teams=["第1工作队"])
    assert laptop.get("households", hid)["housing_area_m2"] == 90
    assert [x["id"] for x in S.conflicts(laptop)] == [c["id"]]
    # the county keeps the team's value: a new change that travels back like any edit
    S.resolve(county, c["id"], "theirs")
    assert county.get("households", hid)["housing_area_m2"] == 60 and not S.conflicts(county)
    _swap(county, laptop, stick, teams=["第1工作队"])
    assert laptop.get("households", hid)["housing_area_m2"] == 60
    with pytest.raises(S.SyncError, match="已于"):
        S.resolve(county, c["id"], "mine")


def test_an_edit_made_after_seeing_the_other_value_is_no_conflict(world):
    county, (laptop, _), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    hid = _add(laptop, VILLAGE["code"], "0001", ["王建国"])
    _swap(laptop, county, stick)
    R.update_record(laptop, "household", hid, {"housing_area_m2": 60})
    R.update_record(laptop, "household", hid, {"housing_area_m2": 70})
    _swap(laptop, county, stick)
    R.update_record(county, "household", hid, {"housing_area_m2": 75})  # the county saw 70
    _swap(county, laptop, stick, teams=["第1工作队"])
    R.update_record(laptop, "household", hid, {"housing_area_m2": 76})  # and the team saw 75
    _swap(laptop, county, stick)
    assert county.get("households", hid)["housing_area_m2"] == 76
    assert S.conflicts(county) == [] and S.conflicts(laptop) == []


def test_a_delete_travels_and_a_newer_edit_of_another_field_is_kept(world):
    county, (laptop, _), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    hid = _add(laptop, VILLAGE["code"], "0001", ["王建国", "王小红"])
    _swap(laptop, county, stick)
    member = [m for m in county.find("members") if m["name"] == "王小红"][0]["id"]
    county.delete("members", member)
    R.update_record(laptop, "member", member, {"phone": "13900000000"})
    _swap(laptop, county, stick)
    _swap(county, laptop, stick, teams=["第1工作队"])
    for s in (county, laptop):
        row = s.get("members", member, include_deleted=True)
        assert row["deleted"] == 1 and row["phone"] == "13900000000"
    assert len(laptop.find("members", "household_id = ?", [hid])) == 1


def _refused(store, path, match):
    before = dump(store)
    with pytest.raises((S.SyncError, package.PackageError), match=match):
        S.import_package(store, path)
    assert dump(store) == before


@BOTH
def test_refusals_leave_the_register_exactly_as_it_was(world, tmp_path):
    county, (laptop, other), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    _add(laptop, VILLAGE["code"], "0001", ["王建国"])
    path = S.export(laptop, stick)[0].path
    data = path.read_bytes()
    bad = tmp_path / "bad"
    bad.mkdir()

    def variant(name, content):
        (bad / name).write_bytes(content)
        return bad / name

    _refused(county, variant("cut.fpk", data[: len(data) // 2]), "不完整")
    flipped = bytearray(data)
    flipped[-40] ^= 1
    _refused(county, variant("flip.fpk", bytes(flipped)), "校验未通过")
    # a package of a newer format
    newer = data[:8] + (99).to_bytes(2, "big") + data[10:]
    _refused(county, variant("newer.fpk", newer), "更新版本")
    # the team's own package at another team's laptop, or back at its own
    _refused(other, path, "另一个工作队|另一个密钥|不是用本机的密钥")
    _refused(laptop, path, "发给县里")
    # a county package at the county
    county_pkg = S.export(county, bad, teams=["第1工作队"])[0].path
    _refused(county, county_pkg, "县里发给")
    # another county's package
    elsewhere = open_store(tmp_path / "elsewhere.db", create=True, role="county")
    try:
        R.add_village(elsewhere, VILLAGE)
        _refused(elsewhere, path, "不是本县登记")
    finally:
        elsewhere.close()


def test_a_teams_package_touching_another_village_is_refused_whole(world, tmp_path):
    county, (laptop, other), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    _swap(county, other, stick, teams=["第2工作队"])
    theirs = _add(other, OTHER["code"], "0001", ["牛有才"])
    _swap(other, county, stick)
    # the first team's laptop is handed the other village's household (a copied file)
    from storage.merge import changes_since, merge

    merge(laptop, changes_since(other, 0, ["villages", "households", "members"]))
    laptop.db.conn.execute("delete from sync_peers")  # as if never sent, so it goes out again
    R.update_record(laptop, "household", theirs, {"housing_area_m2": 10})
    # the exporter leaves it out: it is not the team's to send
    [e] = S.export(laptop, stick)
    assert e.left_out >= 1
    # a forged package carrying it anyway is refused whole
    team = S.team_of(laptop)
    state = changes_since(laptop, 0, ["households", "members"])
    header = S._header(laptop, S.TO_COUNTY, team.id, team.name, team.county, team.villages, 99,
                       0, state)  # fmt: skip
    forged = S._write(tmp_path / "forged.fpk", header,
                      {"records": state, "upto": 99, "ack": 0, "receipt": None}, team.key)  # fmt: skip
    _refused(county, forged, "不属于本队的村")


def test_a_rekeyed_team_old_laptop_is_refused_and_the_new_one_gets_everything(world, tmp_path):
    county, (laptop, _), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    hid = _add(laptop, VILLAGE["code"], "0001", ["王建国"])
    _swap(laptop, county, stick)
    old_package = S.export(laptop, tmp_path)[0].path
    # the laptop is lost: the county re-keys the team and a new laptop enrols
    _, enrolment = register_team(county, "第1工作队", [VILLAGE["code"]], PASS, tmp_path)
    _refused(county, old_package, "旧密钥")
    new = open_store(tmp_path / "new.db", create=True, operator="新队员")
    try:
        enroll(new, enrolment, PASS)
        [first] = _swap(county, new, stick, teams=["第1工作队"])
        assert first.inserted >= 2 and new.get("households", hid) is not None
        R.update_record(new, "household", hid, {"toilet": "卫生厕所"})
        [got] = _swap(new, county, stick)
        assert got.result == "applied" and county.get("households", hid)["toilet"] == "卫生厕所"
    finally:
        new.close()


def test_a_laptop_register_kept_before_enrolment_merges_into_the_county_village(tmp_path):
    county = open_store(tmp_path / "county.db", create=True, role="county")
    laptop = open_store(tmp_path / "laptop.db", create=True)
    try:
        R.add_village(county, VILLAGE)
        R.add_village(laptop, VILLAGE)  # its own village record, another id
        hid = _add(laptop, VILLAGE["code"], "0001", ["王建国"])
        _, path = register_team(county, "第1工作队", [VILLAGE["code"]], PASS, tmp_path)
        enroll(laptop, path, PASS)
        assert (
            laptop.get("households", hid)["village_id"]
            == R.find_village(county, VILLAGE["code"])["id"]
        )
        stick = tmp_path / "stick"
        stick.mkdir()
        [got] = _swap(laptop, county, stick)
        assert got.result == "applied" and len(county.find("villages")) == 1
        assert county.get("households", hid) is not None
    finally:
        county.close()
        laptop.close()


def test_a_stamp_far_in_the_future_is_taken_flagged_and_does_not_hold_the_clock(world):
    county, (laptop, _), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    hid = _add(laptop, VILLAGE["code"], "0001", ["王建国"])
    laptop.clock._now_ms = lambda: 1_000 * 3600 * 24 * 365 * 80  # a laptop clock set to 2049
    R.update_record(laptop, "household", hid, {"housing_area_m2": 55})
    [got] = _swap(laptop, county, stick)
    assert got.future >= 1 and county.get("households", hid)["housing_area_m2"] == 55
    assert county.clock.tick() < "2040"  # the county's clock stayed in the present
    R.update_record(county, "household", hid, {"housing_area_m2": 65})  # and its edit still wins
    assert county.get("households", hid)["housing_area_m2"] == 65
    assert county.get("households", hid)["hlc"] > "2"
    [back] = _swap(county, laptop, stick, teams=["第1工作队"])
    assert laptop.get("households", hid)["housing_area_m2"] == 65


@BOTH
def test_the_batch_import_reports_each_package_and_does_not_stop_at_a_bad_one(world, tmp_path):
    county, laptops, stick = world
    for lap, name in zip(laptops, ("第1工作队", "第2工作队")):
        _swap(county, lap, stick, teams=[name])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    _add(laptops[0], VILLAGE["code"], "0001", ["王建国"])
    _add(laptops[1], OTHER["code"], "0001", ["牛有才"])
    a = S.export(laptops[0], inbox)[0].path
    S.export(laptops[1], inbox)
    (inbox / "torn.fpk").write_bytes(a.read_bytes()[:-30])
    seen = []
    results = S.import_paths(county, [inbox], progress=lambda i, n, name: seen.append((i, n)))
    assert sorted(r.result for r in results) == ["applied", "applied", "refused"]
    assert seen[-1] == (3, 3)
    torn = next(r for r in results if r.result == "refused")
    assert "不完整" in torn.reason and torn.team == "第1工作队"
    # the refusal is in that team's receipt
    [back] = _swap(county, laptops[0], stick, teams=["第1工作队"])
    assert {p["result"] for p in back.receipt["packages"]} == {"applied", "refused"}
    status = S.status(county)
    assert [p["team"] for p in status["peers"]] == ["第1工作队", "第2工作队"]
    assert all(p["received_at"] for p in status["peers"])


def test_a_full_or_pulled_stick_keeps_the_register_and_the_previous_package(world, monkeypatch):
    county, (laptop, _), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    _add(laptop, VILLAGE["code"], "0001", ["王建国"])
    [first] = S.export(laptop, stick)
    previous = first.path.read_bytes()
    R.update_record(laptop, "household", laptop.find("households")[0]["id"], {"toilet": "无"})
    before = dump(laptop)
    real_fsync = os.fsync

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(package.PackageError, match="U盘已满"):
        S.export(laptop, stick)
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert dump(laptop) == before  # not even "sent" is recorded
    assert first.path.read_bytes() == previous and not list(stick.glob("*.part"))
    assert S.import_package(county, first.path).result == "applied"


def test_county_values_are_the_countys_on_an_enrolled_laptop(world):
    from storage.db import StorageError
    from storage.operations import set_county_facts, set_policy

    county, (laptop, _), stick = world
    before = dump(laptop)
    with pytest.raises(StorageError, match="县扶贫办统一设定"):
        set_policy(laptop, 2018, {"poverty_line": 4000})
    with pytest.raises(StorageError, match="县扶贫办统一设定"):
        set_county_facts(laptop, "安定区", 2018, {})
    assert dump(laptop) == before
    # the county's value arrives and wins over the laptop's seeded reference value
    set_policy(county, 2018, {"poverty_line": 3535})
    _swap(county, laptop, stick, teams=["第1工作队"])
    assert R.policy_for(laptop, 2018)["poverty_line"] == 3535


def test_the_same_person_in_two_villages_never_refuses_and_reaches_the_receipt(world):
    county, laptops, stick = world
    for lap, name in zip(laptops, ("第1工作队", "第2工作队")):
        _swap(county, lap, stick, teams=[name])
    same = "620102197505061234"
    for lap, code in zip(laptops, (VILLAGE["code"], OTHER["code"])):
        hid = _add(lap, code, "0001", ["王建国"])
        member = lap.find("members", "household_id = ?", [hid])[0]["id"]
        lap.update("members", member, {"id_number": same})
        [got] = _swap(lap, county, stick)
        assert got.result == "applied"
    from storage.duplicates import find_duplicates

    [dup] = find_duplicates(county)
    assert dup.id_number == same and len(dup.members) == 2
    [back] = _swap(county, laptops[0], stick, teams=["第1工作队"])
    assert [d["id_number"] for d in back.receipt["duplicates"]] == [same]


@BOTH
def test_a_package_refused_inside_a_batch_leaves_the_others_applied(world, tmp_path):
    county, laptops, stick = world
    for lap, name in zip(laptops, ("第1工作队", "第2工作队")):
        _swap(county, lap, stick, teams=[name])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first = _add(laptops[0], VILLAGE["code"], "0001", ["王建国"])
    S.export(laptops[0], inbox)[0].path.rename(inbox / "a.fpk")
    # a household of the team's village in a 村民小组 nobody has: refused while merging
    team = S.team_of(laptops[1])
    other_id, F = R.find_village(county, OTHER["code"])["id"], "1796000000000-00000-forged"
    orphan = {"households": {"m-1": {"village_id": [other_id, F, None],
                                     "group_id": ["no-such-group", F, None],
                                     "status": ["新识别", F, None], "deleted": [0, F, None]}}}  # fmt: skip
    header = S._header(laptops[1], S.TO_COUNTY, team.id, team.name, team.county, team.villages,
                       9, 0, orphan)  # fmt: skip
    S._write(inbox / "b.fpk", header, {"records": orphan, "upto": 9, "ack": 0, "receipt": None},
             team.key)  # fmt: skip
    second = _add(laptops[1], OTHER["code"], "0001", ["马玉兰"])
    S.export(laptops[1], inbox)[0].path.rename(inbox / "c.fpk")
    results = S.import_paths(county, [inbox])
    assert [r.result for r in results] == ["applied", "refused", "applied"]
    assert "缺少它所属的村或户" in results[1].reason  # found inside the batch's transaction
    assert county.get("households", first) and county.get("households", second)
    assert county.get("households", "m-1", include_deleted=True) is None


def test_a_closed_year_and_its_reopen_travel_both_ways(world):
    from forms.criteria.household import evaluate_household
    from storage import operations as ops
    from storage.snapshots import household_snapshot

    county, (laptop, _), stick = world
    _swap(county, laptop, stick, teams=["第1工作队"])
    hid = _add(laptop, VILLAGE["code"], "0001", ["王建国"])
    R.update_record(laptop, "household", hid, {"toilet": "无"})
    _swap(laptop, county, stick)
    # the county closes 2015 for its villages; the team's laptop receives the frozen records
    ops.close_year(county, 2015)
    _swap(county, laptop, stick, teams=["第1工作队"])
    R.update_record(laptop, "household", hid, {"toilet": "卫生厕所"})
    snap = household_snapshot(laptop, hid, 2015)
    assert snap["closed"]["year"] == 2015
    assert evaluate_household(snap).criteria[8].status == "unmet"  # ⑼ as decided in 2015
    assert laptop.find("frozen_years") and laptop.find("year_closures")
    # a year the county closed is reopened only by the county: refused on the laptop
    before = dump(laptop)
    with pytest.raises(S.StorageError, match="由县扶贫办封存"):
        ops.reopen_year(laptop, 2015, "补录厕所改造")
    assert dump(laptop) == before
    # the team may close its village's year only where the county allows it (policy values)
    before = dump(laptop)
    with pytest.raises(S.StorageError, match="由县扶贫办统一封存"):
        ops.close_year(laptop, 2016)
    assert dump(laptop) == before
    ops.set_policy(county, 2016, {"poverty_line": 3000, "teams_may_close": True})
    _swap(county, laptop, stick, teams=["第1工作队"])
    # the team closes 2016 for its village and reopens it with a reason: both reach the county
    ops.close_year(laptop, 2016)
    ops.reopen_year(laptop, 2016, "补录收支")
    _swap(laptop, county, stick)
    vid = laptop.find("villages")[0]["id"]
    [row] = [r for r in county.find("year_closures") if (r["village_id"], r["year"]) == (vid, 2016)]
    assert (row["closed"], row["by_county"], row["reopen_reason"]) == (False, False, "补录收支")
    # the county reopens 2015 with a reason; the laptop follows the register again
    ops.reopen_year(county, 2015, "县审核：厕所已改造")
    _swap(county, laptop, stick, teams=["第1工作队"])
    snap = household_snapshot(laptop, hid, 2015)
    assert "closed" not in snap and evaluate_household(snap).criteria[8].status == "met"
