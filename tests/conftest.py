"""Shared fixtures: a fresh register file per test, and a small village in it."""

import os
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# backups (storage.backup) of the tests' registers in a folder of the run, never the user's
os.environ.setdefault("FUPIN_BACKUP_DIR", tempfile.mkdtemp(prefix="fupin-test-backups-"))

from storage import register as R  # noqa: E402
from storage.db import open_store  # noqa: E402


@pytest.fixture
def fresh_db(tmp_path):
    store = open_store(tmp_path / "register.db", create=True, operator="测试员")
    yield store
    store.close()


@pytest.fixture
def village(fresh_db):
    return R.add_village(
        fresh_db,
        {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"},
    )


HEAD = {"name": "王建国", "relation": "户主", "id_number": "11010519491231002X"}
