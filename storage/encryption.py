"""Encryption at rest: a register put under a passphrase, taken out of it, or given another.
Whole-file operations on a register no connection holds (the desktop app closes its own first;
the command line takes the register's lock); the keys and connections are storage.cipher's.

Encrypting writes the register's content into a new file beside it (SQLCipher's export),
syncs and checks it, then renames it over the register. No plain copy is kept: one left in the
backups folder would defeat the purpose. The register's backups (the backups folder's snapshots
and the copy kept before a schema upgrade) are encrypted alike instead, with the register's key,
so that each still restores, with the new passphrase; one that cannot be encrypted is deleted
rather than left readable. A plain file replaced is overwritten with zeros (through a second
name, a hard link, where the file system has them); on flash memory (an SSD, a USB stick) old
blocks may outlive that, which is why the app recommends a passphrase before the first
household is entered. Copies made elsewhere before (备份到U盘, exports) stay as they were.

Decrypting does the reverse, backups included. Changing the passphrase is SQLCipher's PRAGMA
rekey, in a transaction, on the register and on each backup the old passphrase opens.

A lost passphrase cannot be got round: the way back is the county's copy (README, Encryption)."""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from . import backup, cipher
from .db import BUSY_SECONDS, _check_file
from .errors import StorageError
from .private import create_private

MIN_LENGTH = 6  # characters; a Chinese character counts as one
IN_USE_SECONDS = BUSY_SECONDS  # how long another connection may take to let the file go
_WIPE_CHUNK = 1 << 20
ENCRYPTED, DECRYPTED, REKEYED = "encrypted", "decrypted", "rekeyed"
_DONE = {
    ENCRYPTED: "数据库已加密，{0} 个备份已一并加密",
    DECRYPTED: "数据库已取消加密，{0} 个备份已一并解密",
    REKEYED: "数据库口令已更改，{0} 个备份已一并改用新口令",
}


class EncryptionError(StorageError):
    pass


@dataclass(frozen=True)
class Protected:
    """What an operation did: the register, and how many of its backups went with it."""

    register: Path
    kind: str  # ENCRYPTED, DECRYPTED or REKEYED
    backups: int = 0  # converted (or rekeyed) with the register
    removed: int = 0  # plain backups that could not be encrypted, deleted
    left: int = 0  # encrypted with another passphrase: not opened, left as they are

    def summary(self) -> str:
        text = _DONE[self.kind].format(self.backups)
        if self.removed:
            text += f"；{self.removed} 个未能加密的旧备份已删除"
        if self.left:
            text += f"；{self.left} 个备份未改动（用别的口令加密，或无法写入）"
        return text


def check_new(passphrase: str | None) -> str | None:
    """Why a new passphrase is refused, or None."""
    if not passphrase or not passphrase.strip():
        return "口令不能为空（empty passphrase）"
    if len(passphrase) < MIN_LENGTH:
        return f"口令至少要 {MIN_LENGTH} 个字符（汉字算一个）（passphrase too short）"
    return None


def set_passphrase(path, current: str | None, new: str | None) -> Protected:
    """The desktop app's one call: current None → encrypt with `new`; new None → decrypt;
    both → change the passphrase."""
    if current is None:
        return encrypt(path, new)
    if new is None:
        return decrypt(path, current)
    return change_passphrase(path, current, new)


def encrypt(path: str | os.PathLike, passphrase: str) -> Protected:
    """Put a plain register (and its backups) under a passphrase."""
    path = Path(path)
    if cipher.is_encrypted(path):
        raise EncryptionError(
            f"数据库已经加密，要更改口令请用“更改口令”：{path}（already encrypted）"
        )
    _refuse_new(passphrase)
    _check_file(path) or _missing(path)
    _wipe(_old_name(path))  # a plain file a crash left half wiped
    key = cipher.new_key(passphrase)
    _convert(path, None, key, wipe=True)
    cipher.remember(key)
    done = removed = 0
    for b in backups_of(path):
        if cipher.is_encrypted(b):
            continue
        try:
            _convert(b, None, key, wipe=True)
            done += 1
        except (StorageError, OSError):
            _wipe(b)
            removed += 1
    return Protected(path, ENCRYPTED, done, removed)


def decrypt(path: str | os.PathLike, passphrase: str) -> Protected:
    """Take a register (and its backups) out of encryption: plain again, readable by the user
    alone."""
    path = Path(path)
    key = _unlocked(path, passphrase)
    _convert(path, key, None, wipe=False)
    done, left = _each_backup(path, key, lambda b: _convert(b, key, None, wipe=False))
    cipher.forget(key)
    return Protected(path, DECRYPTED, done, left=left)


def change_passphrase(path: str | os.PathLike, old: str, new: str) -> Protected:
    """Another passphrase for an encrypted register and the backups the old one opens."""
    path = Path(path)
    _refuse_new(new)
    key = _unlocked(path, old)
    new_key = cipher.derive(new, cipher.salt_of(path))
    _rekey(path, key, new_key)
    cipher.remember(new_key)
    done, left = _each_backup(path, key, lambda b: _rekey(b, key, new_key))
    cipher.forget(key)
    return Protected(path, REKEYED, done, left=left)


def backups_of(path: Path) -> list[Path]:
    """Every copy of the register this program keeps: the snapshots and the pre-upgrade ones."""
    kept = [b.path for b in backup.backups(backup.folder_for(path))]
    return kept + sorted(path.parent.glob(f"{path.name}.v*.bak"))


# -- the steps ----------------------------------------------------------------------------------
def _refuse_new(passphrase: str | None) -> None:
    why = check_new(passphrase)
    if why:
        raise EncryptionError(why)


