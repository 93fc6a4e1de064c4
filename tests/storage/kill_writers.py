"""The writers tests/storage/test_kill.py kills with SIGKILL, each in a child process of its own:

    python -m tests.storage.kill_writers WRITER REGISTER [INPUT] [--writes N]

A writer opens the register through the app's own code, prints "start" just before its first
write, and then:

- a loop writer (LOOPS) commits one write after another through storage.operations, printing
  after each commit returned the register's progress: how many of the loop's writes it holds
  (the acknowledgement). The writes are numbered, and write p is the same whoever makes it, so
  a loop resumes from the progress the register holds and one file takes trial after trial.
  With --writes N it stops after N writes and prints "done SECONDS" (the calibration run).
- a one-shot writer (ONE_SHOTS) makes its one big write and prints "done SECONDS" once it
  returned.
"""

from __future__ import annotations

import itertools
import re
import sys
import time
from datetime import date, timedelta

from forms import choices as C
from storage import interchange
from storage import operations as ops
from storage import procedures as PR
from storage import xlsx_import as X
from storage.db import open_store

OPERATOR = "断电测试"
EDITED = "0000"  # the household_no of the household the loops edit, visit and move
TODAY = date(2018, 6, 30)  # the procedures' "today": every date below is in the past
CLOSE_YEAR = 2017


def household(store, household_no: str) -> dict:
    [h] = store.find("households", "household_no = ?", [household_no])
    return h


def number_in(text: str | None) -> int:
    """The number a writer put in a text ("第12次" → 12); 0 for none."""
    found = re.search(r"\d+", text or "")
    return int(found[0]) if found else 0


# -- entry: a household edit (two fields in one edit), then a new household with members --------
def new_household_no(n: int) -> str:
    return f"N{n:05d}"


def family(n: int) -> list[dict]:
    return [
        {"name": f"户主{n}", "relation": "户主"},
        {"name": f"配偶{n}", "relation": "配偶"},
        {"name": f"子女{n}", "relation": "子"},
    ]


def entry_progress(store) -> int:
    edits = number_in(household(store, EDITED)["address"])
    added = len(store.find("households", "household_no like 'N%'"))
    return edits + added


def entry_step(store, p: int) -> None:
    """Write p: an edit (p even: edit p // 2 + 1) or a new household (p odd: household
    p // 2 + 1, three members and its status entry, through register_household)."""
    n = p // 2 + 1
    if p % 2 == 0:
        hid = household(store, EDITED)["id"]
        ops.edit_record(store, "household", hid, {"household_size": n % 30 + 1,
                                                  "address": f"第{n}次"})  # fmt: skip
    else:
        village = store.find("villages")[0]["id"]
        values = {"village_id": village, "household_no": new_household_no(n)}
        ops.register_household(store, values, family(n), f"第{n}户", date(2016, 3, 1))


# -- visit: start it, a finding (an edit during the visit), end it -----------------------------
VISIT_STAGES = 3


def visit_progress(store) -> int:
    visits = store.find("visits")
    if not visits:
        return 0
    last = max(visits, key=lambda v: number_in(v["purpose"]))
    stage = 2 if last["findings"] else 1 if last["changes"] != "[]" else 0
    return VISIT_STAGES * (number_in(last["purpose"]) - 1) + stage + 1


def visit_step(store, p: int) -> None:
    """Write p: of visit p // 3 + 1, its start (p % 3 == 0), its finding (1: the household's
    address edited during the visit, one transaction with the visit's before → after list) or
    its end (2: what was found)."""
    k, stage = p // VISIT_STAGES + 1, p % VISIT_STAGES
    hid = household(store, EDITED)["id"]
    if stage == 0:
        ops.start_visit(store, hid, {"date": "2016-05-01", "purpose": f"第{k}次走访"})
        return
    [visit] = store.find("visits", "purpose = ?", [f"第{k}次走访"])
    if stage == 1:
        ops.edit_record(store, "household", hid, {"address": f"走访{k}"}, visit_id=visit["id"])
    else:
        ops.end_visit(store, visit["id"], {"findings": f"第{k}次发现", "follow_up": "下月回访"})


# -- status change: 已脱贫 and 返贫 in turn, each with its date and reason -------------------------
def status_of(k: int) -> str:
    return C.STATUS_EXITED if k % 2 else C.STATUS_RETURNED


def status_date(k: int) -> date:
    return date(2016, 1, 1) + timedelta(days=k)


def status_progress(store) -> int:
    return len(store.find("status_history"))


