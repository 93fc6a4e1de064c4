"""The sync commands as a clerk and a team type them: real processes, real files on a folder."""

import json
import os
import subprocess
import sys
from pathlib import Path

from storage import register as R
from storage.db import open_store

ROOT = Path(__file__).resolve().parents[1]
PASS = "青岭村-2016-开门"
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}


def test_a_trip_to_the_county_and_back_on_the_command_line(tmp_path):
    env = {**os.environ, "FUPIN_PASSPHRASE": PASS, "FUPIN_OPERATOR": "县扶贫办"}

    def run(*args, ok=True):
        done = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                              capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
        assert "Traceback" not in done.stderr, done.stderr
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    stick = tmp_path / "U盘"
    stick.mkdir()
    county, laptop = tmp_path / "county.db", tmp_path / "laptop.db"
    run("init", county, "--role", "county")
    store = open_store(county)
    vid = R.add_village(store, VILLAGE)
    hid = R.add_household(store, {"village_id": vid, "household_no": "0001", "status": "未脱贫"},
                          [{"name": "王建国", "relation": "户主"}])  # fmt: skip
    store.close()
    run(
        "sync",
        "team",
        county,
        "--name",
        "青岭村工作队",
        "--village",
        VILLAGE["code"],
        "--out",
        stick,
    )
    run("init", laptop)
    run("sync", "enroll", laptop, next(stick.iterdir()))
    for f in stick.iterdir():
        f.unlink()
    # the county's first package: the team's village and its household
    out = run("sync", "export", county, stick).stdout
    assert "青岭村工作队" in out and "已写出" in out
    got = run("sync", "import", laptop, stick).stdout
    assert "已导入" in got and "新增记录" in got
    for f in stick.iterdir():
        f.unlink()
    # both sides change the housing area; the team's package reaches the county
    for path, area in ((laptop, 60), (county, 90)):
        store = open_store(path, operator="x")
        R.update_record(store, "household", hid, {"housing_area_m2": area})
        store.close()
    run("sync", "export", laptop, stick)
    got = run("sync", "import", county, stick).stdout
    assert "回执 →" in got and (tmp_path / "county-同步日志.txt").exists()
    conflicts = json.loads(run("sync", "conflicts", county, "--format", "json").stdout)
    assert len(conflicts) == 1 and conflicts[0]["field"] == "housing_area_m2"
    listed = run("sync", "conflicts", county).stdout
    assert conflicts[0]["id"] in listed
    run("sync", "resolve", county, conflicts[0]["id"], "--keep", "theirs")
    assert json.loads(run("sync", "conflicts", county, "--format", "json").stdout) == []
    status = json.loads(run("sync", "status", county, "--format", "json").stdout)
    assert status["peers"][0]["team"] == "青岭村工作队" and status["peers"][0]["received_at"]
    # the receipt back on the laptop: the package arrived; then the county's kept value
    receipt = [f for f in stick.iterdir() if "县发" in f.name]
    back = run("sync", "import", laptop, *receipt).stdout
    assert "县里回执" in back and "已导入" in back
    run("sync", "export", county, stick)
    run("sync", "import", laptop, *[f for f in stick.iterdir() if "县发" in f.name])
    store = open_store(laptop)
    try:
        counted = store.get("households", hid)["housing_area_m2"]
        assert counted == 60  # the team's value, kept at the county, stands on both sides
    finally:
        store.close()
    store = open_store(county)
    try:
        assert store.get("households", hid)["housing_area_m2"] == counted
    finally:
        store.close()
    # refusals: a torn package, a wrong folder; the exit code says so
    torn = tmp_path / "torn.fpk"
    torn.write_bytes(receipt[0].read_bytes()[:100])
    refused = run("sync", "import", laptop, torn, ok=False)
    assert refused.returncode != 0 and "不完整" in refused.stdout
    missing = run("sync", "export", laptop, tmp_path / "没有这个U盘", ok=False)
    assert missing.returncode != 0 and "找不到文件夹" in missing.stderr
