"""Enrolment: the county registers a team and its key; the laptop imports it once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage import package
from storage import register as R
from storage.db import open_store
from storage.enrolment import EnrolmentError, enroll, register_team, team_of, teams
from tests.dumps import dump

ROOT = Path(__file__).resolve().parents[2]
PASS = "青岭村-2016-开门"
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
OTHER = {"code": "621102100202", "name": "石岔村", "township": "凤翔镇", "county": "安定区"}


@pytest.fixture
def county(tmp_path):
    store = open_store(tmp_path / "county.db", create=True, role="county", operator="县扶贫办")
    R.add_village(store, VILLAGE)
    R.add_village(store, OTHER)
    yield store
    store.close()


@pytest.fixture
def laptop(tmp_path):
    store = open_store(tmp_path / "laptop.db", create=True, role="village", operator="队长")
    yield store
    store.close()


@pytest.fixture
def stick(tmp_path):
    folder = tmp_path / "U盘"
    folder.mkdir()
    return folder


def test_a_team_enrols_with_the_passphrase_given_in_person(county, laptop, stick):
    team, path = register_team(county, "青岭村工作队", ["621102100201"], PASS, stick)
    assert path.parent == stick and path.name.endswith(".fpk") and "青岭村工作队" in path.name
    assert PASS.encode() not in path.read_bytes() and team.key not in path.read_bytes()
    [row] = teams(county)
    assert row["villages"] == ["621102100201"] and row["key_id"] == team.key_id
    enrolled = enroll(laptop, path, PASS)
    assert enrolled == team == team_of(laptop)
    assert team_of(laptop).villages == ("621102100201",) and team_of(laptop).county == "安定区"


def test_a_wrong_passphrase_changes_nothing(county, laptop, stick):
    _, path = register_team(county, "青岭村工作队", ["621102100201"], PASS, stick)
    before = dump(laptop)
    with pytest.raises(EnrolmentError, match="口令不对"):
        enroll(laptop, path, PASS + "x")
    assert dump(laptop) == before and team_of(laptop) is None


def test_an_enrolment_from_another_county_or_for_other_villages_is_refused(county, laptop, stick):
    _, path = register_team(county, "青岭村工作队", ["621102100201"], PASS, stick)
    R.add_village(laptop, {**OTHER, "county": "渭源县", "code": "621123100201"})
    before = dump(laptop)
    with pytest.raises(EnrolmentError, match="渭源县"):
        enroll(laptop, path, PASS)
    assert dump(laptop) == before


def test_a_laptop_keeps_its_records_when_their_village_is_the_teams(county, laptop, stick):
    vid = R.add_village(laptop, VILLAGE)  # a register kept before enrolment
    hid = R.add_household(laptop, {"village_id": vid, "household_no": "0001", "status": "未脱贫"},
                          [{"name": "王建国", "relation": "户主"}])  # fmt: skip
    _, path = register_team(county, "青岭村工作队", ["621102100201"], PASS, stick)
    enroll(laptop, path, PASS)
    # the village is the county's record of that code now; the households keep their UUIDs
    county_vid = R.find_village(county, "621102100201")["id"]
    assert laptop.get("villages", vid) is None and laptop.get("villages", county_vid)["code"] == (
        "621102100201")  # fmt: skip
    assert laptop.get("households", hid)["village_id"] == county_vid
    R.add_village(laptop, OTHER)
    _, path2 = register_team(county, "青岭村工作队", ["621102100201"], PASS, stick)
    with pytest.raises(EnrolmentError, match="不属于本工作队的村：621102100202"):
        enroll(laptop, path2, PASS)


def test_rekeying_a_team_retires_its_old_key(county, stick):
    first, _ = register_team(county, "青岭村工作队", ["621102100201"], PASS, stick)
    second, _ = register_team(county, "青岭村工作队", ["621102100201"], "另一个口令-2017", stick)
    [row] = teams(county)
    assert second.id == first.id and second.key != first.key
    assert row["key_id"] == second.key_id and row["retired_key_ids"] == [first.key_id]


def test_what_the_county_refuses_leaves_no_team_and_no_file(county, laptop, stick):
    before = dump(county)
    for kwargs, message in (
        ({"village_codes": ["999999999999"]}, "没有行政区划代码为 999999999999 的村"),
        ({"passphrase": "short"}, "至少 8 个字符"),
        ({"name": " "}, "工作队名称"),
    ):
        args = {"name": "青岭村工作队", "village_codes": ["621102100201"], "passphrase": PASS,
                "out_folder": stick, **kwargs}  # fmt: skip
        with pytest.raises(EnrolmentError, match=message):
            register_team(county, **args)
    with pytest.raises(EnrolmentError, match="只有县级数据库"):
        register_team(laptop, "队", ["621102100201"], PASS, stick)
    assert dump(county) == before and list(stick.iterdir()) == []


def test_a_failed_write_of_the_enrolment_file_registers_no_team(county, stick, monkeypatch):
    before = dump(county)
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "full")))
    with pytest.raises(package.PackageError, match="无法写入"):
        register_team(county, "青岭村工作队", ["621102100201"], PASS, stick)
    monkeypatch.undo()
    assert dump(county) == before and list(stick.iterdir()) == []


def test_sync_team_and_enroll_on_the_command_line(tmp_path, stick):
    env = {**os.environ, "FUPIN_PASSPHRASE": PASS, "FUPIN_OPERATOR": "县扶贫办"}

    def run(*args):
        return subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                              capture_output=True, text=True, env=env, timeout=120)  # fmt: skip

    county, laptop = tmp_path / "c.db", tmp_path / "l.db"
    assert run("init", county, "--role", "county").returncode == 0
    store = open_store(county)
    R.add_village(store, VILLAGE)
    store.close()
    made = run("sync", "team", county, "--name", "青岭村工作队", "--village", "621102100201",
               "--out", stick)  # fmt: skip
    assert made.returncode == 0, made.stderr
    [path] = list(stick.iterdir())
    assert run("init", laptop).returncode == 0
    done = run("sync", "enroll", laptop, path)
    assert done.returncode == 0, done.stderr
    assert "青岭村工作队" in done.stdout
    env["FUPIN_PASSPHRASE"] = "wrong-passphrase"
    refused = run("sync", "enroll", laptop, path)
    assert refused.returncode != 0 and "口令不对" in refused.stderr
    assert "Traceback" not in refused.stderr
    store = open_store(laptop)
    assert json.loads(store.meta()["team_villages"]) == ["621102100201"]
    store.close()
