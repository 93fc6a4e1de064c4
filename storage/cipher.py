"""Connections to a register file, plain (the standard library's sqlite3) or encrypted with
SQLCipher, and the keys of the encrypted ones, kept in this process's memory only.

The key: PBKDF2-HMAC-SHA512 of the passphrase (NFKC, so that a full-width "１２３" typed with a
Chinese input method is the same passphrase as "123"), 256,000 rounds (SQLCipher 4's own
choice), with the 16 random bytes SQLCipher keeps at the start of the file as the salt. It is
handed to SQLCipher as a raw key (x'<key><salt>') through set_key: no SQL is made from the
passphrase, and the slow derivation runs once per process, not on every connection a worker
opens. Keys are remembered by salt: a register's backups are encrypted with the register's key
and salt, so they open with what opened the register. Nothing of it is ever written to disk.

An encrypted connection raises the standard library's sqlite3 errors (CipherConnection), so
that every `except sqlite3.OperationalError` of the write path holds for it too."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import unicodedata
from pathlib import Path

from .errors import StorageError

SQLITE_HEADER = b"SQLite format 3\x00"
SALT_BYTES, KEY_BYTES, ROUNDS = 16, 32, 256_000
PAGE = 512  # the smallest SQLite page: an encrypted file is whole pages


class PassphraseNeeded(StorageError):
    pass


class WrongPassphrase(StorageError):
    pass


def needed_message(path) -> str:
    return (f"数据库已加密，需要口令才能打开：{path}（如果这不是加密的台账数据库，请检查文件）"
            f"（passphrase needed）")  # fmt: skip


def wrong_message(path) -> str:
    return f"口令不对，数据库没有打开，文件未作任何改动：{path}（wrong passphrase）"


_ring: dict[bytes, list[bytes]] = {}  # salt → keys that opened a file with it, newest first
_ring_lock = threading.Lock()
_sc = None  # sqlcipher3.dbapi2, imported when an encrypted file is first met


def _sqlcipher():
    global _sc
    if _sc is None:
        from sqlcipher3 import dbapi2

        quiet = dbapi2.connect(":memory:")  # SQLCipher logs a wrong key to stderr: not for users
        quiet.execute("PRAGMA cipher_log_level = NONE")
        quiet.close()
        _sc = dbapi2
    return _sc


# -- what a file is ---------------------------------------------------------------------------
def is_encrypted(path: str | os.PathLike) -> bool:
    """Whether a file looks like an encrypted register: whole pages with no SQLite header (a
    file like that which is no register at all is told apart only by a passphrase)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file() or size < PAGE or size % PAGE:
            return False
        with open(path, "rb") as f:
            return f.read(16) != SQLITE_HEADER
    except OSError:
        return False


def salt_of(path: str | os.PathLike) -> bytes:
    with open(path, "rb") as f:
        return f.read(SALT_BYTES)


# -- keys -------------------------------------------------------------------------------------
def derive(passphrase: str, salt: bytes) -> bytes:
    """The raw key SQLCipher is given: the derived key and the file's salt."""
    text = unicodedata.normalize("NFKC", passphrase)
    key = hashlib.pbkdf2_hmac("sha512", text.encode("utf-8"), salt, ROUNDS, KEY_BYTES)
    return key + salt


def new_key(passphrase: str) -> bytes:
    """A key with a fresh salt, for a file about to be encrypted."""
    return derive(passphrase, os.urandom(SALT_BYTES))


def remember(raw: bytes) -> None:
    salt = raw[KEY_BYTES:]
    with _ring_lock:
        keys = [k for k in _ring.get(salt, []) if k != raw]
        _ring[salt] = [raw, *keys]


def forget(raw: bytes | None) -> None:
    if raw is None:
        return
    with _ring_lock:
        keys = [k for k in _ring.get(raw[KEY_BYTES:], []) if k != raw]
        _ring[raw[KEY_BYTES:]] = keys


def forget_all() -> None:
    """Every key this process remembers forgotten (as if it were started anew)."""
    with _ring_lock:
        _ring.clear()


def key_for(path: str | os.PathLike) -> bytes | None:
    """The remembered key that opens this encrypted file, or None."""
    with _ring_lock:
        keys = list(_ring.get(salt_of(path), []))
    for raw in keys:
        if opens(path, raw):
            return raw
    return None


def opens(path: str | os.PathLike, raw: bytes) -> bool:
    """Whether a key opens a file: page 1 decrypts and checks (read only, nothing written)."""
    try:
        conn = _raw_connect(path, raw, readonly=True)
    except sqlite3.DatabaseError:
        return False
    conn.close()
    return True


def unlock(path: str | os.PathLike, passphrase: str) -> bytes:
    """Check a passphrase against an encrypted file and remember its key; WrongPassphrase
    (the file untouched) when it does not open it."""
    raw = derive(passphrase, salt_of(path))
    if not opens(path, raw):
        raise WrongPassphrase(wrong_message(path))
    remember(raw)
    return raw


def knows(path: str | os.PathLike) -> bool:
    """Whether the file opens without asking: plain, or encrypted with a key remembered."""
    return not is_encrypted(path) or key_for(path) is not None


# -- connections ------------------------------------------------------------------------------
def connect(
    path: str | os.PathLike, *, readonly: bool = False, key: bytes | None = None, **options
):
    """A connection to a register file: the standard library's for a plain file (or a new one
    without `key`), SQLCipher's for an encrypted one, keyed with `key` or a remembered key
    (PassphraseNeeded when none opens it). `options` are sqlite3.connect's."""
    if key is None and is_encrypted(path):
        key = key_for(path)
        if key is None:
            raise PassphraseNeeded(needed_message(path))
    if key is None:
        if readonly:
            return sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True, **options)
        return sqlite3.connect(str(path), **options)
    return CipherConnection(_raw_connect(path, key, readonly=readonly, **options), key)


