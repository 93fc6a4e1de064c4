"""Benchmark: the USB sync (issue 9, "Speed") on the demo county (150 villages × 500 households).

Not part of `make test`; run with `make bench` (or `make bench PYTEST_ARGS="tests/bench -k sync"`).

Two counties, because a team's package carries only what the team made itself (a value its
laptop merged from the county is never sent back):

- the demo county (conftest's `county_db`) with a team registered for each village: the county
  writes a package for every team (what a replacement laptop gets first, all of its village),
  and one laptop that took its package works for two days (30 households a day, a few fields
  and a visit each) and sends the day's package each evening (the incremental case);
- a county starting from the teams' data: the same 150 villages and teams and no households;
  each team's laptop holds its village as it kept it before the sync existed (moved in with
  `import-json` from the demo county's export: records made on the laptop, under its stamps),
  writes its first package (all of its village), and the county merges the 150 packages.

The counties, the laptops and the enrolment files are made once per version of the code and
kept under /tmp/fupin-bench/sync-…; every figure is measured in each run, beside its floor."""

import hashlib
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storage import operations as O
from storage import package
from storage import register as R
from storage import sync as S
from storage.db import open_store
from storage.enrolment import enroll, register_team, team_of
from storage.interchange import export_register, import_register
from storage.merge import ORDER

from .conftest import CACHE, HOUSEHOLDS, ROOT, VILLAGES, report

PASS = "基准测试-一次性口令"
FULL_TARGET_S = 2.0  # one 500-household village's first package
INCREMENTAL_TARGET_S = 0.5  # a day's edits
MERGE_TARGET_S = 60.0  # the county merging 150 villages' first packages
EDITED = 30  # households edited in a day


# Raise when sync_cache below makes different files: the cache key is this and the code.
CACHE_FORMAT = 1


def _code_version() -> str:
    """The cache key: the code that makes the counties and laptops (storage, forms)."""
    h = hashlib.sha256(f"sync-bench-{CACHE_FORMAT}".encode())
    for path in sorted([*ROOT.glob("storage/*.py"), *ROOT.glob("forms/**/*.py")]):
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def _team(i: int) -> str:
    return f"第{i + 1:03d}工作队"


@pytest.fixture(scope="session")
def sync_cache(county_db) -> Path:
    """Made once per code version: the demo county with 150 teams (and their enrolment files);
    the teams' county (villages and teams only) and the 150 laptops holding their villages."""
    root = CACHE / f"sync-{VILLAGES}x{HOUSEHOLDS}-{_code_version()}"
    if root.exists():
        return root
    for old in CACHE.glob(f"sync-{VILLAGES}x{HOUSEHOLDS}-*"):  # an older version's, or half made
        shutil.rmtree(old)
    part = root.with_name(root.name + ".part")
    (part / "enrol").mkdir(parents=True)
    (part / "laptops").mkdir()
    (part / "enrol-b").mkdir()
    start = time.perf_counter()

    shutil.copy(county_db, part / "county.db")  # opening upgrades it: not the shared file
    county = open_store(part / "county.db", operator="县扶贫办")
    villages = R.list_villages(county)
    for i, v in enumerate(villages):
        register_team(county, _team(i), [v["code"]], PASS, part / "enrol")
    data = export_register(county)  # the whole county once; one village's export reads it all
    county.close()
    for bak in part.glob("county.db.v*.bak"):
        bak.unlink()

    county_b = open_store(part / "county-b.db", create=True, role="county", operator="县扶贫办")
    fields = ("code", "name", "township", "county", "is_poor_village", "planned_exit_year",
              "pairing_unit", "leader_in_charge")  # fmt: skip
    for v in villages:
        R.add_village(county_b, {k: v[k] for k in fields if v.get(k) is not None})
    for i, v in enumerate(villages):
        _, enrolment = register_team(county_b, _team(i), [v["code"]], PASS, part / "enrol-b")
        laptop = open_store(part / "laptops" / f"{i:03d}.db", create=True, operator=f"队员{i}")
        import_register(laptop, _village_of(data, v["code"]))
        enroll(laptop, enrolment, PASS)
        laptop.close()
    county_b.close()
    part.rename(root)
    print(f"\n(sync benchmark files made in {time.perf_counter() - start:.0f} s: {root})")
    return root


