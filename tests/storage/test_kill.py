"""Killing the process mid-write (the nearest a test gets to pulling the plug) loses nothing that
was committed and never leaves a write half done, on every write path of storage.operations.

Each path's writer (tests/storage/kill_writers.py) runs in a child process, first once to the
end (the calibration run, which times the write), then once per trial, killed with SIGKILL
after a seeded random delay after it printed "start": uniformly within WINDOW times the
calibration's time, so that kills land before, during and after the write. After each kill the
file passes PRAGMA integrity_check and foreign_key_check, opens through open_store, and holds

- on a loop path (entry, visit, status, procedure): every write the child acknowledged, at most
  the one in flight besides, and each write whole: the register is exactly what its first P
  writes make, change log included;
- on a one-shot path (import-json, import-xlsx, sync-import, close-year, migration): exactly the
  file before the write, or exactly the file the calibration run's complete write left (times,
  HLC stamps, digests and new UUIDs aside: two runs make those differently), and the latter
  whenever the child said "done"; an old file, once open_store opened it, the complete upgrade,
  and the copy open_store keeps of it before upgrading, once there is one, the whole old file.
  Every trial runs, and the test names each one that found the write half done.

FUPIN_KILL_TRIALS=N kills N times per path (default 6). The seed is fixed per path, and every
failure names the path, trial, seed and delay: `FUPIN_KILL_TRIALS=N pytest
tests/storage/test_kill.py -k PATH` kills at the same moments again (what the child had done by
then varies with the machine's load)."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import pytest

from forms import choices as C
from storage import interchange
from storage import operations as ops
from storage import procedures as PR
from storage import register as R
from storage import sync as S
from storage import xlsx_export as E
from storage.db import open_store
from tests.dumps import dump
from tests.storage import kill_writers as W

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
TRIALS = int(os.environ.get("FUPIN_KILL_TRIALS", "6"))
WINDOW = 1.3  # kills land within this many times the write's calibrated time after "start"
LOOP_WRITES = 12  # a loop's calibration run makes this many writes
DEMO_HOUSEHOLDS = 200  # the one-shot writes' village
V1_COPIES = 3000  # the version-1 register grows to this many households for the upgrade
PASS = "青岭村-2016-开门"
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}


# -- the child process ------------------------------------------------------------------------
@dataclass
class Child:
    """A writer of kill_writers in a child process that has printed "start"; its stderr is kept
    in a file for the failure message. Its backups go to a folder of the test's."""

    proc: subprocess.Popen
    err: Path
    label: str  # the path, trial and seed, for every failure message

    @classmethod
    def start(cls, label: str, work: Path, writer: str, register: Path, *args) -> "Child":
        err = work / "child.err"
        env = {**os.environ, "FUPIN_BACKUP_DIR": str(work / "backups")}
        command = [sys.executable, "-m", "tests.storage.kill_writers", writer, str(register)]
        with open(err, "w") as f:
            proc = subprocess.Popen(
                [*command, *map(str, args)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                stderr=f, text=True,
            )  # fmt: skip
        child = cls(proc, err, label)
        line = proc.stdout.readline()
        if line != "start\n":
            child.ended(proc.kill)
            raise AssertionError(f"{label}: never started ({line!r}):\n{err.read_text()}")
        return child

    def ended(self, end: Callable[[], None]) -> list[str]:
        """End it (`end`: a kill, or nothing to let it run to its end); the lines it printed. A
        writer that failed (an exception, not the kill) fails the test."""
        end()
        lines = self.proc.stdout.read().split("\n")
        code = self.proc.wait()
        failed = f"{self.label}: the writer failed ({code}):\n{self.err.read_text()}"
        assert code in (0, -signal.SIGKILL), failed
        return [x for x in lines if x]

    def finish(self) -> float:
        """Let it run to the end; the seconds its write took, as it measured them."""
        lines = self.ended(lambda: None)
        assert lines and lines[-1].startswith("done "), f"{self.label}: {lines[-3:]}"
        return float(lines[-1].split()[1])

    def kill_after(self, delay: float) -> list[str]:
        """SIGKILL after `delay` seconds (the child may have finished by then)."""
        time.sleep(delay)
        return self.ended(lambda: os.kill(self.proc.pid, signal.SIGKILL))


# -- reading a file as the kill left it -------------------------------------------------------
def _sound(path: Path, label: str) -> None:
    """The file passes PRAGMA integrity_check and no foreign key dangles (a plain connection,
    before the app opens it)."""
    conn = sqlite3.connect(path)
    try:
        problems = conn.execute("PRAGMA integrity_check").fetchall()
        assert problems == [("ok",)], f"{label}: integrity_check: {problems[:5]}"
        dangling = conn.execute("PRAGMA foreign_key_check").fetchall()
        assert dangling == [], f"{label}: foreign keys dangle: {dangling[:5]}"
    finally:
        conn.close()


def _state(path: Path) -> dict:
    """Everything in the file: user_version, the schema, every row of every table (tests.dumps
    reads through .db.execute, which a plain connection has), read without migrating it."""
    conn = sqlite3.connect(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchall()
        schema = conn.execute(
            "select type, name, tbl_name, sql from sqlite_master order by type, name"
        ).fetchall()
        return {"user_version": version, "sqlite_master": schema, **dump(SimpleNamespace(db=conn))}
    finally:
        conn.close()


UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# what two runs of the same write make differently: wall-clock times, HLC stamps, digests
VOLATILE = re.compile(
    rf"(?P<id>{UUID})|\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d)?"
    r"|\d{13}-\d{5}-\w+|\b[0-9a-f]{32,}\b"
)


def _uuids(state: dict) -> set[str]:
    return {
        u for rows in state.values() for row in rows for v in row if isinstance(v, str)
        for u in re.findall(UUID, v)
    }  # fmt: skip


def _masked(state: dict, known: set[str]) -> dict:
    """The state with times, stamps, digests and UUIDs not in `known` (the file's before the
    write) masked, each table's rows sorted: what a write makes the same on every run."""

    def mask(v):
        if not isinstance(v, str):
            return v
        return VOLATILE.sub(lambda m: m[0] if m["id"] and m[0] in known else "~", v)

    return {t: sorted((tuple(map(mask, r)) for r in rows), key=repr) for t, rows in state.items()}


def _half_applied(now: dict, before: dict, after: dict) -> str:
    """What a kill left half applied: the schema version it stopped at when that is neither the
    old nor the new one, and the tables as before, as after the complete write, or neither
    (masked states)."""
    out = []
    versions = [state["user_version"][0][0] for state in (before, now, after)]
    if versions[1] not in (versions[0], versions[2]):
        out.append(
            "the file stopped at schema version {1}, between {0} and {2} (storage.schema.migrate"
            " commits each migration in a transaction of its own)".format(*versions)
        )
    for t in sorted(set(before) | set(after) | set(now)):
        b, n, a = before.get(t, []), now.get(t, []), after.get(t, [])
        if b != a or n not in (b, a):
            word = "as before" if n == b else "as after" if n == a else "NEITHER"
            out.append(f"{t}: {word} ({len(b)} rows before, {len(n)} now, {len(a)} after)")
    return "; ".join(out)


def _copy(source: Path, target: Path) -> None:
    """A closed register file (no -wal left) copied over `target`, its -wal, -shm and the copies
    open_store keeps before an upgrade."""
    assert not Path(f"{source}-wal").exists(), source
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    for old in target.parent.glob(f"{target.name}.v*.bak"):  # open_store's, before an upgrade
        old.unlink()
    shutil.copyfile(source, target)


# -- what the one-shot writes write from ------------------------------------------------------
class Sources:
    """The inputs of the one-shot paths, each made once per run and only when a path needs it."""

    def __init__(self, folder: Path):
        self.folder = folder

    @cached_property
    def demo(self) -> Path:
        """A county register: one village of DEMO_HOUSEHOLDS households, 2015 and 2016 closed."""
        path = self.folder / "demo.db"
        ops.write_demo(path, villages=1, households=DEMO_HOUSEHOLDS, seed=7)
        return path

    def _with_demo(self, read: Callable):
        store = open_store(self.demo)
        try:
            return read(store)
        finally:
            store.close()

    @cached_property
    def village(self) -> dict:
        return self._with_demo(lambda store: store.find("villages")[0])

    @cached_property
    def json(self) -> Path:
        path = self.folder / "demo.json"
        self._with_demo(
            lambda store: interchange.write_json(interchange.export_register(store), path)
        )
        return path

    @cached_property
    def xlsx(self) -> Path:
        path = self.folder / "demo.xlsx"
        self._with_demo(lambda s: E.export_xlsx(s, path, village_code=self.village["code"]))
        return path

    @cached_property
    def team_package(self) -> tuple[Path, Path]:
        """The county as it is before a team's package arrives, and the package: the team's
        laptop got the village from the county, then edited every household and entered 20
        new ones."""
        stick = self.folder / "U盘"
        stick.mkdir()
        county_path = self.folder / "county.db"
        _copy(self.demo, county_path)
        county = open_store(county_path)
        laptop = open_store(self.folder / "laptop.db", create=True, operator="队员")
        try:
            _, enrolment = ops.register_team(
                county, "第1工作队", [self.village["code"]], PASS, stick
            )
            ops.enroll(laptop, enrolment, PASS)
            enrolment.unlink()
            [first] = S.export(county, stick, teams=["第1工作队"])
            S.import_package(laptop, first.path)
            first.path.unlink()
            with laptop.atomic():
                for i, h in enumerate(laptop.find("households")):
                    R.update_record(laptop, "household", h["id"], {"address": f"一社{i}号"})
                for n in range(1, 21):
                    values = {"village_id": self.village["id"], "household_no": f"9{n:03d}",
                              "status": C.STATUS_POOR}  # fmt: skip
                    R.add_household(laptop, values, W.family(n))
            [sent] = S.export(laptop, stick)
        finally:
            county.close()
            laptop.close()
        return county_path, sent.path


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    return Sources(tmp_path_factory.mktemp("kill-sources"))


# -- the loop paths: every acknowledged write kept, each write whole ---------------------------
def _village_register(path: Path) -> None:
    """A register with the reference policy, a village and the household the loops edit."""
    store = ops.open_register(path, create=True, operator="测试员")
    try:
        vid = R.add_village(store, VILLAGE)
        values = {"village_id": vid, "household_no": W.EDITED, "status": C.STATUS_POOR,
                  "household_size": 1}  # fmt: skip
        R.add_household(store, values, [{"name": "王建国", "relation": "户主"}])
    finally:
        store.close()


def _logged(store, table: str) -> Counter:
    """(record, field) → how many changes the change log holds; field None for an insert."""
    rows = store.db.execute(
        "select record_id, field from change_log where table_name = ?", [table]
    ).fetchall()
    return Counter(map(tuple, rows))


def _entry_holds(store, p: int, label: str) -> None:
    """Exactly the first p entry writes: (p + 1) // 2 edits of the household, both fields of
    each, each in the change log; p // 2 new households, numbered on without a gap, each with
    its three members, its status entry and their change-log rows."""
    edits, added = (p + 1) // 2, p // 2
    edited = W.household(store, W.EDITED)
    kept = (W.number_in(edited["address"]), edited["household_size"])
    assert kept == (edits, edits % 30 + 1), f"{label}: edit {edits} half kept: {kept}"
    log = _logged(store, "households")
    assert log[(edited["id"], "address")] == log[(edited["id"], "household_size")] == edits, label
    new = sorted(
        store.find("households", "household_no like 'N%'"), key=lambda h: h["household_no"]
    )
    numbers = [h["household_no"] for h in new]
    assert numbers == [W.new_household_no(n) for n in range(1, added + 1)], f"{label}: {numbers}"
    members = defaultdict(list)
    for m in store.find("members"):
        members[m["household_id"]].append(m)
    history = {r["household_id"]: r["reason"] for r in store.find("status_history")}
    member_log = _logged(store, "members")
    for n, h in enumerate(new, 1):
        names = sorted(m["name"] for m in members[h["id"]])
        assert names == sorted(x["name"] for x in W.family(n)), f"{label}: household {n}: {names}"
        assert history.get(h["id"]) == f"第{n}户", f"{label}: household {n} without its entry"
        assert log[(h["id"], None)] == 1, f"{label}: household {n} not in the change log"
        assert all(member_log[(m["id"], None)] == 1 for m in members[h["id"]]), label


def _visit_holds(store, p: int, label: str) -> None:
    """Exactly the first p visit writes: visits 1 … k, each but the last started, found and
    ended, the last as far as p goes; each visit's finding is in its before → after list if and
    only if the household's edit is in the change log (one transaction), in the same order."""
    k = (p - 1) // W.VISIT_STAGES + 1 if p else 0
    last_stage = (p - 1) % W.VISIT_STAGES
    visits = sorted(store.find("visits"), key=lambda v: W.number_in(v["purpose"]))
    assert [W.number_in(v["purpose"]) for v in visits] == list(range(1, k + 1)), label
    found = []
    for n, v in enumerate(visits, 1):
        stage = last_stage if n == k else W.VISIT_STAGES - 1
        changes = [(c["field"], c["new"]) for c in json.loads(v["changes"])]
        assert changes == ([("address", f"走访{n}")] if stage >= 1 else []), f"{label}: visit {n}"
        assert v["findings"] == (f"第{n}次发现" if stage == 2 else None), f"{label}: visit {n}"
        found += [f"走访{n}"] if stage >= 1 else []
    hid = W.household(store, W.EDITED)["id"]
    edits = [c["new"] for c in store.changes("households", hid) if c["field"] == "address"]
    assert edits == found, f"{label}: edits {edits[-3:]} and findings {found[-3:]} differ"
    assert W.household(store, W.EDITED)["address"] == (found[-1] if found else None), label


def _status_holds(store, p: int, label: str) -> None:
    """Exactly the first p status changes: the history entries 1 … p with their status and date,
    the household's status, exit year and change log as the last one left them."""
    history = sorted(store.find("status_history"), key=lambda r: W.number_in(r["reason"]))
    got = [(r["reason"], r["status"], r["date"]) for r in history]
    want = [(f"第{k}次", W.status_of(k), W.status_date(k).isoformat()) for k in range(1, p + 1)]
    assert got == want, f"{label}: status history {got[-2:]}, {want[-2:]} expected"
    h = W.household(store, W.EDITED)
    status = W.status_of(p) if p else C.STATUS_POOR
    exit_year = W.status_date(p).year if p % 2 else None
    assert (h["status"], h["exit_year"]) == (status, exit_year), f"{label}: half a change"
    assert _logged(store, "households")[(h["id"], "status")] == p, label


def _procedure_holds(store, p: int, label: str) -> None:
    """Exactly the first p procedure writes: applicants 1 … r, each but the last through every
    step of its identification, the last as far as p goes; an applicant (household, member and
    申请 together) is never without its first step, and its 公告 always comes with its status
    未脱贫, the status entry and the identification year."""
    r = (p - 1) // W.PER_APPLICANT + 1 if p else 0
    last_held = (p - 1) % W.PER_APPLICANT + 1
    applicants = sorted(
        store.find("households", "household_no like 'P%'"), key=lambda h: h["household_no"]
    )
    numbers = [h["household_no"] for h in applicants]
    assert numbers == [W.applicant_no(n) for n in range(1, r + 1)], f"{label}: {numbers}"
    names = ["申请", *(step for step, _ in W.IDENTIFY_STEPS)]
    history = Counter(row["household_id"] for row in store.find("status_history"))
    members = Counter(m["household_id"] for m in store.find("members"))
    for n, h in enumerate(applicants, 1):
        held = last_held if n == r else W.PER_APPLICANT
        steps = [s["step"] for s in PR.steps_of(store, h["id"])]
        assert steps == names[:held], f"{label}: applicant {n} has steps {steps}"
        announced = held == W.PER_APPLICANT
        got = (h["status"], h["identification_year"], history[h["id"]], members[h["id"]])
        want = (C.STATUS_POOR, 2017, 1, 1) if announced else (C.STATUS_APPLICANT, None, 0, 1)
        assert got == want, f"{label}: applicant {n} (steps {steps}) half announced: {got}"


@dataclass(frozen=True)
class Loop:
    writer: str
    seed: int
    holds: Callable[[object, int, str], None]


LOOPS = [
    Loop("entry", 2016, _entry_holds),
    Loop("visit", 2017, _visit_holds),
    Loop("status", 2018, _status_holds),
    Loop("procedure", 2019, _procedure_holds),
]


def _loop_check(loop: Loop, register: Path, acked: int, label: str) -> int:
    """After a run: sound, opens, holds every acknowledged write and at most one more, each
    whole; returns the writes it holds."""
    _sound(register, label)
    progress = W.LOOPS[loop.writer][0]
    store = open_store(register)
    try:
        p = progress(store)
        assert acked <= p <= acked + 1, f"{label}: write {acked} acknowledged, {p} kept"
        loop.holds(store, p, f"{label}, {p} writes kept")
    finally:
        store.close()
    return p


@pytest.mark.parametrize("loop", LOOPS, ids=lambda loop: loop.writer)
def test_a_killed_loop_keeps_every_acknowledged_write_whole(loop, tmp_path):
    """One register takes the calibration run and then every trial, each resuming the loop."""
    register = tmp_path / "register.db"
    _village_register(register)
    label = f"{loop.writer} calibration (seed {loop.seed})"
    span = Child.start(label, tmp_path, loop.writer, register, "--writes", LOOP_WRITES).finish()
    p = _loop_check(loop, register, LOOP_WRITES, label)
    rng = random.Random(loop.seed)
    for trial in range(TRIALS):
        delay = rng.uniform(0, WINDOW * span)
        label = f"{loop.writer} trial {trial} (seed {loop.seed}, kill {delay:.3f} s after start)"
        lines = Child.start(label, tmp_path, loop.writer, register).kill_after(delay)
        acked = [int(x) for x in lines if x.isdigit()]
        p = _loop_check(loop, register, acked[-1] if acked else p, label)


# -- the one-shot paths: as before, or as after the complete write -----------------------------
def _before_import_json(template: Path, sources: Sources) -> list:
    """An empty register (the reference policy only); the demo village's interchange file."""
    ops.open_register(template, create=True).close()
    return [sources.json]


def _before_import_xlsx(template: Path, sources: Sources) -> list:
    """A register with the demo village and no households; the village's exported ledger."""
    store = ops.open_register(template, create=True)
    try:
        R.add_village(store, {k: sources.village[k] for k in VILLAGE})
    finally:
        store.close()
    return [sources.xlsx]


def _before_sync_import(template: Path, sources: Sources) -> list:
    """The county with its enrolled team; the team's package."""
    county, package = sources.team_package
    _copy(county, template)
    return [package]


def _before_close_year(template: Path, sources: Sources) -> list:
    """The demo county (2015 and 2016 closed); its village, whose W.CLOSE_YEAR is closed."""
    _copy(sources.demo, template)
    return [sources.village["code"]]


def _before_migration(template: Path, sources: Sources) -> list:
    """tests/fixtures/schema_v1.db with its household, member, finance and change-log row
    copied V1_COPIES times, by plain SQL as version 1 stored them: an upgrade long enough for
    kills to land in each migration and in the copy open_store keeps of the old file."""
    _copy(FIXTURES / "schema_v1.db", template)
    conn = sqlite3.connect(template)
    with conn:
        for table, suffixed in (("households", ("id", "household_no")),
                                ("members", ("id", "household_id")),
                                ("finances", ("id", "household_id")),
                                ("change_log", ("record_id",))):  # fmt: skip
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info([{table}])") if r[1] != "seq"]
            copied = (f"[{c}] || '-' || n" if c in suffixed else f"[{c}]" for c in columns)
            conn.execute(
                f"with recursive k(n) as (select 1 union all select n + 1 from k where n < ?) "
                f"insert into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                f"select {', '.join(copied)} from [{table}], k",
                [V1_COPIES],
            )
    conn.close()
    return []


@dataclass(frozen=True)
class OneShot:
    writer: str
    seed: int
    before: Callable[[Path, Sources], list]  # makes the file before the write; the writer's args


ONE_SHOTS = [
    OneShot("import-json", 3016, _before_import_json),
    OneShot("import-xlsx", 3017, _before_import_xlsx),
    OneShot("sync-import", 3018, _before_sync_import),
    OneShot("close-year", 3019, _before_close_year),
    OneShot("migration", 3020, _before_migration),
]


def _old_file_kept(register: Path, before: dict, label: str) -> None:
    """The copy open_store keeps of a file it upgrades (REGISTER.vN.bak), once there is one,
    is the whole old file: open_store never makes it again once it exists."""
    for copy in register.parent.glob(f"{register.name}.v*.bak"):
        kept = _state(copy)
        rows = sum(len(v) for k, v in kept.items() if k not in ("user_version", "sqlite_master"))
        assert kept == before, (
            f"{label}: {copy.name} (storage.db._backup_before_upgrade) is not the old file: "
            f"user_version {kept['user_version'][0][0]}, {len(kept['sqlite_master'])} schema "
            f"entries, {rows} rows; open_store will not make it again, as it exists"
        )


@dataclass
class Outcomes:
    """The states a one-shot path's file may be left in: before the write (exactly) and after
    the complete write (masked, as the calibration run left it), and the write's `args`."""

    template: Path
    before: dict
    after: dict
    known: set[str]
    args: list

    @property
    def upgrade(self) -> bool:
        return self.before["user_version"] != self.after["user_version"]


def _one_shot_trial(shot: OneShot, states: Outcomes, work: Path, delay: float, label: str):
    """A kill `delay` after "start" into a fresh copy of the file before the write: the file is
    sound, as before or as after the complete write (as after once the child said "done"), and
    opens through open_store, which leaves it as it is (or completes an upgrade)."""
    register = work / "register.db"
    _copy(states.template, register)
    lines = Child.start(label, work, shot.writer, register, *states.args).kill_after(delay)
    _sound(register, label)
    _old_file_kept(register, states.before, label)
    raw = _state(register)
    now = _masked(raw, states.known)
    open_store(register).close()  # the app opens it (and upgrades an old file)
    reopened = _masked(_state(register), states.known)
    before, after = _masked(states.before, states.known), states.after
    then = "completed it" if reopened == after else "did not complete it"
    whole = raw == states.before or now == after
    assert whole, f"{label}: half applied: {_half_applied(now, before, after)}; open_store {then}"
    if any(x.startswith("done") for x in lines):
        assert now == after, f"{label}: the write returned but is not all there"
    expected = after if states.upgrade or now == after else now
    assert reopened == expected, f"{label}: open_store changed it: " + _half_applied(
        reopened, now, expected
    )


@pytest.mark.parametrize("shot", ONE_SHOTS, ids=lambda shot: shot.writer)
def test_a_killed_one_shot_write_is_all_or_nothing(shot, sources, tmp_path):
    """Every trial runs (each on a fresh copy of the file before the write), and the test fails
    with every trial that found a write half done."""
    template, register = tmp_path / "before.db", tmp_path / "register.db"
    args = shot.before(template, sources)
    before = _state(template)
    known = _uuids(before)
    _copy(template, register)
    label = f"{shot.writer} calibration (seed {shot.seed})"
    span = Child.start(label, tmp_path, shot.writer, register, *args).finish()
    _sound(register, label)
    _old_file_kept(register, before, label)
    states = Outcomes(template, before, _masked(_state(register), known), known, args)
    assert states.after != _masked(before, known), f"{label}: the write changed nothing"
    rng = random.Random(shot.seed)
    failures = []
    for trial in range(TRIALS):
        delay = rng.uniform(0, WINDOW * span)
        label = f"{shot.writer} trial {trial} (seed {shot.seed}, kill {delay:.3f} s after start)"
        try:
            _one_shot_trial(shot, states, tmp_path, delay, label)
        except AssertionError as e:
            failures.append(str(e).split("\nassert ")[0])
    if failures:
        pytest.fail(f"{len(failures)} of {TRIALS} trials:\n" + "\n".join(failures), pytrace=False)
