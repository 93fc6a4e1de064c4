"""A file made by the first schema opens, upgrades, keeps its data and gets a backup."""

import shutil
import sqlite3
from pathlib import Path

from storage import register as R
from storage.db import open_store
from storage.schema import LATEST, MIGRATIONS

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "schema_v1.db"


def test_fixture_is_schema_1():
    conn = sqlite3.connect(FIXTURE)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_first_schema_file_upgrades_and_keeps_everything(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    store = open_store(path, operator="升级测试")
    assert store.schema_version == LATEST == MIGRATIONS[-1][0]
    assert store.device_id == "v1device0001"
    household = store.get("households", "h-1")
    assert household["household_no"] == "0001"
    assert household["income_channels"] == ["种植"]
    assert household["housing_safe"] is True
    assert household["address"] is None  # a column migration 2 added
    member = R.members_of(store, "h-1")[0]
    assert member["name"] == "王建国" and member["phone"] is None
    assert member["name_initials"] == "wjg"  # migration 3 filled the search key in
    assert R.finances_of(store, "h-1")[0]["wage_income"] == 4000.0
    # the old change log is still there, and new writes go on from it
    R.update_record(store, "household", "h-1", {"address": "青岭村一社"})
    log = store.changes("households", "h-1")
    assert [c["operator"] for c in log] == ["老王", "升级测试"]
    assert log[1]["hlc"] > log[0]["hlc"]
    store.close()
    backup = tmp_path / "old.db.v1.bak"
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("select household_no from households").fetchone()[0] == "0001"
    conn.close()


def test_upgraded_file_reopens_without_migrating_again(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    open_store(path).close()
    store = open_store(path)
    assert store.schema_version == LATEST
    assert len(store.find("households")) == 1
    store.close()
