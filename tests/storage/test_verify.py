"""`verify` catches what is changed outside the app: a value edited with the sqlite3 tool, a
deleted or edited change-log row, a record added or removed behind the app's back, and a
history rebuilt whole (caught against the chain head the county kept)."""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from storage import chain
from storage import register as R
from storage import sync as S
from storage.db import open_store
from storage.enrolment import register_team
from storage.operations import enroll
from storage.verify import ANCHOR, CHAIN, RECORD, verify
from tests.dumps import dump

PASS = "青岭村-2016-开门"
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
SQLITE3 = shutil.which("sqlite3")
needs_cli = pytest.mark.skipif(SQLITE3 is None, reason="the sqlite3 command-line tool")


def _register(path):
    store = open_store(path, create=True, operator="驻村队员")
    vid = R.add_village(store, VILLAGE)
    hid = R.add_household(
        store,
        {"village_id": vid, "household_no": "0001", "status": "未脱贫", "household_size": 2},
        [{"name": "王建国", "relation": "户主"}, {"name": "王小红", "relation": "子"}],
    )
    R.set_finance(store, hid, 2016, {"wage_income": 3000, "transfer_income": 800})
    R.update_record(store, "household", hid, {"housing_area_m2": 60})
    R.set_finance(store, hid, 2016, {"wage_income": 3200})
    return store, hid


def _sqlite3(path, sql):
    """The sqlite3 command-line tool, as someone with the file and a database browser."""
    subprocess.run([SQLITE3, str(path), sql], check=True, capture_output=True)


def test_a_register_written_by_the_app_verifies_clean(tmp_path):
    store, _ = _register(tmp_path / "a.db")
    result = verify(store)
    assert result.ok, result.findings
    assert result.log_rows == chain.head(store.db.conn)[0] > 0
    assert result.records == sum(len(store.find(t, include_deleted=True)) for t in
                                 ("villages", "households", "members", "finances", "policy_values"))  # fmt: skip
    store.close()


@needs_cli
def test_a_value_changed_with_the_sqlite3_tool_is_named_with_its_history(tmp_path):
    path = tmp_path / "a.db"
    store, hid = _register(path)
    store.close()
    _sqlite3(path, f"update finances set wage_income = 9999 where household_id = '{hid}'")
    _sqlite3(path, f"update households set household_size = 5 where id = '{hid}'")
    store = open_store(path)
    findings = verify(store).findings
    by_field = {f.field: f for f in findings}
    assert {f.kind for f in findings} == {RECORD}
    # a logged field: named, with the value its history gives
    assert "9999" in by_field["wage_income"].message and "3200" in by_field["wage_income"].message
    assert "0001号户 王建国" in by_field["wage_income"].message
    # a field set when the household was entered and never edited since: the record is named
    assert by_field[None].table == "households" and by_field[None].record_id == hid
    store.close()


@needs_cli
def test_a_deleted_change_log_row_breaks_the_chain(tmp_path):
    path = tmp_path / "a.db"
    store, hid = _register(path)
    middle = store.db.execute(
        "select seq from change_log where table_name = 'members' order by seq limit 1"
    ).fetchone()[0]
    store.close()
    _sqlite3(path, f"delete from change_log where seq = {middle}")
    store = open_store(path)
    result = verify(store)
    [gap] = [f for f in result.findings if f.kind == CHAIN]
    assert gap.seq == middle + 1 and f"第 {middle} 条变更记录被删除" in gap.message
    # and the member whose insert it was has no history left
    assert any(f.kind == RECORD and "没有任何变更记录" in f.message for f in result.findings)
    store.close()


@needs_cli
def test_an_edited_change_log_row_and_records_added_or_removed_behind_the_app(tmp_path):
    path = tmp_path / "a.db"
    store, hid = _register(path)
    store.close()
    _sqlite3(path, "update change_log set new = '3100' where field = 'wage_income' "
                   "and seq = (select max(seq) from change_log where field = 'wage_income')")  # fmt: skip
    _sqlite3(path, "insert into villages (id, created_at, updated_at, hlc, code, name) values "
                   "('v-x', '2020', '2020', '0', '621102100299', '假村')")  # fmt: skip
    _sqlite3(path, "delete from members where name = '王小红'")
    store = open_store(path)
    findings = verify(store).findings
    kinds = [(f.kind, f.table) for f in findings]
    assert (CHAIN, "finances") in kinds  # the edited log row
    assert any(f.record_id == "v-x" and "没有任何变更记录" in f.message for f in findings)
    assert any(f.table == "members" and "被直接从数据库中删除" in f.message for f in findings)
    store.close()