def status_step(store, p: int) -> None:
    """Write p: status change p + 1 (the history entry and the household's status, exit year)."""
    k = p + 1
    hid = household(store, EDITED)["id"]
    ops.change_status(store, hid, status_of(k), status_date(k), f"第{k}次")


# -- procedure step: applicants walked through the identification procedure --------------------
# (step, date) after the application (operations.apply_household, which records 申请)
IDENTIFY_STEPS = [("民主评议", "2017-03-10"), ("公示", "2017-03-12"), ("比对", "2017-03-19"),
                  ("乡镇审核", "2017-03-25"), ("公告", "2017-04-01")]  # fmt: skip
PER_APPLICANT = 1 + len(IDENTIFY_STEPS)


def applicant_no(r: int) -> str:
    return f"P{r:05d}"


def procedure_progress(store) -> int:
    applicants = store.find("households", "household_no like 'P%'")
    if not applicants:
        return 0
    last = max(applicants, key=lambda h: h["household_no"])
    return PER_APPLICANT * (len(applicants) - 1) + len(PR.steps_of(store, last["id"]))


def procedure_step(store, p: int) -> None:
    """Write p: of applicant p // 6 + 1, the application (p % 6 == 0: the household and its
    申请 step, one transaction) or the next step of its identification (the last, 公告, also
    makes it 未脱贫 with its status entry and identification year)."""
    r, i = p // PER_APPLICANT + 1, p % PER_APPLICANT
    if i == 0:
        village = store.find("villages")[0]["id"]
        values = {"village_id": village, "household_no": applicant_no(r)}
        ops.apply_household(store, values, [{"name": f"申请人{r}", "relation": "户主"}],
                            "2017-03-01", document=f"申请书{r}")  # fmt: skip
        return
    step, when = IDENTIFY_STEPS[i - 1]
    hid = household(store, applicant_no(r))["id"]
    ops.record_procedure_step(store, [hid], step, when, document=f"{step}{r}", today=TODAY)


LOOPS = {
    "entry": (entry_progress, entry_step),
    "visit": (visit_progress, visit_step),
    "status": (status_progress, status_step),
    "procedure": (procedure_progress, procedure_step),
}


def run_loop(register: str, writer: str, writes: int | None) -> None:
    progress, step = LOOPS[writer]
    store = open_store(register, operator=OPERATOR)
    p = progress(store)
    print("start", flush=True)
    began = time.monotonic()
    for _ in range(writes) if writes else itertools.count():
        step(store, p)
        p += 1
        print(p, flush=True)  # acknowledged: the commit returned
    print(f"done {time.monotonic() - began:.4f}", flush=True)
    store.close()


# -- the one-shot writes: each (register, input) → (the store to close after it, the write) ------
def _import_json(register: str, source: str):
    store = open_store(register, operator=OPERATOR)
    data = interchange.read_json(source)
    return store, lambda: ops.import_register(store, data)


def _import_xlsx(register: str, source: str):
    store = open_store(register, operator=OPERATOR)
    sheets = X.read(source)
    plan = X.plan_import(store, sheets, X.propose_mapping(sheets))
    assert not plan.problems, plan.problems
    return store, lambda: ops.import_xlsx(store, plan)


def _sync_import(register: str, package: str):
    store = open_store(register, operator=OPERATOR)

    def write():
        results, _ = ops.sync_import(store, [package])
        assert [r.result for r in results] == ["applied"], [r.reason for r in results]

    return store, write


def _close_year(register: str, village_code: str):
    store = open_store(register, operator=OPERATOR)
    return store, lambda: ops.close_year(store, CLOSE_YEAR, village_code)


def _migration(register: str, _):
    """The write is opening the old file: open_store upgrades it."""
    return None, lambda: open_store(register, operator=OPERATOR).close()


ONE_SHOTS = {
    "import-json": _import_json,
    "import-xlsx": _import_xlsx,
    "sync-import": _sync_import,
    "close-year": _close_year,
    "migration": _migration,
}


def run_once(register: str, writer: str, source: str | None) -> None:
    store, write = ONE_SHOTS[writer](register, source)
    print("start", flush=True)
    began = time.monotonic()
    write()
    print(f"done {time.monotonic() - began:.4f}", flush=True)
    if store is not None:
        store.close()


def main(argv: list[str]) -> None:
    writes = None
    if "--writes" in argv:
        i = argv.index("--writes")
        writes = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2 :]
    writer, register, *source = argv
    if writer in LOOPS:
        run_loop(register, writer, writes)
    else:
        run_once(register, writer, source[0] if source else None)


if __name__ == "__main__":
    main(sys.argv[1:])