def _missing(path: Path):
    raise EncryptionError(f"找不到数据库文件，或文件是空的：{path}（database file not found）")


def _unlocked(path: Path, passphrase: str) -> bytes:
    if not cipher.is_encrypted(path):
        _check_file(path) or _missing(path)
        raise EncryptionError(f"数据库没有加密：{path}（not encrypted）")
    key = cipher.unlock(path, passphrase)
    _check_file(path)  # a register this version reads
    return key


def _each_backup(path: Path, key: bytes, step) -> tuple[int, int]:
    """`step` on each encrypted backup `key` opens; (done, left as they were: under another
    key, or one the step could not be done to, which still opens as before)."""
    done = left = 0
    for b in backups_of(path):
        if not cipher.is_encrypted(b):
            continue
        try:
            if not cipher.opens(b, key):
                raise EncryptionError(b.name)
            step(b)
            done += 1
        except (StorageError, OSError):
            left += 1
    return done, left


def _convert(path: Path, source_key, target_key, *, wipe: bool) -> None:
    """One file's content under another protection: exported beside it, synced, checked,
    renamed over it. The file is unchanged when any step fails."""
    new = path.with_name(path.name + ".converting")
    try:
        new.unlink(missing_ok=True)
        _checkpoint(path, source_key)
        create_private(new)
        cipher.export(path, new, source_key=source_key, target_key=target_key)
        _sync(new)
        found = _quick_check(new, target_key)
        if found != "ok":
            raise EncryptionError(
                f"写出的文件检查不通过，数据库未作任何改动：{found}（check failed）"
            )
        _in_use_check(path, source_key)
    except (OSError, sqlite3.Error) as e:
        new.unlink(missing_ok=True)
        raise EncryptionError(f"无法写出加密（或解密）后的文件，数据库未作任何改动：{path}"
                              f"（{getattr(e, 'strerror', None) or e}）") from None  # fmt: skip
    except BaseException:
        new.unlink(missing_ok=True)
        raise
    _replace(new, path, wipe=wipe)


def _checkpoint(path: Path, key) -> None:
    """The -wal emptied into the file (waiting for readers a while), so that nothing of the
    file is left in it when the file is renamed over; refused while another program writes."""
    conn = cipher.connect(path, key=key, timeout=BUSY_SECONDS)
    try:
        busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    finally:
        conn.close()
    if busy:
        raise EncryptionError(_in_use_message(path))


def _rekey(path: Path, key: bytes, new_key: bytes) -> None:
    """PRAGMA rekey on a file no one else has open (rollback journal, not WAL, while it runs:
    the mode cannot be changed while another connection reads, which says so)."""
    conn = cipher.connect(path, key=key, timeout=BUSY_SECONDS)
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise EncryptionError(_in_use_message(path))
        conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")  # hex digits only: no injection
    except sqlite3.OperationalError as e:  # locked: another connection reads or writes
        raise EncryptionError(f"{_in_use_message(path)}（{e}）") from None
    finally:
        conn.close()
    if not cipher.opens(path, new_key):
        raise EncryptionError(f"更改口令后无法用新口令打开：{path}（rekey failed）")


def _quick_check(path: Path, key) -> str:
    try:
        conn = cipher.connect(path, key=key, readonly=True)
        try:
            return "; ".join(r[0] for r in conn.execute("PRAGMA quick_check"))
        finally:
            conn.close()
    except Exception as e:
        return str(e)


def _in_use_message(path: Path) -> str:
    return (f"数据库正被另一个程序（或窗口）打开，未作任何改动。请关闭后再试：{path}"
            f"（register in use）")  # fmt: skip


def _in_use_check(path: Path, key) -> None:
    """Refused while another connection holds the file: renaming over it would strand what
    that one writes. SQLite removes the -wal and -shm when the last connection closes (one that
    can write: a reader closing last leaves them, so a connection of ours is opened and closed
    again while waiting for readers to finish)."""
    deadline = time.monotonic() + IN_USE_SECONDS
    while any(Path(f"{path}{s}").exists() for s in ("-wal", "-shm")):
        if time.monotonic() > deadline:
            raise EncryptionError(_in_use_message(path))
        time.sleep(0.1)
        conn = cipher.connect(path, key=key)
        try:
            conn.execute("select count(*) from sqlite_master").fetchone()
        finally:
            conn.close()


def _old_name(path: Path) -> Path:
    return path.with_name(path.name + ".plain-old")


def _replace(new: Path, path: Path, *, wipe: bool) -> None:
    """`new` renamed over `path` (atomic); the old file's bytes then overwritten, through a
    hard link made before, when `wipe` and the file has no other names."""
    old, linked = _old_name(path), False
    if wipe and path.stat().st_nlink == 1:
        try:
            os.link(path, old)
            linked = True
        except OSError:  # FAT/exFAT sticks have no hard links: renamed over, not overwritten
            pass
    os.replace(new, path)
    try:
        backup._fsync(path)
    except OSError:  # renamed: what is left is to make it durable, where that can be done
        pass
    if linked:
        _wipe(old)


def _wipe(path: Path) -> None:
    """Overwrite a file with zeros, sync, delete (best effort: see the module's docstring)."""
    try:
        size = path.stat().st_size
    except OSError:
        return
    try:
        with open(path, "r+b") as f:
            for start in range(0, size, _WIPE_CHUNK):
                f.write(bytes(min(_WIPE_CHUNK, size - start)))
            f.flush()
            os.fsync(f.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)


def _sync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())
