"""Encryption at rest (storage.cipher, storage.encryption) on real SQLCipher files: unreadable
without the passphrase, refused unchanged with a wrong one, the same register with the right
one; its backups encrypted alike; a plain register and its backups the user's alone."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from storage import backup as B
from storage import browse, cipher, encryption
from storage import register as R
from storage.db import StorageError, open_store
from tests.dumps import dump

VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
OTHER = {"code": "621102100202", "name": "石岔村", "township": "凤翔镇", "county": "安定区"}
NAME, ID_NUMBER = "王建国", "11010519491231002X"
PASS = "青岭村的口令2016"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def folder(tmp_path, monkeypatch):
    path = tmp_path / "backups"
    monkeypatch.setenv("FUPIN_BACKUP_DIR", str(path))
    return path


@pytest.fixture
def plain(tmp_path):
    """A plain register with a household, opened twice (so it has its day's backup)."""
    path = tmp_path / "register.db"
    store = open_store(path, create=True, operator="测试员")
    vid = R.add_village(store, VILLAGE)
    R.add_household(store, {"village_id": vid, "household_no": "0001", "status": "未脱贫"},
                    [{"name": NAME, "relation": "户主", "id_number": ID_NUMBER}])  # fmt: skip
    store.close()
    open_store(path).close()
    return path


def _dump(path, passphrase=None) -> dict:
    store = open_store(path, passphrase=passphrase)
    try:
        return dump(store)
    finally:
        store.close()


def _digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _in_clear(folder: Path) -> list[str]:
    """The files under a folder whose bytes hold the household's name or ID number."""
    secrets = (NAME.encode("utf-8"), ID_NUMBER.encode("ascii"))
    return [str(p) for p in folder.rglob("*")
            if p.is_file() and any(s in p.read_bytes() for s in secrets)]  # fmt: skip


def test_an_encrypted_register_is_unreadable_without_its_passphrase(plain, tmp_path, folder):
    assert _in_clear(tmp_path)  # the check can fail: a plain register holds them in clear
    before = _dump(plain)
    encryption.encrypt(plain, PASS)
    cipher.forget_all()
    conn = sqlite3.connect(plain)
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        conn.execute("select * from members").fetchall()
    conn.close()
    assert _in_clear(tmp_path) == []  # neither the register nor its backups, nor a leftover
    assert sorted(p.name for p in tmp_path.iterdir()) == ["backups", "register.db"]
    assert _dump(plain, PASS) == before
    store = open_store(plain, passphrase=PASS)  # written to while open: its -wal encrypted too
    R.update_record(store, "household", store.find("households")[0]["id"], {"phone": "13900000000"})
    assert Path(f"{plain}-wal").exists() and _in_clear(tmp_path) == []
    store.close()


@pytest.mark.parametrize("given", [None, "不对的口令123", ""])
def test_without_or_with_a_wrong_passphrase_nothing_opens_nor_changes(plain, tmp_path, given):
    encryption.encrypt(plain, PASS)
    cipher.forget_all()
    files = {p.name: _digest(p) for p in tmp_path.iterdir() if p.is_file()}
    error = cipher.PassphraseNeeded if given is None else cipher.WrongPassphrase
    with pytest.raises(error, match="需要口令" if given is None else "口令不对"):
        open_store(plain, passphrase=given)
    with pytest.raises(cipher.PassphraseNeeded, match="数据库已加密，需要口令"):
        browse.open_reader(plain)
    assert {p.name: _digest(p) for p in tmp_path.iterdir() if p.is_file()} == files


@pytest.mark.parametrize(
    "passphrase", ['it\'s "quoted"; drop table meta; --', "扶贫口令：青岭村’”", "x'00ff'-abc"]
)
def test_a_passphrase_with_quotes_or_chinese_characters_works(plain, passphrase):
    before = _dump(plain)
    encryption.encrypt(plain, passphrase)
    cipher.forget_all()
    assert _dump(plain, passphrase) == before
    with pytest.raises(cipher.WrongPassphrase):
        open_store(plain, passphrase=passphrase[:-1])


def test_full_width_characters_typed_with_an_input_method_are_the_same_passphrase(plain):
    encryption.encrypt(plain, "青岭村123abc")
    cipher.forget_all()
    open_store(plain, passphrase="青岭村１２３ａｂｃ").close()


def test_the_passphrase_changes_and_the_old_one_no_longer_opens(plain, folder):
    before = _dump(plain)
    encryption.encrypt(plain, PASS)
    done = encryption.change_passphrase(plain, PASS, "新口令-2017年")
    assert done.backups == 1 and "已更改" in done.summary()
    cipher.forget_all()
    with pytest.raises(cipher.WrongPassphrase):
        open_store(plain, passphrase=PASS)
    assert _dump(plain, "新口令-2017年") == before
    [daily] = B.backups(B.folder_for(plain))  # the backup goes with the register
    cipher.forget_all()
    with pytest.raises(cipher.WrongPassphrase):
        B.restore(daily.path, plain, passphrase=PASS)
    assert B.restore(daily.path, plain, passphrase="新口令-2017年") is not None


def test_encrypting_and_decrypting_keep_every_row(plain, tmp_path):
    before = _dump(plain)
    encryption.encrypt(plain, PASS)
    assert cipher.is_encrypted(plain) and _dump(plain) == before  # its key remembered
    done = encryption.decrypt(plain, PASS)
    assert done.backups == 1 and not cipher.is_encrypted(plain)
    assert open(plain, "rb").read(16) == cipher.SQLITE_HEADER and _dump(plain) == before
    assert not any(cipher.is_encrypted(b) for b in encryption.backups_of(plain))


def test_refusals_of_the_file_operations_leave_the_file_as_it_was(plain, tmp_path, monkeypatch):
    monkeypatch.setattr(encryption, "IN_USE_SECONDS", 0.5)
    monkeypatch.setattr(encryption, "BUSY_SECONDS", 0.5)
    digest = _digest(plain)
    with pytest.raises(encryption.EncryptionError, match="至少要 6 个字符"):
        encryption.encrypt(plain, "短口令")
    with pytest.raises(encryption.EncryptionError, match="没有加密"):
        encryption.decrypt(plain, PASS)
    assert _digest(plain) == digest
    encryption.encrypt(plain, PASS)
    digest = _digest(plain)
    with pytest.raises(encryption.EncryptionError, match="已经加密"):
        encryption.encrypt(plain, PASS)
    with pytest.raises(cipher.WrongPassphrase):
        encryption.change_passphrase(plain, "不对的口令123", "新口令-2017年")
    with pytest.raises(cipher.WrongPassphrase):
        encryption.decrypt(plain, "不对的口令123")
    store = open_store(plain, passphrase=PASS)  # open elsewhere: not renamed under it
    try:
        with pytest.raises(encryption.EncryptionError, match="正被另一个程序"):
            encryption.decrypt(plain, PASS)
        with pytest.raises(encryption.EncryptionError, match="正被另一个程序"):
            encryption.change_passphrase(plain, PASS, "新口令-2017年")
        assert store.find("villages")  # the open one reads on, with the passphrase it had
    finally:
        store.close()
    cipher.forget_all()
    open_store(plain, passphrase=PASS).close()
    assert cipher.is_encrypted(plain) and not list(tmp_path.glob("*.converting"))


def test_backups_of_an_encrypted_register_are_encrypted_and_restore(plain, tmp_path, folder):
    encryption.encrypt(plain, PASS)
    store = open_store(plain, passphrase=PASS)
    R.add_village(store, OTHER)
    kept = B.snapshot(store.db.conn, plain, B.BY_HAND)
    store.close()
    stick = tmp_path / "U盘"
    stick.mkdir()
    copy = B.to_folder(plain, stick)
    for path in (kept.path, copy):
        assert cipher.is_encrypted(path) and B.quick_check(path) == "ok"
    assert _in_clear(folder) == [] and _in_clear(stick) == []
    cipher.forget_all()  # a new process: the backup asks for its passphrase
    assert "需要口令" in B.quick_check(kept.path)
    digest = _digest(plain)
    with pytest.raises(cipher.PassphraseNeeded):
        B.restore(kept.path, plain)
    with pytest.raises(cipher.WrongPassphrase):
        B.restore(kept.path, plain, passphrase="不对的口令123")
    assert _digest(plain) == digest
    [daily] = [b for b in B.backups(B.folder_for(plain)) if b.reason == B.DAILY]
    before = B.restore(daily.path, plain, passphrase=PASS)  # one village again
    assert cipher.is_encrypted(before.path)
    assert [v["code"] for v in _villages(plain)] == [VILLAGE["code"]]
    B.restore(before.path, plain)  # undone, with the key now remembered
    assert len(_villages(plain)) == 2


def _villages(path) -> list[dict]:
    store = open_store(path)
    try:
        return store.find("villages")
    finally:
        store.close()


def test_a_restore_keeps_the_registers_protection_as_it_is_now(plain, tmp_path):
    encryption.encrypt(plain, PASS)
    [daily] = B.backups(B.folder_for(plain))
    kept = tmp_path / "kept.db"
    shutil.copy(daily.path, kept)  # an encrypted copy outside the backups folder
    encryption.decrypt(plain, PASS)
    cipher.forget_all()
    B.restore(kept, plain, passphrase=PASS)
    assert not cipher.is_encrypted(plain)  # decrypted since: the data back, still plain
    assert [v["code"] for v in _villages(plain)] == [VILLAGE["code"]]


def test_a_register_made_with_a_passphrase_is_encrypted_from_the_start(tmp_path):
    path = tmp_path / "new.db"
    store = open_store(path, create=True, passphrase=PASS)
    R.add_village(store, VILLAGE)
    reader = browse.open_reader(path)  # a worker's connection: the key from memory
    assert reader.find("villages")[0]["name"] == "青岭村"
    reader.close()
    store.close()
    assert cipher.is_encrypted(path) and _in_clear(tmp_path) == []


def test_an_old_encrypted_register_upgrades_and_its_pre_upgrade_copy_is_encrypted(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(ROOT / "tests" / "fixtures" / "schema_v1.db", path)
    encryption.encrypt(path, PASS)
    cipher.forget_all()
    store = open_store(path, passphrase=PASS)
    assert store.find("households")
    store.close()
    [old] = tmp_path.glob("old.db.v1.bak")
    assert cipher.is_encrypted(old) and B.quick_check(old) == "ok"


@pytest.mark.skipif(os.name != "posix", reason="Windows: the profile's ACL keeps it private")
def test_a_plain_register_and_its_backups_are_the_users_alone(plain, folder):
    [daily] = B.backups(B.folder_for(plain))
    for path in (plain, Path(f"{plain}-wal"), daily.path):
        if path.exists():
            assert path.stat().st_mode & 0o777 == 0o600, path
    for path in (folder, B.folder_for(plain)):
        assert path.stat().st_mode & 0o777 == 0o700, path
    os.chmod(plain, 0o644)  # a register copied in from elsewhere
    open_store(plain).close()
    assert plain.stat().st_mode & 0o777 == 0o600
    os.chmod(plain, 0o444)  # one the user made read-only stays read-only
    try:
        open_store(plain).close()
    except StorageError:  # refused, or not (root may write it): test_faults' concern
        pass
    assert plain.stat().st_mode & 0o777 == 0o400