def connect_like(conn, target: str | os.PathLike, **options):
    """A connection to `target` protected as `conn` is: keyed alike, or plain (a backup)."""
    return connect(target, key=key_of(conn), **options)


def key_of(conn) -> bytes | None:
    return conn.key if isinstance(conn, CipherConnection) else None


def _raw_connect(path, raw: bytes, *, readonly: bool = False, **options):
    """A keyed sqlcipher3 connection whose first read has checked the key (a wrong one reads
    "file is not a database": raised here as sqlite3.DatabaseError)."""
    sc = _sqlcipher()
    try:
        if readonly:
            conn = sc.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True, **options)
        else:
            conn = sc.connect(str(path), **options)
    except sc.Error as e:
        raise translate(e) from None
    try:
        conn.set_key(f"x'{raw.hex()}'")
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sc.Error as e:
        conn.close()
        raise translate(e) from None
    return conn


def raw(conn):
    """The driver's own connection under a CipherConnection (for SQLCipher's backup API)."""
    return conn._conn if isinstance(conn, CipherConnection) else conn


def translate(error: Exception) -> Exception:
    """A SQLCipher error as the standard library's sqlite3 error of the same name."""
    cls = getattr(sqlite3, type(error).__name__, sqlite3.DatabaseError)
    out = cls(*error.args)
    for attr in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(error, attr):
            setattr(out, attr, getattr(error, attr))
    return out


class CipherConnection:
    """A sqlcipher3 connection that raises sqlite3's errors from the calls that run SQL and
    commit (a write's "disk is full" or "database is locked"); reads go on through the driver's
    own cursor, at its speed. `key` is the raw key it was opened with (for its backups)."""

    __slots__ = ("_conn", "key")

    def __init__(self, conn, key: bytes):
        object.__setattr__(self, "_conn", conn)
        object.__setattr__(self, "key", key)

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def __setattr__(self, name, value):
        setattr(self._conn, name, value)

    def execute(self, *args):
        try:
            return self._conn.execute(*args)
        except _sc.Error as e:
            raise translate(e) from e

    def executemany(self, *args):
        try:
            return self._conn.executemany(*args)
        except _sc.Error as e:
            raise translate(e) from e

    def executescript(self, *args):
        try:
            return self._conn.executescript(*args)
        except _sc.Error as e:
            raise translate(e) from e

    def cursor(self, *args):
        return _Cursor(self._conn.cursor(*args))

    def commit(self):
        try:
            return self._conn.commit()
        except _sc.Error as e:
            raise translate(e) from e

    def rollback(self):
        try:
            return self._conn.rollback()
        except _sc.Error as e:
            raise translate(e) from e

    def backup(self, target, **options):
        try:
            return self._conn.backup(raw(target), **options)
        except _sc.Error as e:
            raise translate(e) from e

    def close(self):
        self._conn.close()

    def __enter__(self):
        self._conn.__enter__()
        return self

    def __exit__(self, *exc):
        try:
            return self._conn.__exit__(*exc)
        except _sc.Error as e:
            raise translate(e) from e


class _Cursor:
    """A cursor of a CipherConnection: its execute calls raise sqlite3's errors too."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor):
        object.__setattr__(self, "_cursor", cursor)

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __setattr__(self, name, value):
        setattr(self._cursor, name, value)

    def __iter__(self):
        return iter(self._cursor)

    def execute(self, *args):
        try:
            self._cursor.execute(*args)
        except _sc.Error as e:
            raise translate(e) from e
        return self

    def executemany(self, *args):
        try:
            self._cursor.executemany(*args)
        except _sc.Error as e:
            raise translate(e) from e
        return self

    def executescript(self, *args):
        try:
            self._cursor.executescript(*args)
        except _sc.Error as e:
            raise translate(e) from e
        return self


# -- a file's content under another protection ------------------------------------------------
def export(source: Path, target: Path, *, source_key: bytes | None, target_key: bytes | None):
    """The content of `source` written into the new file `target`, encrypted with target_key
    (plain when None), through SQLCipher's sqlcipher_export; the schema version goes with it
    and each table's row count is compared before the target is let go. `source` is only read.
    The caller syncs, checks and renames the target (storage.encryption)."""
    sc = _sqlcipher()
    try:
        conn = _raw_connect(source, source_key) if source_key else sc.connect(str(source))
    except sc.Error as e:
        raise translate(e) from None
    try:
        key = f"x'{target_key.hex()}'" if target_key else ""
        conn.execute("ATTACH DATABASE ? AS target KEY ?", [str(target), key])
        conn.execute("SELECT sqlcipher_export('target')")
        version = int(conn.execute("PRAGMA main.user_version").fetchone()[0])
        conn.execute(f"PRAGMA target.user_version = {version}")
        tables = [
            r[0] for r in conn.execute("select name from main.sqlite_master where type='table'")
        ]
        for t in tables:
            a = conn.execute(f"select count(*) from main.[{t}]").fetchone()[0]
            b = conn.execute(f"select count(*) from target.[{t}]").fetchone()[0]
            if a != b:
                raise sqlite3.DatabaseError(f"{t}: {a} rows, {b} copied")
        conn.execute("DETACH DATABASE target")
    except sc.Error as e:
        raise translate(e) from None
    finally:
        conn.close()
