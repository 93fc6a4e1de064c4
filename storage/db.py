"""Opening the register file safely, and the one write path that stamps and logs every change."""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import sqlite3
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import sqlite_utils

from forms.entities import FORMS
from forms.fields import BOOL, MULTI

from . import chain, cipher
from .derived import derived_values
from .errors import StorageError  # noqa: F401  (re-exported: every module takes it from here)
from .hlc import Clock
from .private import private_file
from .schema import ENTITIES, LATEST, migrate, schema_version

SQLITE_HEADER = cipher.SQLITE_HEADER
BUSY_SECONDS = 5.0

ROLES = ("village", "county")
FACT_TABLES = ("village_facts", "county_facts")  # facts stored as one JSON object per year


class DatabaseMissing(StorageError):
    pass


class NotADatabase(StorageError):
    pass


class NewerSchema(StorageError):
    pass


class RecordNotFound(StorageError):
    pass


class WriteFailed(StorageError):
    """A write the file refused (full disk, read-only, locked, pulled stick): rolled back whole,
    the register as it was; the message says why in Chinese and what to do."""


# What SQLite says (lower case) → why, as the user reads it. Checked in order.
_WRITE_FAILURES = (
    (("disk is full",), "磁盘（或U盘）已满，这次修改没有保存，数据库仍是修改前的样子。请腾出空间后再试",
     "disk full"),
    (("readonly", "read-only"), "数据库文件或它所在的文件夹是只读的，这次修改没有保存。请把文件复制到"
     "可以写入的位置（如“我的文档”）再打开", "read-only"),
    (("locked", "busy"), "数据库正被另一个程序写入（另一个窗口，或同时运行的命令），这次修改没有保存。"
     "请关闭另一个打开此数据库的窗口后再试", "database is locked"),
    (("disk i/o", "unable to open", "no such file"), "读写数据库文件时出错（U盘被拔出？文件被移走？），"
     "这次修改没有保存。请插好U盘后重新打开数据库", "disk I/O error"),
)  # fmt: skip


def write_failed(error: sqlite3.Error, path: Path) -> StorageError | None:
    """The Chinese reason for a write SQLite refused, or None when it is not one of those."""
    text = str(error).lower()
    if "unable to open" in text and path.parent.is_dir() and not os.access(path.parent, os.W_OK):
        text = "readonly"  # WAL needs to make its files beside the register: a read-only folder
    for words, reason, english in _WRITE_FAILURES:
        if any(w in text for w in words):
            return WriteFailed(f"{reason}：{path}（{english}）")
    return None


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _check_file(path: Path) -> int | None:
    """The schema version of an existing file, read without changing a byte of it."""
    if not path.exists():
        return None
    if path.is_dir():
        raise NotADatabase(f"这是一个文件夹，不是数据库文件：{path}（not a database file）")
    with open(path, "rb") as f:
        head = f.read(16)
    if head and head != SQLITE_HEADER and not cipher.is_encrypted(path):
        raise NotADatabase(f"不是扶贫台账数据库文件：{path}（file is not a SQLite database）")
    if not head:
        return 0
    try:  # an encrypted file: read with a key remembered (PassphraseNeeded without one)
        ro = cipher.connect(path, readonly=True)
        try:
            version = ro.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in ro.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            ro.close()
    except sqlite3.OperationalError as e:  # readable, but not here: read-only, a pulled stick
        raise (write_failed(e, path) or NotADatabase(f"数据库文件无法读取：{path}（{e}）")) from e
    except sqlite3.DatabaseError as e:
        raise NotADatabase(f"数据库文件已损坏或无法读取：{path}（{e}）") from e
    if version > LATEST:
        raise NewerSchema(
            f"该数据库由更新版本的软件创建（数据库版本 {version}，本软件支持到 {LATEST}），"
            f"请先升级软件：{path}（database schema is newer than this program）"
        )
    if version == 0 and tables:
        raise NotADatabase(f"该 SQLite 文件不是扶贫台账数据库：{path}（not a fupin register）")
    return version


