"""The register, the forms and the reports must import without Qt (the county runs them headless)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import importlib, json, pkgutil, sys
import forms, forms.validation, forms.idnumber, storage, reports

def fail(name):
    raise ImportError(f"cannot import {name}")

for pkg in (forms, storage, reports):
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".", onerror=fail):
        importlib.import_module(info.name)

print(json.dumps({"qt": sorted(m for m in sys.modules if m.split(".")[0] == "PySide6"),
                  "ours": sorted(m for m in sys.modules
                                 if m.split(".")[0] in ("forms", "storage", "reports"))}))
"""


def test_forms_storage_reports_import_without_pyside6():
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["qt"] == [], f"PySide6 imported by a Qt-free package: {result['qt']}"
    # The walk really ran: the modules this test exists for were imported.
    assert {"forms.validation", "forms.idnumber", "forms.entities", "forms.criteria"} <= set(
        result["ours"]
    )
