"""The 同步 menu driven on real windows: a county register and a team's enrolled laptop in
tmp_path, real package files on a folder standing for the stick."""

import re

import pytest
from PySide6.QtWidgets import QApplication

from gui import sync_dialogs
from gui.sync_dialogs import ConflictsDialog, ExportDialog, cells
from gui.sync_team_dialogs import EnrolDialog, TeamDialog
from storage import register as R
from storage import sync as S
from storage.db import open_store
from storage.enrolment import register_team
from storage.operations import enroll
from tests.dumps import dump

from .helpers import type_text

PASS = "青岭村-2016-开门"
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
OTHER = {"code": "621102100202", "name": "石岔村", "township": "凤翔镇", "county": "安定区"}


@pytest.fixture
def world(tmp_path):
    """county.db with two villages and 第1工作队 (青岭村); laptop.db enrolled, holding the
    village from the county's first package and one household of its own."""
    stick = tmp_path / "U盘"
    stick.mkdir()
    county = open_store(tmp_path / "county.db", create=True, role="county", operator="县扶贫办")
    R.add_village(county, VILLAGE)
    R.add_village(county, OTHER)
    _, enrolment = register_team(county, "第1工作队", [VILLAGE["code"]], PASS, tmp_path)
    laptop = open_store(tmp_path / "laptop.db", create=True, operator="队员")
    enroll(laptop, enrolment, PASS)
    [first] = S.export(county, stick, teams=["第1工作队"])
    S.import_package(laptop, first.path)
    first.path.unlink()
    vid = R.find_village(laptop, VILLAGE["code"])["id"]
    hid = R.add_household(laptop, {"village_id": vid, "household_no": "0001", "status": "未脱贫"},
                          [{"name": "王建国", "relation": "户主"},
                           {"name": "王小红", "relation": "子"}])  # fmt: skip
    county.close()
    laptop.close()
    return {"county": tmp_path / "county.db", "laptop": tmp_path / "laptop.db", "stick": stick,
            "hid": hid, "tmp": tmp_path}  # fmt: skip


def _export(qtbot, window, monkeypatch, stick, **drive):
    monkeypatch.setattr(sync_dialogs, "removable_drives",
                        lambda: [{"path": str(stick), "name": "KINGSTON", "free": 8 << 30}])  # fmt: skip
    dialog = window.on_sync_export()
    assert isinstance(dialog, ExportDialog) and dialog.folder() == str(stick)
    assert (
        "KINGSTON" in dialog.drives.item(0).text() and "8.0 GB 可用" in dialog.drives.item(0).text()
    )
    written = dialog.export()
    dialog.close()
    return dialog, written


def _import(qtbot, window, monkeypatch, source, *, folder: bool):
    window.sync_summary = None
    if folder:
        monkeypatch.setattr(sync_dialogs, "choose_folder", lambda *a: str(source))
        assert window.on_sync_import_folder() is not None
    else:
        monkeypatch.setattr(sync_dialogs, "choose_file", lambda *a: str(source))
        assert window.on_sync_import() is not None
    qtbot.waitUntil(lambda: window.sync_summary is not None, timeout=20000)
    return window.sync_summary


