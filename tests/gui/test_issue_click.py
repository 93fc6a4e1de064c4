"""The village page's 疑点 list, clicked: a household's issue opens the household at the field it
names (its member's field when it names a member), a village's own issue shows the fact."""

from forms.criteria.quality import Issue
from gui.editor import FLASH
from gui.village_view import ISSUE_ROLE
from gui.work_area import PAGE_HOUSEHOLDS, PAGE_VILLAGE
from storage import browse
from storage.register import members_of


def _issues(page) -> list:
    items = (page.issues.item(i) for i in range(page.issues.count()))
    return [(item, item.data(ISSUE_ROLE)) for item in items if item.data(ISSUE_ROLE)]


def _village_page(qtbot, window):
    window.on_view_village()
    page = window.work.village_page
    qtbot.waitUntil(lambda: page.task is not None and page.task.done.is_set(), timeout=30000)
    qtbot.waitUntil(lambda: page.criteria.model.rowCount() == 17, timeout=30000)
    return page


def test_clicking_an_issue_opens_its_household_member_and_field(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    store, editing, year = window.store, window.work.editing, window.year
    vid = browse.scope_tree(store)[0]["id"]
    window.tree.select_village(vid)
    # Plant a member's issue (Q25: a birth date without an ID number) and a village's (Q28).
    hid = browse.household_ids(store, browse.HouseholdFilter(village_id=vid))[3]
    member = next(m for m in members_of(store, hid) if m["birth_date"])
    assert editing.save("member", member["id"], hid, "id_number", "") is None
    assert not editing.set_village_facts(
        vid, year, {"two_after_willing": 1, "two_after_trained": 3}
    ).problems

    page = _village_page(qtbot, window)
    issues = _issues(page)
    assert all(isinstance(i, Issue) for _, i in issues)
    item, issue = next(
        (it, i) for it, i in issues if i.code == "Q25" and i.member_id == member["id"]
    )
    assert issue.message.startswith(f"户{store.get('households', hid)['household_no']}：")
    page.issues.itemClicked.emit(item)
    editor = window.work.editor
    assert window.work.currentIndex() == PAGE_HOUSEHOLDS and window.household_id == hid
    assert editor.tabs.currentWidget() is editor.members
    assert editor.members.member_id == member["id"]
    assert editor.members.form.rows["id_number"].input.styleSheet() == FLASH

    # A household field: the tab that holds it, the field flashed.
    page = _village_page(qtbot, window)
    item, issue = next((it, i) for it, i in _issues(page) if i.field == "household.status")
    page.issues.itemClicked.emit(item)
    assert window.household_id == issue.household_id
    assert editor.tabs.currentIndex() == 0
    assert editor.basic.rows["status"].input.styleSheet() == FLASH

    # The village's own: its facts tab, on the village page.
    page = _village_page(qtbot, window)
    item, issue = next((it, i) for it, i in _issues(page) if i.code == "Q28")
    assert issue.household_id is None and issue.field == "facts.two_after_trained"
    assert "多于有培训意愿的1人" in issue.message
    page.issues.itemClicked.emit(item)
    assert window.work.currentIndex() == PAGE_VILLAGE
    assert page.tabs.currentIndex() == 1
