"""Opening files: pragmas, refusing bad files without touching them, device and clock."""

import hashlib
import sqlite3

import pytest

from storage.db import DatabaseMissing, NewerSchema, NotADatabase, open_store
from storage.schema import LATEST


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_pragmas_foreign_keys_wal_full_sync(fresh_db):
    assert fresh_db.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert fresh_db.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert fresh_db.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert fresh_db.schema_version == LATEST


def test_missing_file_is_refused_and_not_created(tmp_path):
    with pytest.raises(DatabaseMissing, match="找不到数据库文件"):
        open_store(tmp_path / "nope.db")
    assert not (tmp_path / "nope.db").exists()


def test_text_file_is_refused_unchanged(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库\n", encoding="utf-8")
    before = _digest(path)
    with pytest.raises(NotADatabase, match="不是扶贫台账数据库文件"):
        open_store(path)
    assert _digest(path) == before


def test_foreign_sqlite_file_is_refused_unchanged(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("create table songs (title text)")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(NotADatabase, match="不是扶贫台账数据库"):
        open_store(path)
    assert _digest(path) == before


def test_newer_schema_is_refused_unchanged(tmp_path):
    path = tmp_path / "future.db"
    open_store(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(NewerSchema, match="更新版本的软件"):
        open_store(path)
    assert _digest(path) == before


def test_device_id_is_kept_and_clock_moves_forward(tmp_path):
    path = tmp_path / "a.db"
    store = open_store(path, create=True, operator="甲")
    device, first = store.device_id, store.clock.tick()
    store.set_meta("hlc_last", store.clock.last)
    store.close()
    again = open_store(path, operator="乙")
    assert again.device_id == device
    assert again.clock.tick() > first
    again.close()


def test_two_files_have_different_devices(tmp_path):
    a = open_store(tmp_path / "a.db", create=True)
    b = open_store(tmp_path / "b.db", create=True)
    assert a.device_id != b.device_id
    a.close(), b.close()
