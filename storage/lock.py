"""One window per register: a second copy of the app that opens a register already open in
another is told who has it, since when, on which computer, instead of two people editing one
file unawares (SQLite would let both write, and each window would show stale data).

The lock is an operating-system lock on a small file beside the register ("<name>.lock"): it
goes with the process that holds it, so a crash or a power cut leaves no stale lock behind. The
file's text says who holds it; on Windows the lock is on a byte far past that text (a locked
range cannot be read there), so that the second copy can still read who it is."""

from __future__ import annotations

import json
import os
import socket
from datetime import datetime
from pathlib import Path

from .errors import StorageError

_LOCK_OFFSET = 1 << 16  # on Windows the locked byte, past the holder's text


class RegisterInUse(StorageError):
    pass


def lock_path(register: str | os.PathLike) -> Path:
    register = Path(register)
    return register.with_name(register.name + ".lock")


class RegisterLock:
    """Held from acquire() to release(); `holds(path)`: this lock is the one of that register."""

    def __init__(self, register: Path, handle):
        self.register = Path(register).resolve()
        self._handle = handle

    @classmethod
    def acquire(cls, register: str | os.PathLike, operator: str) -> "RegisterLock":
        path = lock_path(register)
        try:
            handle = open(path, "a+b")
        except OSError:
            # a read-only folder (a CD, a protected stick): nothing can be written there anyway,
            # and opening the register says so; no lock to take
            return cls(Path(register), None)
        if not _try_lock(handle):
            holder = _holder(handle)
            handle.close()
            raise RegisterInUse(
                f"这个数据库已在另一个窗口中打开（{holder}）。同一个数据库同时只能在一个窗口中"
                f"修改：请先关闭那个窗口，再打开：{register}（register open in another window）"
            )
        handle.seek(0)
        handle.truncate()
        me = {"operator": operator, "computer": socket.gethostname(), "pid": os.getpid(),
              "since": datetime.now().isoformat(timespec="minutes")}  # fmt: skip
        handle.write(json.dumps(me, ensure_ascii=False).encode("utf-8"))
        handle.flush()
        return cls(Path(register), handle)

    def holds(self, register: str | os.PathLike) -> bool:
        return self._handle is not None and Path(register).resolve() == self.register

    def release(self) -> None:
        if self._handle is None:
            return
        _unlock(self._handle)
        self._handle.close()
        self._handle = None


def _holder(handle) -> str:
    try:
        handle.seek(0)
        who = json.loads(handle.read(4096).decode("utf-8"))
        since = str(who.get("since", "")).replace("T", " ")
        return f"操作员 {who.get('operator')}，电脑 {who.get('computer')}，{since} 起"
    except (OSError, ValueError, AttributeError):
        return "另一个程序"


if os.name == "nt":  # pragma: no cover - Windows
    import msvcrt

    def _try_lock(handle) -> bool:
        handle.seek(_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(handle) -> None:
        handle.seek(_LOCK_OFFSET)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        except OSError:
            pass

else:
    import fcntl

    def _try_lock(handle) -> bool:
        try:
            # flock, not lockf: held per open file, so a second window of the same process
            # conflicts too, and closing some other handle of the file does not drop it
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
