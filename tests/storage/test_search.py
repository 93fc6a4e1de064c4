"""Finding a household by pinyin initials ("lxh" → 李小红), kept by the write path."""

from storage import browse
from storage import register as R


def _household(store, village, no, *members):
    return R.add_household(
        store,
        {"village_id": village, "household_no": no, "status": "未脱贫"},
        [{"name": n, "relation": "户主" if i == 0 else "子"} for i, n in enumerate(members)],
    )


def test_initials_find_a_member_from_the_start_of_the_name(fresh_db, village):
    first = _household(fresh_db, village, "0001", "李建国", "李小红")
    second = _household(fresh_db, village, "0002", "单雄信")
    find = lambda text: browse.household_ids(fresh_db, browse.HouseholdFilter(text=text))  # noqa
    assert find("lxh") == [first] and find("LX") == [first]
    assert find("sxx") == [second]  # 单 as a surname reads Shàn
    assert find("xh") == []  # initials match from the start of a name
    assert set(find("l")) == {first}


def test_initials_follow_a_rename_and_stay_out_of_the_change_log(fresh_db, village):
    hid = _household(fresh_db, village, "0001", "李建国")
    member = R.members_of(fresh_db, hid)[0]
    assert member["name_initials"] == "ljg"
    R.update_record(fresh_db, "member", member["id"], {"name": "王建国"})
    assert R.members_of(fresh_db, hid)[0]["name_initials"] == "wjg"
    find = lambda text: browse.household_ids(fresh_db, browse.HouseholdFilter(text=text))  # noqa
    assert find("wjg") == [hid] and find("ljg") == []
    assert [
        c["field"] for c in fresh_db.changes("members", member["id"]) if c["op"] == "update"
    ] == ["name"]