def open_store(
    path: str | os.PathLike,
    *,
    create: bool = False,
    role: str = "village",
    operator: str | None = None,
    passphrase: str | None = None,
) -> "Store":
    """Open (and upgrade) a register file; with create=True make it if it is missing.

    An encrypted file opens with its `passphrase` (or a key this process remembers, see
    storage.cipher), else PassphraseNeeded or WrongPassphrase; a new file made with one is
    encrypted from the start; a plain file opens as ever. Nothing is written to a file that is
    refused: the checks run on a read-only connection."""
    path = Path(path)
    new_key = None
    if passphrase is not None and cipher.is_encrypted(path):
        cipher.unlock(path, passphrase)
    elif passphrase is not None and create and not path.exists():
        new_key = cipher.new_key(passphrase)
    version = _check_file(path)
    if (version is None or version == 0) and not create:
        # an empty file is not a register yet: a read command must not turn it into one
        raise DatabaseMissing(
            f"找不到数据库文件：{path}（database file not found）"
            if version is None
            else f"数据库文件是空的：{path}（empty file, not a register）"
        )
    if role not in ROLES:
        raise StorageError(f"角色应为 village 或 county，而不是 {role}（unknown role）")
    if version is None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if version and version < LATEST:
        _backup_before_upgrade(path, version)
    private_file(path)  # readable by the user alone (storage.private); its -wal and -shm too
    # another copy's write waits its turn this long before it is said to be locked
    conn = cipher.connect(path, key=new_key, check_same_thread=False, timeout=BUSY_SECONDS)
    if version is None:
        private_file(path)  # made just now, before its -wal is
    if new_key is not None:
        cipher.remember(new_key)
    db = sqlite_utils.Database(conn)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        # FULL, not NORMAL: with WAL + NORMAL the last commits can be lost when the power cuts.
        db.execute("PRAGMA synchronous = FULL")
        migrate(db)
    except sqlite3.OperationalError as e:
        conn.close()
        raise (write_failed(e, path) or StorageError(f"无法打开数据库：{path}（{e}）")) from e
    store = Store(db, path, operator)
    store._ensure_meta(role)
    if version:  # an existing register: the day's snapshot on its first open of the day
        _daily_backup(store)
    return store


def _daily_backup(store: "Store") -> None:
    """A register that cannot be backed up still opens; why is kept for the app to say."""
    from . import backup

    store.backup_problem = None
    if not backup.enabled():
        return
    try:
        backup.daily(store.db.conn, store.path)
    except (StorageError, OSError) as e:
        store.backup_problem = str(e)


def _backup_before_upgrade(path: Path, version: int) -> None:
    """Keep a copy of the file as it was before an upgrade (Connection.backup, not a file copy)."""
    target = path.with_name(f"{path.name}.v{version}.bak")
    if target.exists():
        return
    from . import backup

    src = cipher.connect(path)
    try:
        # through a temporary file, synced, checked and renamed: a copy cut short by a crash
        # would otherwise stand as an empty .bak that every later open takes for the copy
        backup.copy(src, target)  # an encrypted register's copy is encrypted alike
    finally:
        src.close()


