"""Files only the user can read: the register, its -wal and -shm, its backups and their folder.

On POSIX the group's and others' permissions are taken away (a new file is made 0600, a new
folder 0700); the owner's stay as they are, so that a file the user made read-only stays so.
SQLite gives a register's -wal and -shm the register's own mode. On Windows nothing is done:
a file in the user's profile (AppData, Documents) is readable by that user (and administrators)
alone through the ACL it inherits, and os.chmod there only sets the read-only flag. A file
system without POSIX modes (a FAT USB stick) ignores the change: no error, the file opens."""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
POSIX = os.name == "posix"


def private_file(path: str | os.PathLike) -> None:
    """An existing file made readable by its owner alone (its -wal and -shm with it)."""
    if not POSIX:
        return
    for p in (Path(path), Path(f"{path}-wal"), Path(f"{path}-shm")):
        _close_off(p)


def create_private(path: str | os.PathLike) -> None:
    """A new empty file, 0600 from its first moment (SQLite then writes into it): not made
    readable by others while it is written and only closed off after."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)


def private_folder(path: str | os.PathLike) -> Path:
    """A folder made (with its parents) and closed to others; returns it."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    if POSIX:
        _close_off(path)
    return path


def _close_off(path: Path) -> None:
    try:
        st = path.stat()
        mode = st.st_mode & 0o777
        if st.st_uid == os.getuid() and mode & 0o077:
            os.chmod(path, mode & 0o700)
    except OSError:  # gone, not ours, or a file system without modes
        pass