def _village_of(data: dict, code: str) -> dict:
    """One village of a county's export-json, as `export-json --village CODE` writes it."""
    households = [h for h in data["households"] if h["village_code"] == code]
    cadres_used = {h.get("cadre_id") for h in households}
    cadres_used |= {v.get("cadre_id") for h in households for v in h["visits"]}
    cadres_used |= {m.get("cadre_id") for h in households for m in h["measures"]}
    village = next(v for v in data["villages"] if v["code"] == code)
    cadres_used |= {m.get("cadre_id") for m in village["measures"]}
    return {
        "format": data["format"],
        "policy_values": data["policy_values"],
        "villages": [village],
        "cadres": [
            c for c in data["cadres"] if c.get("village_code") == code or c["id"] in cadres_used
        ],
        "households": households,
    }


@pytest.fixture(scope="module")
def county(sync_cache, tmp_path_factory):
    """A copy of the demo county with its 150 teams (exports change what it remembers)."""
    path = tmp_path_factory.mktemp("sync-county") / "county.db"
    shutil.copy(sync_cache / "county.db", path)
    store = open_store(path, operator="县扶贫办")
    yield store
    store.close()


# -- floors ------------------------------------------------------------------------------------
_BY_HOUSEHOLD = ("members", "finances", "visits", "status_history")
_BY_VILLAGE = ("groups", "cadres", "households", "measures", "village_facts")