@pytest.fixture
def synced(tmp_path):
    """A team's laptop and the county that has received its package and sent a receipt."""
    stick = tmp_path / "U盘"
    stick.mkdir()
    county = open_store(tmp_path / "county.db", create=True, role="county", operator="县扶贫办")
    R.add_village(county, VILLAGE)
    _, enrolment = register_team(county, "第1工作队", [VILLAGE["code"]], PASS, stick)
    laptop = open_store(tmp_path / "laptop.db", create=True, operator="队员")
    vid = R.add_village(laptop, VILLAGE)  # kept before enrolment: it takes the county's id
    enroll(laptop, enrolment, PASS)
    enrolment.unlink()
    assert verify(laptop).ok  # the app's own rewrite at enrolment keeps the chain whole
    hid = R.add_household(
        laptop,
        {"village_id": R.find_village(laptop, VILLAGE["code"])["id"], "household_no": "0001",
         "status": "未脱贫"},
        [{"name": "王建国", "relation": "户主"}],
    )  # fmt: skip
    R.set_finance(laptop, hid, 2016, {"wage_income": 3000})
    assert vid != R.find_village(laptop, VILLAGE["code"])["id"]
    for sender, receiver, kw in ((laptop, county, {}), (county, laptop, {"teams": ["第1工作队"]})):
        for f in stick.iterdir():
            f.unlink()
        for e in S.export(sender, stick, **kw):
            assert S.import_package(receiver, e.path).result == "applied"
    yield county, laptop, stick, hid
    county.close()
    laptop.close()


def _rewrite_history(store, hid):
    """What someone who knows this program could do: change the income, make its log row say
    so, and recompute every digest and hash — the file alone then verifies clean."""
    conn = store.db.conn
    with store.atomic():
        conn.execute("update finances set wage_income = 8000 where household_id = ?", [hid])
        conn.execute("update change_log set new = '8000' where field = 'wage_income'")
        chain.redigest(conn, "finances")
        chain.rebuild(conn)


def test_a_rebuilt_chain_is_caught_against_the_head_the_county_kept(synced, tmp_path):
    county, laptop, stick, hid = synced
    assert verify(laptop).ok and verify(county).ok
    _rewrite_history(laptop, hid)
    R.update_record(laptop, "household", hid, {"housing_area_m2": 70})  # and goes on working
    # the laptop: everything in the file agrees, but not with what the county received
    findings = verify(laptop).findings
    assert [f.kind for f in findings] == [ANCHOR] and "被改写过" in findings[0].message
    # the county: the next package is refused whole, and the county's verify lists it
    for f in stick.iterdir():
        f.unlink()
    [exported] = S.export(laptop, stick)
    before = dump(county)
    with pytest.raises(S.SyncError, match="历史记录与县里上次收到的不一致"):
        S.import_package(county, exported.path)
    assert dump(county) == before
    [refused] = S.import_paths(county, [exported.path])
    assert refused.result == "refused"
    [listed] = verify(county).findings
    assert listed.kind == ANCHOR and exported.path.name in listed.message
    assert county.get("households", hid)["housing_area_m2"] is None


def test_a_package_whose_chain_was_edited_is_refused(synced):
    county, laptop, stick, hid = synced
    R.set_finance(laptop, hid, 2016, {"wage_income": 3500})
    conn = laptop.db.conn
    with laptop.atomic():  # the log row edited after the fact, its hash left as it was
        conn.execute("update change_log set new = '4000' where seq = (select max(seq) "
                     "from change_log where field = 'wage_income')")  # fmt: skip
    for f in stick.iterdir():
        f.unlink()
    [exported] = S.export(laptop, stick)
    before = dump(county)
    with pytest.raises(S.SyncError, match="断开"):
        S.import_package(county, exported.path)
    assert dump(county) == before


def test_an_upgraded_register_is_chained_and_verifies_clean(tmp_path):
    fixture = tmp_path / "v8.db"
    shutil.copy(Path(__file__).resolve().parents[1] / "fixtures" / "schema_v8.db", fixture)
    store = open_store(fixture)
    result = verify(store)
    assert result.ok, result.findings
    assert result.unchecked == 0
    rows = sqlite3.connect(fixture).execute("select count(*) from change_log").fetchone()[0]
    assert result.log_rows == rows
    store.close()


def test_a_history_begun_anew_on_another_laptop_is_listed_for_the_county_to_confirm(synced):
    county, laptop, stick, hid = synced
    _rewrite_history(laptop, hid)
    with laptop.atomic():  # passed off as a new laptop: the county cannot hold it to the old head
        laptop.set_meta("device_id", "f00dfeed0001")
    laptop.device_id = "f00dfeed0001"
    R.update_record(laptop, "household", hid, {"housing_area_m2": 70})
    for f in stick.iterdir():
        f.unlink()
    [exported] = S.export(laptop, stick)
    assert S.import_package(county, exported.path).result == "applied"
    result = verify(county)
    assert result.ok  # the county's own file agrees with itself
    [note] = result.notes
    assert "工作队换了电脑" in note and "f00dfeed0001" in note and exported.path.name in note
