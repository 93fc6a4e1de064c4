"""Faults of the file under a write: a full disk, a read-only file or folder, a register whose
path disappears (the stick pulled out), a file another copy is writing. Each: a clear Chinese
message, the register exactly as before the write (full dump compared), and the program goes on
(it reads, and writes again once the cause is gone)."""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from storage import register as R
from storage.db import StorageError, WriteFailed, open_store
from storage.operations import import_register
from tests.dumps import dump

ROOT = Path(__file__).resolve().parents[2]
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
NOBODY = 65534


def _register(path):
    store = open_store(path, create=True, operator="驻村队员")
    vid = R.add_village(store, VILLAGE)
    hid = R.add_household(
        store, {"village_id": vid, "household_no": "0001", "status": "未脱贫"},
        [{"name": "王建国", "relation": "户主"}],
    )  # fmt: skip
    return store, vid, hid


def _many_households(n: int) -> dict:
    return {"format": "fupin-register/1", "households": [
        {"village_code": VILLAGE["code"], "household_no": f"{i:04d}", "status": "未脱贫",
         "address": "青岭村一社" + "某" * 90, "members": [{"name": f"李{i}", "relation": "户主"}]}
        for i in range(2, n + 2)]}  # fmt: skip


def _integrity(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_a_full_database_refuses_the_import_whole_and_takes_the_next_write(tmp_path):
    store, _, hid = _register(tmp_path / "a.db")
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 3}")  # as good as a full disk
    before = dump(store)
    with pytest.raises(WriteFailed, match="已满.*没有保存"):
        import_register(store, _many_households(200))
    assert dump(store) == before
    store.db.execute("PRAGMA max_page_count = 1073741823")  # space made
    R.update_record(store, "household", hid, {"address": "青岭村一社12号"})
    assert store.get("households", hid)["address"] == "青岭村一社12号"
    store.close()
    assert _integrity(tmp_path / "a.db") == "ok"


@pytest.fixture
def small_disk():
    """A 2 MB filesystem of its own (tmpfs; mounting needs root, else the test is skipped)."""
    folder = Path(tempfile.mkdtemp(prefix="fupin-disk-"))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)],
                             capture_output=True)  # fmt: skip
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    yield folder
    subprocess.run(["umount", "-l", str(folder)], check=True)
    folder.rmdir()


def test_a_disk_that_fills_mid_session_refuses_the_write_and_keeps_the_rest(small_disk):
    path = small_disk / "a.db"
    store, _, hid = _register(path)
    acknowledged = 0
    with pytest.raises(WriteFailed, match="已满.*没有保存") as refused:
        for n in range(1, 100_000):
            R.update_record(store, "household", hid, {"address": f"第{n}次" + "字" * 90})
            acknowledged = n
    assert "（disk full）" in str(refused.value) and acknowledged > 0
    # the program goes on: it reads the household as the last acknowledged write left it
    assert store.get("households", hid)["address"].startswith(f"第{acknowledged}次")
    store.close()
    assert _integrity(path) == "ok"
    store = open_store(path)
    log = [c for c in store.changes("households", hid) if c["field"] == "address"]
    assert len(log) == acknowledged  # every acknowledged edit, and nothing of the refused one
    assert store.get("households", hid)["address"].startswith(f"第{acknowledged}次")
    store.close()


def _as_nobody(script: str, folder: Path) -> subprocess.CompletedProcess:
    """Run a child without root's right to write anything (root ignores file permissions)."""
    prelude = (f"import os, sys\nsys.path.insert(0, {str(ROOT)!r})\n"
               "import importlib.metadata, sqlite_utils\n"
               "import storage.backup, storage.db, storage.register\n"
               "sqlite_utils.Database(memory=True)\n")  # fmt: skip
    if os.geteuid() == 0:  # imported first: the interpreter's own files are root's too
        prelude += f"os.setgid({NOBODY}); os.setuid({NOBODY})\n"
    env = {**os.environ, "FUPIN_BACKUPS": "0", "HOME": str(folder)}
    return subprocess.run([sys.executable, "-c", prelude + script], capture_output=True,
                          text=True, env=env, timeout=60)  # fmt: skip


@pytest.fixture
def shared_folder():
    """A folder the unprivileged child can reach (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="fupin-faults-"))
    folder.chmod(0o777)
    yield folder
    for p in folder.rglob("*"):
        p.chmod(0o777)
    shutil.rmtree(folder)


OPEN_AND_WRITE = textwrap.dedent("""
    from storage.db import StorageError, open_store
    from storage import register as R
    try:
        store = open_store({path!r}, operator="只读测试")
        R.update_record(store, "household", {hid!r}, {{"address": "改了"}})
        print("written")
    except StorageError as e:
        print("refused", e)
""")


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_register_or_folder_is_refused_with_the_reason(shared_folder, what):
    folder = shared_folder / "只读"
    folder.mkdir()
    path = folder / "a.db"
    store, _, hid = _register(path)
    store.close()
    for p in folder.iterdir():
        p.chmod(0o444 if what == "file" else 0o666)
    folder.chmod(0o555 if what == "folder" else 0o777)
    before = path.read_bytes()
    out = _as_nobody(OPEN_AND_WRITE.format(path=str(path), hid=hid), shared_folder)
    assert out.stdout.startswith("refused"), (out.stdout, out.stderr)
    assert "只读" in out.stdout and "复制到" in out.stdout
    assert path.read_bytes() == before


def test_a_register_whose_stick_is_pulled_refuses_the_write_and_goes_on(tmp_path):
    stick = tmp_path / "U盘"
    stick.mkdir()
    store, _, hid = _register(stick / "a.db")
    before = dump(store)
    shutil.move(stick, tmp_path / "elsewhere")  # the path the register was opened at is gone
    with pytest.raises(WriteFailed, match="已不在原处"):
        R.update_record(store, "household", hid, {"address": "改了"})
    assert store.get("households", hid)["address"] is None  # reads go on
    store.close()
    moved = open_store(tmp_path / "elsewhere" / "a.db")
    assert dump(moved) == {**before, "meta": dump(moved)["meta"]}  # nothing of the write
    moved.close()
    assert _integrity(tmp_path / "elsewhere" / "a.db") == "ok"


def test_a_file_another_copy_is_writing_is_said_to_be_locked(tmp_path):
    path = tmp_path / "a.db"
    first, _, hid = _register(path)
    second = open_store(path, operator="另一个窗口")
    second.db.execute("PRAGMA busy_timeout = 200")  # the app waits 5 s; the test need not
    before = dump(first)
    first.db.execute("BEGIN IMMEDIATE")  # the other copy is in the middle of a long import
    try:
        with pytest.raises(WriteFailed, match="另一个程序写入"):
            R.update_record(second, "household", hid, {"address": "改了"})
    finally:
        first.db.execute("ROLLBACK")
    assert dump(first) == before
    R.update_record(second, "household", hid, {"address": "改了"})  # once the other is done
    assert first.get("households", hid)["address"] == "改了"
    first.close()
    second.close()


def test_a_second_window_is_told_who_has_the_register_open(tmp_path):
    from storage.lock import RegisterInUse, RegisterLock

    path = tmp_path / "a.db"
    store, _, _ = _register(path)
    store.close()
    held = RegisterLock.acquire(path, "张晓东")
    with pytest.raises(RegisterInUse, match="另一个窗口中打开（操作员 张晓东，电脑"):
        RegisterLock.acquire(path, "李明")
    held.release()
    RegisterLock.acquire(path, "李明").release()  # free once the first window is closed
    assert isinstance(RegisterInUse("x"), StorageError)
