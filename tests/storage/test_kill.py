"""Killing the process mid-write (the nearest a test gets to pulling the plug) loses nothing
that was committed and never leaves a half-written record. FUPIN_KILL_TRIALS=1000 for more."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from storage import register as R
from storage.db import open_store

ROOT = Path(__file__).resolve().parents[2]
TRIALS = int(os.environ.get("FUPIN_KILL_TRIALS", "6"))

WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from storage.db import open_store
    from storage import register as R
    store = open_store({path!r}, operator="断电测试")
    hid = {hid!r}
    address = store.get("households", hid)["address"]
    n = int(address[1:-1]) if address else 0
    while True:
        n += 1
        # two fields in one edit: both or neither may survive a kill
        R.update_record(store, "household", hid, {{"household_size": n % 30 + 1,
                                                   "address": f"第{{n}}次"}})
        print(n, flush=True)      # acknowledged: the commit returned
""")


def test_killed_writer_keeps_every_acknowledged_edit(tmp_path):
    path = tmp_path / "kill.db"
    store = open_store(path, create=True)
    vid = R.add_village(
        store, {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
    )
    hid = R.add_household(
        store, {"village_id": vid, "household_no": "1", "status": "未脱贫", "household_size": 1}
    )
    store.close()
    rng = random.Random(2016)
    script = WRITER.format(root=str(ROOT), path=str(path), hid=hid)
    for trial in range(TRIALS):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        acknowledged = 0
        deadline = time.monotonic() + rng.uniform(0.3, 1.2)
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            acknowledged = int(line)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        store = open_store(path)
        household = store.get("households", hid)
        n = int(household["address"][1:-1]) if household["address"] else 0
        assert n >= acknowledged, f"trial {trial}: edit {acknowledged} acknowledged, {n} kept"
        assert household["household_size"] == n % 30 + 1  # never half an edit
        log = [c for c in store.changes("households", hid) if c["field"] == "address"]
        assert len(log) == n  # the log has every kept edit
        store.close()
