"""`verify FILE` on the command line: exit 0 and the chain's length on a register the app
wrote; exit 2 and each finding, in Chinese, on one changed behind its back; --format json."""

import json
import sqlite3

from tests.storage.test_verify import _register
from tests.test_cli import run


def test_verify_passes_a_clean_register_and_names_a_value_changed_outside(tmp_path):
    path = tmp_path / "register.db"
    store, hid = _register(path)
    store.close()
    clean = run("verify", path)
    assert clean.returncode == 0, clean.stderr
    assert "校验通过" in clean.stdout and "7 条变更记录" in clean.stdout
    conn = sqlite3.connect(path)  # a database browser, in effect
    with conn:
        conn.execute("update households set housing_area_m2 = 120 where id = ?", [hid])
    conn.close()
    found = run("verify", path)
    assert found.returncode == 2
    assert "住房面积" in found.stdout and "120" in found.stdout and "60" in found.stdout
    report = json.loads(run("verify", path, "--format", "json").stdout)
    assert report["ok"] is False
    assert [f["field"] for f in report["findings"]] == ["housing_area_m2"]
