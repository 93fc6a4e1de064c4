"""Backups of a register: snapshots through SQLite's backup API (never a plain file copy: the
-wal holds recent commits), each checked with quick_check after writing, on the first open of
each day and before every import, sync and year close, kept in rotation (the newest of each of
the last 7 days, the newest of each of the last 4 weeks) in the user's data folder; a copy to a
USB stick written, synced, renamed and read back; a restore that backs up the current file
first, so that it can itself be undone.

A backup of an encrypted register is encrypted with the register's key (storage.cipher): it
opens with the same passphrase. A plain register's backups, and their folders, are readable by
the user alone (storage.private)."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from . import cipher
from .errors import StorageError
from .private import create_private, private_folder

DAYS, WEEKS = 7, 4  # rotation: the newest of each of the last 7 days and of the last 4 weeks
TODAY_KEPT = 10  # today's snapshots (before each import, sync …) all kept, up to this many
_NAME = re.compile(r"(\d{8})-(\d{6})-(\d{3})-(.+)\.db$")

# why a snapshot was taken, as its file name and the list say it
DAILY = "每日"
BEFORE_IMPORT = "导入前"
BEFORE_SYNC = "同步前"
BEFORE_CLOSE = "封存前"
BEFORE_RESTORE = "恢复前"
BY_HAND = "手动"


class BackupError(StorageError):
    pass


@dataclass(frozen=True)
class Backup:
    path: Path
    taken: datetime
    reason: str

    @property
    def size(self) -> int:
        return self.path.stat().st_size


def folder_for(register: str | os.PathLike) -> Path:
    """Where a register's backups are kept: the user's data folder (FUPIN_BACKUP_DIR when set),
    one folder per register file, named after it and its full path."""
    base = os.environ.get("FUPIN_BACKUP_DIR")
    if not base:
        from platformdirs import user_data_dir

        base = str(Path(user_data_dir("fupin", appauthor=False)) / "backups")
    path = Path(register).resolve()
    tag = hashlib.sha256(str(path).encode("utf-8")).hexdigest()[:8]
    return Path(base) / f"{path.stem}-{tag}"


def enabled() -> bool:
    return os.environ.get("FUPIN_BACKUPS", "1") != "0"


def backups(folder: Path) -> list[Backup]:
    """The snapshots in a folder, newest first."""
    out = []
    if not folder.is_dir():
        return out
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if m:
            taken = datetime.strptime(m.group(1) + m.group(2) + m.group(3), "%Y%m%d%H%M%S%f")
            out.append(Backup(p, taken, m.group(4)))
    return sorted(out, key=lambda b: b.taken, reverse=True)


def quick_check(path: Path) -> str:
    """ "ok", or what SQLite's quick_check found (a file that is no database says so; an
    encrypted one is checked with the key remembered for it, see storage.cipher)."""
    try:
        conn = cipher.connect(path, readonly=True)
        try:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            conn.execute("select count(*) from meta").fetchone()
        finally:
            conn.close()
    except (sqlite3.DatabaseError, cipher.PassphraseNeeded) as e:
        return str(e)
    return "; ".join(r[0] for r in rows)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())
    try:  # the rename itself, on file systems that allow syncing a folder
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


def copy(conn: sqlite3.Connection, target: Path) -> Path:
    """The database of `conn` written to `target` through the backup API: to a temporary file
    beside it (0600 from the start, encrypted alike when `conn` is), synced, checked, then
    renamed; a target that does not check is never left."""
    target = Path(target)
    tmp = target.with_name(target.name + ".part")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        create_private(tmp)
        dst = cipher.connect_like(conn, tmp)
        try:
            conn.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal
        finally:
            dst.close()
        _fsync(tmp)
        found = quick_check(tmp)
        if found != "ok":
            raise BackupError(f"备份写入后检查不通过：{found}（backup failed its check）")
        os.replace(tmp, target)
        _fsync(target)
    except OSError as e:
        raise _cannot_write(target, e) from None
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
    found = quick_check(target)  # read back: a USB stick may say it wrote what it did not
    if found != "ok":
        raise BackupError(f"备份读回检查不通过：{found}（the copy does not read back）")
    return target


def _cannot_write(target: Path, e: OSError) -> BackupError:
    return BackupError(f"无法写入备份 {target}：{e.strerror or e}（cannot write the backup）")


def snapshot(
    conn: sqlite3.Connection, register: str | os.PathLike, reason: str, *, now=None
) -> Backup:
    """A checked snapshot of the register in its backup folder, then the rotation."""
    now = now or datetime.now()
    folder = folder_for(register)
    try:
        private_folder(folder.parent)  # the backups of every register: the user's alone
        private_folder(folder)
    except OSError as e:
        raise _cannot_write(folder, e) from None
    name = f"{now:%Y%m%d-%H%M%S}-{now.microsecond // 1000:03d}-{reason}.db"
    path = copy(conn, folder / name)
    rotate(folder, now.date())
    return Backup(path, now.replace(microsecond=(now.microsecond // 1000) * 1000), reason)


def daily(conn: sqlite3.Connection, register: str | os.PathLike, *, now=None) -> Backup | None:
    """The day's snapshot, on the first open of the day; None when there is one already."""
    now = now or datetime.now()
    if any(b.taken.date() == now.date() for b in backups(folder_for(register))):
        return None
    return snapshot(conn, register, DAILY, now=now)