def to_db(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == BOOL:
        return 1 if value else 0
    if kind == MULTI:
        return json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def from_db(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == BOOL:
        return bool(value)
    if kind == MULTI:
        return json.loads(value)
    return value


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


class Store:
    """The register file. Every write goes through insert/update/delete here, which stamp the
    record (UUID, times, hybrid logical clock, device) and log old → new with the operator."""

    def __init__(self, db: sqlite_utils.Database, path: Path, operator: str | None):
        self.db = db
        self.path = path
        self.operator = operator or "未登记操作员"
        self.backup_problem: str | None = None  # why the day's backup could not be made
        self.device_id = ""
        self.role = "village"
        self.clock: Clock | None = None
        self.context: str | None = None  # during what the writes are made (Store.during)
        self._columns: dict = {}  # each record table's digest columns (storage.chain)
        self._identity = _identity(path)  # the file opened: a pulled stick or a move shows

    # -- set-up ---------------------------------------------------------------------------
    def _ensure_meta(self, role: str) -> None:
        meta = self.meta()
        with self.db.atomic():
            if "device_id" not in meta:
                meta = {"device_id": uuid.uuid4().hex[:12], "role": role, "created_at": _now()}
                self.db["meta"].insert_all(
                    [{"key": k, "value": v} for k, v in meta.items()], replace=True
                )
        self.device_id = meta["device_id"]
        self.role = meta.get("role", "village")
        self.clock = Clock(self.device_id, meta.get("hlc_last"))

    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self.db["meta"].rows}

    def set_meta(self, key: str, value: str) -> None:
        self.db["meta"].upsert({"key": key, "value": value}, pk="key")

    def close(self) -> None:
        self.db.close()

    @contextlib.contextmanager
    def atomic(self):
        """One transaction (BEGIN … COMMIT); nested, a savepoint inside the outer one. A write
        the file refuses is rolled back whole and said in Chinese (WriteFailed)."""
        self._still_there()
        try:
            with self.db.atomic():
                yield
        except sqlite3.OperationalError as e:
            raise (write_failed(e, self.path) or e) from e

    def _still_there(self) -> None:
        """Refuse to write when the file opened is no longer at its path: SQLite would go on
        writing into a file nobody can open again (the stick pulled out, the file moved)."""
        if self._identity is not None and _identity(self.path) != self._identity:
            raise WriteFailed(
                f"数据库文件已不在原处（U盘被拔出，或文件被移走、删除），这次修改没有保存。"
                f"请插好U盘后重新打开数据库：{self.path}（database file vanished）"
            )

    @contextlib.contextmanager
    def during(self, context: str):
        """Every change logged inside says during what it was made ("走访 2026-03-02",
        "同步 <package>", "导入 <file>"): the household's history shows it."""
        before, self.context = self.context, context
        try:
            yield self
        finally:
            self.context = before

    def append_log(self, rows: list[dict]) -> None:
        """Change-log rows at the end of the hash chain (after their records are written)."""
        chain.append(self.db.conn, rows, context=self.context, cache=self._columns)

    @property
    def schema_version(self) -> int:
        return schema_version(self.db)

    # -- conversion -----------------------------------------------------------------------
    def kinds(self, table: str) -> dict[str, str]:
        return _kinds(table)

    def _to_row(self, table: str, values: dict) -> dict:
        if table in FACT_TABLES:
            return {k: (_json(v) if k == "data" else v) for k, v in values.items()}
        kinds = _kinds(table)
        return {k: to_db(kinds.get(k, ""), v) for k, v in values.items()}

    def from_row(self, table: str, row: dict | None) -> dict | None:
        if row is None:
            return None
        for key, decode in _decoders(table):
            value = row.get(key)
            if value is not None:
                row[key] = decode(value)
        return row

    # -- the write path -------------------------------------------------------------------
    def _stamp(self, over: str | None = None) -> tuple[str, str]:
        """A new stamp; `over` is the record's newest stamp: when a package brought one from a
        laptop whose clock runs ahead (months, sometimes), this change is stamped just above
        it so that it still wins, without the clock itself staying in the future."""
        hlc = self.clock.tick()
        if over and over > hlc:
            hlc = self.clock.above(over)
        return hlc, _now()

    def _log(
        self,
        hlc: str,
        at: str,
        table: str,
        record_id: str,
        op: str,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
    ) -> dict:
        return {
            "hlc": hlc,
            "device_id": self.device_id,
            "operator": self.operator,
            "at": at,
            "table_name": table,
            "record_id": record_id,
            "op": op,
            "field": field,
            "old": _json(old),
            "new": _json(new),
        }

    def insert(
        self, table: str, values: dict, *, record_id: str | None = None, stamp: str | None = None
    ) -> str:
        return self.insert_many(table, [values], ids=[record_id], stamp=stamp)[0]

    def insert_many(
        self, table: str, rows: Iterable[dict], *, ids=None, stamp: str | None = None
    ) -> list[str]:
        """Insert records, one change-log row each, in one transaction. `stamp` is for values
        every register makes alike (the reference policy values): one fixed stamp older than
        any edit, so that the county's values win over a laptop's defaults."""
        rows = list(rows)
        ids = list(ids) if ids else [None] * len(rows)
        records, log = [], []
        for values, rid in zip(rows, ids):
            hlc, at = (stamp, _now()) if stamp else self._stamp()
            rid = rid or str(uuid.uuid4())
            clean = {k: v for k, v in values.items() if k != "id"}
            records.append(
                {
                    **self._to_row(table, clean),
                    **derived_values(table, clean),
                    "id": rid,
                    "created_at": at,
                    "updated_at": at,
                    "hlc": hlc,
                    "device_id": self.device_id,
                    "deleted": 0,
                }
            )
            # The record row itself holds the inserted values and their stamp; the log row
            # records who made it and when (copying every value here doubled the file).
            log.append(self._log(hlc, at, table, rid, "insert"))
        with self.atomic():
            _insert_rows(self.db.conn, table, records)
            self.append_log(log)
            self._save_clock()
        return [r["id"] for r in records]

    def update(
        self, table: str, record_id: str, changes: dict, *, current: dict | None = None
    ) -> dict[str, tuple]:
        """Write the fields that really change; returns {field: (old, new)} (empty: no-op).

        `current` is the record as just read by the caller (saves reading it again)."""
        if current is None:
            current = self.get(table, record_id, include_deleted=True)
        if current is None:
            raise RecordNotFound(f"记录不存在：{table} {record_id}（record not found）")
        diff = {
            k: (current.get(k), v)
            for k, v in changes.items()
            if k not in ("id",) and _differs(current.get(k), v)
        }
        if not diff:
            return {}
        hlc, at = self._stamp(current.get("hlc"))
        changed = {k: new for k, (_, new) in diff.items()}
        row = {**self._to_row(table, changed), **derived_values(table, changed)}
        with self.atomic():
            _update_row(
                self.db.conn,
                table,
                record_id,
                {**row, "updated_at": at, "hlc": hlc, "device_id": self.device_id},
            )
            self.append_log(
                [
                    self._log(hlc, at, table, record_id, "update", k, old, new)
                    for k, (old, new) in diff.items()
                ]
            )
            self._save_clock()
        return diff

    def delete(self, table: str, record_id: str) -> bool:
        """Soft delete: the record stays as a tombstone so the deletion can travel by USB."""
        return self._set_deleted(table, record_id, True)

    def restore(self, table: str, record_id: str) -> bool:
        return self._set_deleted(table, record_id, False)

    def _set_deleted(self, table: str, record_id: str, deleted: bool) -> bool:
        current = self.get(table, record_id, include_deleted=True)
        if current is None:
            raise RecordNotFound(f"记录不存在：{table} {record_id}（record not found）")
        if bool(current["deleted"]) == deleted:
            return False
        hlc, at = self._stamp(current.get("hlc"))
        op = "delete" if deleted else "restore"
        with self.atomic():
            _update_row(
                self.db.conn,
                table,
                record_id,
                {
                    "deleted": int(deleted),
                    "updated_at": at,
                    "hlc": hlc,
                    "device_id": self.device_id,
                },
            )
            log = self._log(hlc, at, table, record_id, op, "deleted", not deleted, deleted)
            self.append_log([log])
            self._save_clock()
        return True

    def _save_clock(self) -> None:
        self.db.conn.execute(
            "insert into meta (key, value) values ('hlc_last', ?) "
            "on conflict(key) do update set value = excluded.value",
            [self.clock.last],
        )

    # -- reads ----------------------------------------------------------------------------
    def get(self, table: str, record_id: str, *, include_deleted: bool = False) -> dict | None:
        sql = f"select * from [{table}] where id = ?" + (
            "" if include_deleted else " and deleted = 0"
        )
        cursor = self.db.conn.execute(sql, [record_id])
        values = cursor.fetchone()
        if values is None:
            return None
        return self.from_row(table, dict(zip([d[0] for d in cursor.description], values)))

    def find(
        self,
        table: str,
        where: str = "",
        args: Iterable = (),
        order_by: str = "",
        include_deleted: bool = False,
        limit: int | None = None,
    ) -> list[dict]:
        clauses = [] if include_deleted else ["deleted = 0"]
        if where:
            clauses.append(f"({where})")
        sql = f"select * from [{table}]"
        if clauses:
            sql += " where " + " and ".join(clauses)
        if order_by:
            sql += f" order by {order_by}"
        if limit is not None:
            sql += f" limit {int(limit)}"
        cursor = self.db.execute(sql, list(args))
        columns = [d[0] for d in cursor.description]
        decoders = _decoders(table)
        rows = []
        for values in cursor:  # hot path: a county snapshot reads ~600,000 rows
            row = dict(zip(columns, values))
            for key, decode in decoders:
                value = row[key]
                if value is not None:
                    row[key] = decode(value)
            rows.append(row)
        return rows

    def changes(self, table: str | None = None, record_id: str | None = None) -> list[dict]:
        clauses, args = [], []
        if table:
            clauses.append("table_name = ?")
            args.append(table)
        if record_id:
            clauses.append("record_id = ?")
            args.append(record_id)
        sql = "select * from change_log" + (" where " + " and ".join(clauses) if clauses else "")
        out = []
        for r in self.db.query(sql + " order by seq", args):
            r["old"] = json.loads(r["old"]) if r["old"] is not None else None
            r["new"] = json.loads(r["new"]) if r["new"] is not None else None
            out.append(r)
        return out


def _identity(path: Path) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return ("gone",)
    return (st.st_dev, st.st_ino)


def _sql_value(value: Any) -> Any:
    """A value as SQLite stores it: lists and objects as JSON text, dates and times as ISO
    text, a Decimal as a float, a UUID or a duration as text (what sqlite-utils did)."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (uuid.UUID, timedelta)):
        return str(value)
    return value


# What _sql_value returns unchanged, told by type alone (the common case, checked first: a merge
# writes a county's rows through here).
_AS_IS = frozenset({str, int, float, bool, type(None), bytes})


def _insert_rows(
    conn: sqlite3.Connection, table: str, rows: list[dict], *, stored: bool = False
) -> None:
    """Plain INSERTs in the order given, one executemany per run of rows with the same columns.
    Table and column names come from the declarations, never from input; values are always
    parameters. `stored`: the values are as SQLite stores them already (a merge's)."""
    for columns, run in itertools.groupby(rows, key=tuple):
        names = ", ".join(f"[{c}]" for c in columns)
        marks = ", ".join("?" * len(columns))
        if stored:
            values = [tuple(row.values()) for row in run]
        else:
            values = [[v if type(v) in _AS_IS else _sql_value(v) for v in r.values()] for r in run]
        conn.executemany(f"insert into [{table}] ({names}) values ({marks})", values)


def _update_row(conn: sqlite3.Connection, table: str, record_id: str, values: dict) -> None:
    sets = ", ".join(f"[{c}] = ?" for c in values)
    conn.execute(
        f"update [{table}] set {sets} where id = ?",
        [*(_sql_value(v) for v in values.values()), record_id],
    )


@functools.lru_cache(maxsize=None)
def _kinds(table: str) -> dict[str, str]:
    form = FORMS.get(ENTITIES.get(table, ""))
    return {f.key: f.kind for f in form.fields} if form else {}


def _decode_json_object(text: str) -> dict:
    return json.loads(text) if text else {}


@functools.lru_cache(maxsize=None)
def _decoders(table: str) -> tuple:
    """(column, decode) for the columns whose stored form differs from the value: booleans are
    0/1, multi-choice lists and yearly facts are JSON text. Everything else reads as stored."""
    if table in FACT_TABLES:
        return (("data", _decode_json_object),)
    return tuple(
        (k, bool if kind == BOOL else json.loads)
        for k, kind in _kinds(table).items()
        if kind in (BOOL, MULTI)
    )


def _differs(old: Any, new: Any) -> bool:
    if isinstance(new, (date, datetime)):
        new = new.isoformat()
    if isinstance(old, float) or isinstance(new, float):
        if old is None or new is None:
            return old is not new
        return abs(float(old) - float(new)) > 1e-9
    if isinstance(new, tuple):
        new = list(new)
    return old != new