def _read_village_floor(path: Path, village_id: str) -> float:
    """Plain SQLite: read every row of one village's records and every change-log row of them
    (what its full package holds), nothing else."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    start = time.perf_counter()
    ids = {"villages": [village_id]}
    conn.execute("select * from villages where id = ?", [village_id]).fetchall()
    for t in _BY_VILLAGE:
        rows = conn.execute(f"select * from [{t}] where village_id = ?", [village_id]).fetchall()
        ids[t] = [r[0] for r in rows]
    for t in _BY_HOUSEHOLD:
        rows = conn.execute(
            f"select t.* from [{t}] t join households h on h.id = t.household_id "
            "where h.village_id = ?",
            [village_id],
        ).fetchall()
        ids[t] = [r[0] for r in rows]
    for t, rids in ids.items():
        conn.execute(
            "select * from change_log where table_name = ? and record_id in "
            "(select value from json_each(?))",
            [t, json.dumps(rids)],
        ).fetchall()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def _write_floor(path: Path, key: bytes, folder: Path) -> float:
    """The same compressed payload sealed and written as a package (fsync, read back, opened):
    what any package of that size costs on this disk."""
    header, body = package.read_package(path, key)
    start = time.perf_counter()
    package.write_package(folder / ("floor-" + path.name), header, body, key)
    return time.perf_counter() - start


def _spread(times: list[float]) -> str:
    return (f"median {statistics.median(times):.2f} s, min {min(times):.2f}, "
            f"max {max(times):.2f}")  # fmt: skip


# -- the county writes every team's package ----------------------------------------------------
def test_the_county_writes_a_full_package_for_every_team(county, tmp_path):
    teams = S._county_teams(county)
    village_ids = S._village_ids(county, [t["villages"][0] for t in teams])
    times, sizes, floors = [], [], []
    for t in teams:
        folder = tmp_path / t["id"]
        folder.mkdir()
        start = time.perf_counter()
        [e] = S.export(county, folder, teams=[t["name"]])
        times.append(time.perf_counter() - start)
        sizes.append(e.path.stat().st_size)
    for t in teams[:10]:  # the floor: the same rows read, for ten of them
        floors.append(_read_village_floor(county.path, village_ids[t["villages"][0]]))
    key = bytes.fromhex(S._team_key(county, teams[0]["id"]))
    [first] = (tmp_path / teams[0]["id"]).iterdir()
    write_floor = _write_floor(first, key, tmp_path)
    print(f"\n== the county ({county.path.name}, {len(teams)} teams) writes each team's package ==")
    report(f"county → team, full package of one village ({_spread(times)}; "
           f"{statistics.median(sizes) / 1e6:.2f} MB)", statistics.median(times),
           statistics.median(floors), "plain SQLite read of the village's rows and log rows")  # fmt: skip
    report("  the same payload sealed and written alone (fsync, read back)", write_floor)
    report(f"county → team, all {len(teams)} packages, one after another", sum(times))
    assert max(times) < FULL_TARGET_S


# -- one laptop's days -------------------------------------------------------------------------
def _a_day(laptop, households: list[dict], day: str, n: int) -> None:
    """A day in the village: each household visited, a few of its fields and its year's
    finances corrected during the visit (what the app writes)."""
    for k, h in enumerate(households):
        vid = O.start_visit(laptop, h["id"], {"date": day, "cadre_id": h.get("cadre_id"),
                                              "purpose": "入户核实"}).created  # fmt: skip
        O.edit_record(laptop, "household", h["id"],
                      {"housing_area_m2": 60 + (k + n) % 40, "tap_water": (k + n) % 2 == 0,
                       "farmland_mu": 3.5 + n}, visit_id=vid)  # fmt: skip
        O.edit_finance(laptop, h["id"], 2017, {"wage_income": 9000 + 100 * k + n}, visit_id=vid)
        O.end_visit(laptop, vid, {"findings": f"第{n}天：住房、自来水、耕地已核实",
                                  "follow_up": "下月回访"})  # fmt: skip


def _timed(fn, *args, **kw):
    start = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - start


def test_a_team_laptop_two_days_of_incremental_packages(county, sync_cache, tmp_path):
    team = S._county_teams(county)[0]
    stick = tmp_path / "U盘"
    stick.mkdir()

    def swap(sender, receiver, **kw):
        for f in stick.iterdir():
            f.unlink()
        [e], export_s = _timed(S.export, sender, stick, **kw)
        got, import_s = _timed(S.import_package, receiver, e.path)
        return e, got, export_s, import_s

    laptop = open_store(tmp_path / "laptop.db", create=True, operator="队员")
    [enrolment] = [p for p in (sync_cache / "enrol").iterdir() if team["name"] in p.name]
    enroll(laptop, enrolment, PASS)
    e, got, out_s, in_s = swap(county, laptop, teams=[team["name"]])
    assert got.inserted >= HOUSEHOLDS
    print(f"\n== a team's laptop ({team['name']}, village {team['villages'][0]}) ==")
    report(f"replacement laptop's first sync: county writes the package "
           f"({e.records} records, {e.path.stat().st_size / 1e6:.2f} MB)", out_s)  # fmt: skip
    report(f"replacement laptop's first sync: the laptop imports it ({got.inserted} records)", in_s)

    households = laptop.find("households", order_by="household_no")
    figures = {}
    for n, day in ((1, "2017-06-12"), (2, "2017-06-13")):
        _a_day(laptop, households[(n - 1) * EDITED : n * EDITED], day, n)
        e, got, out_s, in_s = swap(laptop, county)
        floor = _write_floor(e.path, team_of(laptop).key, tmp_path)
        assert got.result == "applied" and got.taken >= EDITED * 4
        figures[n] = out_s
        what = "the first after the county's package" if n == 1 else "after the county's receipt"
        report(f"day {n}, laptop → county, {EDITED} households edited + a visit each "
               f"({e.records} records, {e.fields} fields; {what})", out_s, floor,
               "the same payload sealed and written alone")  # fmt: skip
        report(f"day {n}, the county imports it (into the {VILLAGES}-village county)", in_s)
        back, got, out_s, in_s = swap(county, laptop, teams=[team["name"]])
        report(f"day {n}, county → team receipt and corrections ({back.records} records)", out_s)
        report(f"day {n}, the laptop imports the receipt", in_s)
    laptop.close()
    assert max(figures.values()) < INCREMENTAL_TARGET_S


# -- the county merges 150 villages' first packages --------------------------------------------
_MERGE = """
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from storage import sync as S
from storage.db import open_store
start = time.perf_counter()
store = open_store(sys.argv[2], operator="县扶贫办")
opened = time.perf_counter()
results = S.import_paths(store, sys.argv[3:])
done = time.perf_counter()
store.close()
try:  # this process's own peak: ru_maxrss would also count the parent's at the fork
    with open("/proc/self/status") as f:
        peak_kb = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
