"""Backups (storage.backup): a checked snapshot on the first open of each day and before every
import, sync and year close, kept in rotation; a copy to a folder (a USB stick) read back; a
restore that backs up the current file first, so that it can be undone; and a backup that
cannot be written never lets an import go ahead."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import pytest

from storage import backup as B
from storage import cipher, encryption
from storage import operations as O
from storage import register as R
from storage.db import StorageError, open_store
from tests.dumps import dump
from tests.storage.ledgers import member_per_row
from tests.test_cli import run

VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
# a test marked so runs twice: a plain register, then one encrypted (storage.encryption)
BOTH = pytest.mark.parametrize("register", ["plain", "encrypted"], indirect=True)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    path = tmp_path / "backups"
    monkeypatch.setenv("FUPIN_BACKUP_DIR", str(path))
    return path


@pytest.fixture
def register(tmp_path, folder, request):
    path = tmp_path / "register.db"
    store = open_store(path, create=True, operator="测试员")
    R.add_village(store, VILLAGE)
    store.close()
    if getattr(request, "param", "") == "encrypted":
        encryption.encrypt(path, "备份测试的口令")
    return path


def _rows(path, table="villages"):
    conn = cipher.connect(path)  # an encrypted one with the key its encryption left in memory
    try:
        return conn.execute(f"select * from {table} order by id").fetchall()
    finally:
        conn.close()


@BOTH
def test_the_first_open_of_a_day_takes_a_checked_snapshot(register, folder):
    assert B.backups(B.folder_for(register)) == []  # a new file has nothing to back up
    store = open_store(register)
    store.close()
    [daily] = B.backups(B.folder_for(register))
    assert daily.reason == B.DAILY and B.quick_check(daily.path) == "ok"
    assert _rows(daily.path) == _rows(register)
    assert not daily.path.with_name(daily.path.name + "-wal").exists()
    store = open_store(register)  # the same day again: no second one
    store.close()
    assert len(B.backups(B.folder_for(register))) == 1


@BOTH
def test_imports_syncs_and_year_closes_are_preceded_by_a_backup(register, tmp_path):
    store = open_store(register, operator="测试员")
    try:
        book = member_per_row(tmp_path / "a.xlsx")
        from storage import xlsx_import as X

        sheets = X.read(book)
        O.import_xlsx(store, X.plan_import(store, sheets, X.propose_mapping(sheets)))
        O.close_year(store, 2017)
        O.sync_import(store, [])
    finally:
        store.close()
    reasons = [b.reason for b in B.backups(B.folder_for(register))]
    assert sorted(reasons) == sorted([B.DAILY, B.BEFORE_IMPORT, B.BEFORE_CLOSE, B.BEFORE_SYNC])
    before_import = next(
        b for b in B.backups(B.folder_for(register)) if b.reason == B.BEFORE_IMPORT
    )
    assert _rows(before_import.path, "households") == []  # as it was before the import
    assert len(_rows(register, "households")) == 2


def test_the_rotation_keeps_the_last_7_days_and_the_last_4_weeks(register):
    conn = sqlite3.connect(register)
    now = datetime(2026, 12, 2, 9, 0)
    try:
        for days in range(60, -1, -1):  # a snapshot a day at 9:00 and 18:00 for two months
            for hour in (9, 18):
                when = now.replace(hour=hour) - timedelta(days=days)
                B.snapshot(conn, register, B.DAILY, now=when)
    finally:
        conn.close()
    kept = B.backups(B.folder_for(register))
    days = sorted({b.taken.date() for b in kept})
    today = now.date()
    assert [b.taken for b in kept if b.taken.date() == today] == [
        now.replace(hour=18),
        now.replace(hour=9),
    ]  # today's all kept
    recent = [d for d in days if today - d < timedelta(days=7)]
    assert len(recent) == 7
    for d in recent[:-1]:  # one a day for the other six days: its newest
        [b] = [b for b in kept if b.taken.date() == d]
        assert b.taken.hour == 18
    older = [d for d in days if today - d >= timedelta(days=7)]
    assert older and all(today - d < timedelta(weeks=4) for d in older)
    assert len({d.isocalendar()[:2] for d in older}) == len(older) <= 4
    assert len(kept) <= 2 + 6 + 4


@BOTH
def test_a_restore_backs_up_the_current_file_and_can_be_undone(register, tmp_path):
    store = open_store(register, operator="测试员")
    [daily] = B.backups(B.folder_for(register))
    O.add_village(store, {"code": "621102100202", "name": "石岔村", "township": "凤翔镇",
                          "county": "安定区"})  # fmt: skip
    store.close()
    with_two = _rows(register)
    before = B.restore(daily.path, register)
    assert len(_rows(register)) == 1 and before.reason == B.BEFORE_RESTORE
    store = open_store(register)  # the restored file opens as a register
    store.close()
    B.restore(before.path, register)  # undone
    assert _rows(register) == with_two


def test_a_file_that_is_no_backup_is_not_restored(register, tmp_path):
    store = open_store(register)
    before = dump(store)
    store.close()
    junk = tmp_path / "不是备份.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(B.BackupError, match="不是完好的台账备份"):
        B.restore(junk, register)
    with pytest.raises(B.BackupError, match="不是完好的台账备份"):
        B.restore(tmp_path / "不存在.db", register)
    store = open_store(register)
    assert dump(store) == before
    store.close()


@BOTH
def test_a_copy_to_a_usb_stick_reads_back(register, tmp_path):
    stick = tmp_path / "U盘"
    stick.mkdir()
    out = B.to_folder(register, stick, now=datetime(2026, 12, 2, 17, 30))
    assert out.name == "register-备份-20261202-173000.db" and B.quick_check(out) == "ok"
    assert _rows(out) == _rows(register)
    assert list(stick.iterdir()) == [out]  # no .part left behind
    with pytest.raises(B.BackupError, match="是否已插入U盘"):
        B.to_folder(register, tmp_path / "拔出的U盘")


def test_without_a_backup_an_import_is_refused_and_nothing_changes(register, tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    monkeypatch.setenv("FUPIN_BACKUP_DIR", str(blocked / "backups"))  # under a file: no folder
    store = open_store(register, operator="测试员")
    try:
        assert store.backup_problem and "无法写入备份" in store.backup_problem  # it still opens
        before = dump(store)
        from storage import xlsx_import as X

        sheets = X.read(member_per_row(tmp_path / "a.xlsx"))
        plan = X.plan_import(store, sheets, X.propose_mapping(sheets))
        with pytest.raises(StorageError, match="导入前备份未能完成，未作任何改动"):
            O.import_xlsx(store, plan)
        assert dump(store) == before
    finally:
        store.close()


def test_backup_restore_and_backups_on_the_command_line(register, tmp_path, folder):
    stick = tmp_path / "U盘"
    stick.mkdir()
    result = run("backup", register, stick)
    assert result.returncode == 0 and "已读回检查" in result.stdout, result.stderr
    [copy] = list(stick.iterdir())
    single = tmp_path / "单个.db"
    assert run("backup", register, single).returncode == 0 and B.quick_check(single) == "ok"
    open_store(register).close()  # the day's first open
    result = run("backups", register)
    assert result.returncode == 0 and "每日" in result.stdout
    result = run("restore", copy, register)
    assert result.returncode == 0 and "恢复前的数据库已备份为" in result.stdout
    result = run("restore", tmp_path / "没有.db", register)
    assert result.returncode != 0 and "不是完好的台账备份" in result.stderr