def rotate(folder: Path, today: date) -> list[Path]:
    """Delete the snapshots the rotation does not keep; returns what was deleted."""
    keep: set[Path] = set()
    found = backups(folder)
    keep |= {b.path for b in [b for b in found if b.taken.date() == today][:TODAY_KEPT]}
    days: set[date] = set()
    weeks: set[tuple] = set()
    for b in found:  # newest first: the first of a day or a week is its newest
        d = b.taken.date()
        if today - d < timedelta(days=DAYS) and d not in days:
            days.add(d)
            keep.add(b.path)
        week = d.isocalendar()[:2]
        if today - d < timedelta(weeks=WEEKS) and week not in weeks:
            weeks.add(week)
            keep.add(b.path)
    gone = [b.path for b in found if b.path not in keep]
    for p in gone:
        p.unlink(missing_ok=True)
    return gone


def restore(
    backup: str | os.PathLike, register: str | os.PathLike, *, passphrase: str | None = None
) -> Backup | None:
    """Put a backup in place of the register. The register as it is now is backed up first
    (so a restore can be undone); the backup must check and be a register this version reads.
    An encrypted backup needs its passphrase (or a key remembered). What comes back is the
    backup's data under the register's protection as it is now: a register encrypted since
    stays encrypted, one decrypted since stays plain. Returns the snapshot taken before."""
    from .schema import LATEST

    backup, register = Path(backup), Path(register)
    if passphrase is not None and cipher.is_encrypted(backup):
        cipher.unlock(backup, passphrase)
    if backup.exists() and not cipher.knows(backup):
        raise cipher.PassphraseNeeded(cipher.needed_message(backup))
    found = quick_check(backup) if backup.exists() else "文件不存在"
    if found != "ok":
        raise BackupError(
            f"{backup.name} 不是完好的台账备份（{found}），未恢复（not a sound backup）"
        )
    src = cipher.connect(backup, readonly=True)
    try:
        version = src.execute("PRAGMA user_version").fetchone()[0]
        if version > LATEST:
            raise BackupError(
                f"{backup.name} 由更新版本的软件写成（数据库版本 {version}），请先升级软件（newer backup）"
            )
        before, key = None, cipher.key_of(src)
        if register.exists():
            current = cipher.connect(register)
            try:
                before = snapshot(current, register, BEFORE_RESTORE)
                key = cipher.key_of(current)
            finally:
                current.close()
        if key == cipher.key_of(src):
            _write_over(src, register, key)
        else:
            _write_over_as(backup, cipher.key_of(src), register, key)
    finally:
        src.close()
    return before


def _write_over(src, register: Path, key: bytes | None) -> None:
    """Every page of `src` into the register through the backup API (keyed alike)."""
    dst = cipher.connect(register, key=key)
    try:
        src.backup(dst)
    finally:
        dst.close()


def _write_over_as(backup: Path, backup_key, register: Path, key: bytes | None) -> None:
    """A backup of another protection than the register's: its content re-encrypted (or
    decrypted) into a file beside the register first, then written over it as above."""
    tmp = register.with_name(register.name + ".restoring")
    tmp.unlink(missing_ok=True)
    try:
        create_private(tmp)
        cipher.export(backup, tmp, source_key=backup_key, target_key=key)
        other = cipher.connect(tmp, key=key, readonly=True)
        try:
            _write_over(other, register, key)
        finally:
            other.close()
    finally:
        tmp.unlink(missing_ok=True)


def to_file(register: str | os.PathLike, target: str | os.PathLike) -> Path:
    """A copy of the register to a file, on a read-only connection of its own (see copy)."""
    register = Path(register)
    if not register.exists():
        raise BackupError(f"找不到数据库文件：{register}（database file not found）")
    conn = cipher.connect(register, readonly=True)
    try:
        return copy(conn, Path(target))
    finally:
        conn.close()


def to_folder(register: str | os.PathLike, folder: str | os.PathLike, *, now=None) -> Path:
    """A copy of the register into a folder (a USB stick): 台账名-备份-日期时间.db, written
    through the backup API on a connection of its own, synced, renamed and read back."""
    register, folder = Path(register), Path(folder)
    if not folder.is_dir():
        raise BackupError(f"找不到文件夹：{folder}（是否已插入U盘？）（folder not found）")
    now = now or datetime.now()
    return to_file(register, folder / f"{register.stem}-备份-{now:%Y%m%d-%H%M%S}.db")