except OSError:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"open_s": opened - start, "import_s": done - opened, "peak_kb": peak_kb,
                  "results": [[r.result, r.reason, r.inserted, r.taken] for r in results]}))
"""


def _executemany_floor(merged: Path, seed: Path, out: Path) -> tuple[float, int]:
    """Plain `executemany` of the rows the merge inserted (the same tables, the same rows: every
    record and change-log row the seed county lacked), one transaction, into an empty copy of
    the schema with the register's pragmas (WAL, synchronous FULL, foreign keys); the parents
    already there (villages) are put in first, untimed."""
    src = sqlite3.connect(f"file:{merged}?mode=ro", uri=True)
    seed_conn = sqlite3.connect(f"file:{seed}?mode=ro", uri=True)
    schema = [r[0] for r in src.execute(
        "select sql from sqlite_master where sql is not null and name not like 'sqlite_%' "
        "order by type = 'index', rowid")]  # fmt: skip
    last_seq = seed_conn.execute("select coalesce(max(seq), 0) from change_log").fetchone()[0]
    had = {t: {r[0] for r in seed_conn.execute(f"select id from [{t}]")} for t in ORDER}
    seed_conn.close()
    parents = src.execute("select * from villages").fetchall()
    rows = {t: [r for r in src.execute(f"select * from [{t}]") if r[0] not in had[t]]
            for t in ORDER}  # fmt: skip
    rows["change_log"] = src.execute(
        "select * from change_log where seq > ?", [last_seq]
    ).fetchall()
    src.close()
    conn = sqlite3.connect(out, isolation_level=None)
    for sql in schema:
        conn.execute(sql)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.executemany(f"insert into villages values ({', '.join('?' * len(parents[0]))})", parents)
    start = time.perf_counter()
    conn.execute("begin")
    count = 0
    for t, batch in rows.items():
        if batch:
            conn.executemany(f"insert into [{t}] values ({', '.join('?' * len(batch[0]))})", batch)
            count += len(batch)
    conn.execute("commit")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, count


def test_the_county_merges_150_villages_first_packages(sync_cache, tmp_path):
    laptops = sorted((sync_cache / "laptops").glob("*.db"))
    times, sticks, records = [], [], 0
    for i, path in enumerate(laptops):
        copy = tmp_path / "laptops" / path.name
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(path, copy)
        stick = tmp_path / "sticks" / f"{i:03d}"  # each team's own stick: names may repeat
        stick.mkdir(parents=True)
        laptop = open_store(copy, operator=f"队员{i}")
        [e], seconds = _timed(S.export, laptop, stick)
        laptop.close()
        times.append(seconds)
        sticks.append(stick)
        records += e.records
    print(f"\n== the teams' county merges {len(laptops)} villages' first packages ==")
    report(f"laptop → county, the first package of a 500-household village "
           f"({_spread(times)}; {records // len(laptops)} records each)",
           statistics.median(times))  # fmt: skip

    seed = tmp_path / "county-b-seed.db"
    shutil.copy(sync_cache / "county-b.db", seed)
    merged = tmp_path / "county-b.db"
    shutil.copy(seed, merged)
    run = subprocess.run(
        [sys.executable, "-c", _MERGE, str(ROOT), str(merged), *map(str, sticks)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout.strip().splitlines()[-1])
    refused = [r for r in out["results"] if r[0] != "applied"]
    assert not refused, refused[:3]
    inserted = sum(r[2] for r in out["results"])
    floor, rows = _executemany_floor(merged, seed, tmp_path / "floor.db")
    report(f"county merge of {len(sticks)} first packages ({inserted} records new to it, "
           f"one process; peak RSS {out['peak_kb'] / 1024:.0f} MB)", out["import_s"], floor,
           f"plain executemany of the same {rows} rows, one transaction")  # fmt: skip
    print(f"ratio: {out['import_s'] / floor:.1f}×   (opening the county: {out['open_s']:.2f} s)")
    assert max(times) < FULL_TARGET_S
    assert out["import_s"] < MERGE_TARGET_S