def test_export_batch_import_receipt_and_a_refused_package(qtbot, make_window, world,
                                                           monkeypatch):  # fmt: skip
    stick = world["stick"]
    laptop = make_window(world["laptop"])
    # the menu: 同步 between 报表 and 帮助; the county's items off on a laptop, saying why
    titles = [a.text() for a in laptop.menuBar().actions()]
    assert titles[titles.index("报表(&P)") + 1] == "同步(&S)" == titles[-2]
    assert not laptop.actions["sync.team"].isEnabled()
    assert "县级数据库" in laptop.actions["sync.team"].toolTip()
    assert laptop.actions["sync.enroll"].isEnabled() and laptop.actions["sync.receipt"].isEnabled()

    dialog, [sent] = _export(qtbot, laptop, monkeypatch, stick)
    assert sent.path.parent == stick and sent.records == 3  # the household and two members
    assert f"已写出：{sent.path.name}（第1工作队：3 条记录" in dialog.report.text()
    data = sent.path.read_bytes()
    cut = stick / "半截.fpk"
    cut.write_bytes(data[: len(data) // 2])  # the stick was pulled while copying

    county = make_window(world["county"])
    assert (
        county.actions["sync.team"].isEnabled() and not county.actions["sync.receipt"].isEnabled()
    )
    assert "工作队的电脑" in county.actions["sync.receipt"].toolTip()
    summary = _import(qtbot, county, monkeypatch, stick, folder=True)
    rows = {r[0]: r for r in cells(summary.table)}
    assert rows[sent.path.name][1:4] == [
        "第1工作队",
        "已导入",
        "3",
    ]  # 新增: the household, 2 members
    assert rows[sent.path.name][6] == "0"  # no conflict
    refused = rows["半截.fpk"]
    assert refused[1:3] == ["第1工作队", "已拒绝"] and "不完整" in refused[7]
    assert [h.text() for h in map(summary.table.horizontalHeaderItem, range(8))] == [
        "数据包", "工作队", "结果", "新增", "采用", "保留", "冲突", "原因"]  # fmt: skip
    [receipt] = summary.batch.receipts
    assert receipt.path.parent == stick and receipt.path.exists()
    assert f"回执 → {receipt.path}" in summary.notes.text() and "同步日志" in summary.notes.text()
    assert summary.batch.log.exists() and "已拒绝\t第1工作队\t半截.fpk" in summary.batch.log.read_text(
        encoding="utf-8")  # fmt: skip
    # the views read the file again: the household is in the county's table
    assert {m["name"] for m in county.store.find("members")} == {"王建国", "王小红"}
    qtbot.waitUntil(lambda: world["hid"] in county.work.model.ids or county.scope is None)
    summary.close()

    # the receipt comes back to the laptop: the summary, then the receipt on its own
    laptop.sync_receipt = None
    back = _import(qtbot, laptop, monkeypatch, receipt.path, folder=False)
    assert cells(back.table)[0][2] == "已导入"
    back.reject()
    qtbot.waitUntil(lambda: laptop.sync_receipt is not None)
    shown = laptop.sync_receipt
    assert "县里最近收到本队数据包的时间：20" in shown.head.text()
    got = {r[0]: r for r in cells(shown.packages)}
    assert got[sent.path.name][1:2] == ["已导入"] and got[sent.path.name][3] == "3"
    assert got["半截.fpk"][1] == "已拒绝" and "不完整" in got["半截.fpk"][2]
    shown.close()
    assert laptop.on_sync_receipt().packages.rowCount() == 2  # 回执… shows it again


def test_a_conflict_shown_and_resolved_keeping_the_other_value(qtbot, make_window, world,
                                                              monkeypatch):  # fmt: skip
    stick, hid = world["stick"], world["hid"]
    laptop = make_window(world["laptop"])
    _, [sent] = _export(qtbot, laptop, monkeypatch, stick)
    county = make_window(world["county"])
    _import(qtbot, county, monkeypatch, sent.path, folder=False).close()
    [back] = [p for p in stick.iterdir() if "县发" in p.name]
    _import(qtbot, laptop, monkeypatch, back, folder=False).close()
    for p in stick.iterdir():
        p.unlink()
    # the same field edited on both sides, the county's the later
    assert laptop.editing.save("household", hid, hid, "housing_area_m2", "60") is None
    later = county.store.clock._now_ms
    county.store.clock._now_ms = lambda: later() + 5000
    assert county.editing.save("household", hid, hid, "housing_area_m2", "90") is None
    _, [sent] = _export(qtbot, laptop, monkeypatch, stick)
    summary = _import(qtbot, county, monkeypatch, sent.path, folder=False)
    assert cells(summary.table)[0][6] == "1"  # 冲突
    summary.close()
    dialog = county.on_sync_conflicts()
    assert isinstance(dialog, ConflictsDialog)
    [row] = cells(dialog.table)
    assert row[:5] == ["0001号户 王建国", "住房面积", "90", "60", "本机的值"]
    assert re.fullmatch(r"本机：测试员 \S+ \S+；对方：测试员 \S+ \S+", row[5])  # who and when
    assert county.store.get("households", hid)["housing_area_m2"] == 90
    dialog.table.selectRow(0)
    dialog.keep_theirs.click()
    assert dialog.error.text() == ""
    assert county.store.get("households", hid)["housing_area_m2"] == 60
    assert dialog.table.rowCount() == 0 and "没有待处理的冲突" in dialog.head.text()
    assert not S.conflicts(county.store)
    # the editor shows the value kept
    if county.household_id == hid:
        assert county.work.editor.conditions.rows["housing_area_m2"].input.line.text() == "60"


def test_a_refused_package_alone_changes_no_record(qtbot, make_window, world, monkeypatch):
    laptop = make_window(world["laptop"])
    _, [sent] = _export(qtbot, laptop, monkeypatch, world["stick"])
    bad = world["tmp"] / "坏"
    bad.mkdir()
    (bad / "cut.fpk").write_bytes(sent.path.read_bytes()[:-100])
    county = make_window(world["county"])
    before = dump(county.store)
    summary = _import(qtbot, county, monkeypatch, bad, folder=True)
    [row] = cells(summary.table)
    assert row[2] == "已拒绝" and row[7]
    after = dump(county.store)
    # only the sync bookkeeping changed: the refusal logged for the team's receipt, and the
    # receipt package sent back to the team
    assert {t for t in after if after[t] != before[t]} == {"sync_inbox", "sync_peers"}
    assert [r for r in after["sync_inbox"] if r not in before["sync_inbox"]][0][6] == "refused"


def test_register_a_team_and_enrol_a_laptop_wrong_passphrase_first(qtbot, make_window, world,
                                                                   monkeypatch):  # fmt: skip
    county = make_window(world["county"])
    out = world["tmp"] / "发放"
    out.mkdir()
    team = county.on_sync_team()
    assert isinstance(team, TeamDialog)
    type_text(qtbot, team.name, "第2工作队")
    for i in range(team.villages.count()):
        if OTHER["code"] in team.villages.item(i).text():
            team.villages.item(i).setCheckState(sync_dialogs.Qt.Checked)
    type_text(qtbot, team.passphrase, "石岔村-口令-2016")
    type_text(qtbot, team.again, "石岔村-口令-2017")
    monkeypatch.setattr(sync_dialogs, "choose_folder", lambda *a: str(out))
    team._pick()  # 选择… (the folder chooser replaced)
    assert team.folder.text() == str(out)
    assert not team.submit() and team.error.text() == "两次输入的口令不一致" and team.isVisible()
    type_text(qtbot, team.again, "石岔村-口令-2016")
    assert team.submit(), team.error.text()
    [enrolment] = out.iterdir()
    assert "已登记工作队“第2工作队”" in team.done_text()

    fresh = make_window(world["tmp"] / "新电脑.db", create=True, wait_criteria=False)
    assert fresh.actions["sync.enroll"].isEnabled()
    dialog = fresh.on_sync_enroll()
    assert isinstance(dialog, EnrolDialog)
    dialog.file.setText(str(enrolment))
    type_text(qtbot, dialog.passphrase, "wrong-passphrase")
    assert not dialog.submit()
    assert "口令不对" in dialog.error.text() and dialog.isVisible()
    assert not fresh.store.meta().get("team_id")
    type_text(qtbot, dialog.passphrase, "石岔村-口令-2016")
    assert dialog.submit(), dialog.error.text()
    assert fresh.store.meta()["team_name"] == "第2工作队"
    for w in QApplication.topLevelWidgets():
        if w.windowTitle() == "注册本机" and w is not dialog:
            w.close()


def test_the_county_pages_buttons_open_the_sync_menus_dialogs(qtbot, make_window, world,
                                                             monkeypatch):  # fmt: skip
    from PySide6.QtCore import Qt

    from gui.duplicates_dialog import DuplicatesDialog

    window = make_window(world["county"])
    opened = []
    monkeypatch.setattr("gui.sync_actions._open", lambda dialog: opened.append(dialog) or dialog)
    page = window.work.county_page
    page.duplicates_button.setEnabled(True)
    page.conflicts_button.setEnabled(True)
    qtbot.mouseClick(page.duplicates_button, Qt.LeftButton)
    qtbot.mouseClick(page.conflicts_button, Qt.LeftButton)
    assert [type(d) for d in opened] == [DuplicatesDialog, ConflictsDialog]
    for d in opened:
        d.close()
