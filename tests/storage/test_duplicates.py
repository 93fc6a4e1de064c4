"""The same person in two places (疑点, issue 9 item 5): an ID number in households of two
villages, or twice in one import file, is stored and listed; a clerk decides (the same person:
which household keeps the member; different people: the wrong number is corrected); a refused
decision leaves the whole register as it was."""

import pytest

from storage import operations as ops
from storage import register as R
from storage.db import StorageError, open_store
from storage.duplicates import find_duplicates, group_of
from storage.interchange import FORMAT, import_register
from tests.dumps import dump

SHARED = "11010519491231002X"  # 王建国, in 青岭村 and in 东川村
THIRD = "621102195803120012"  # a valid number nobody holds yet
OTHER = "621102196007080026"  # held by 李秀英, 青岭村's spouse

QINGLING = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
DONGCHUAN = {"code": "621102100305", "name": "东川村", "township": "凤翔镇", "county": "安定区"}
SHANGZHUANG = {"code": "621102100410", "name": "上庄村", "township": "凤翔镇", "county": "安定区"}


def _household(village, no, members, group=None):
    out = {"village_code": village["code"], "household_no": no, "status": "未脱贫"}
    if group:
        out["group"] = group
    return {**out, "members": members}


def _head(name, id_number):
    return {"name": name, "relation": "户主", "id_number": id_number}


@pytest.fixture
def county(tmp_path):
    """A county register: 青岭村 sends its households; then 东川村's package holds 王建国 again
    (as the spouse of 李桂兰's household) and, twice in the one package, 张三 (4 and 5)."""
    store = open_store(tmp_path / "county.db", create=True, role="county", operator="县扶贫办")
    R.seed_default_policy(store)
    first = import_register(
        store,
        {
            "format": FORMAT,
            "villages": [QINGLING, SHANGZHUANG],
            "households": [
                _household(
                    QINGLING,
                    "0001",
                    [
                        _head("王建国", SHARED),
                        {"name": "李秀英", "relation": "配偶", "id_number": OTHER},
                    ],
                    group="一社",
                )
            ],
        },
    )
    assert first["duplicates"] == []
    second = import_register(
        store,
        {
            "format": FORMAT,
            "villages": [DONGCHUAN],
            "households": [
                _household(
                    DONGCHUAN,
                    "0007",
                    [
                        _head("李桂兰", "621102195204180224"),
                        {**_head("王建国", SHARED), "relation": "配偶"},
                    ],
                    group="三社",
                ),
                _household(DONGCHUAN, "0004", [_head("张三", "621102198006230319")]),
                _household(DONGCHUAN, "0005", [_head("张三", "621102198006230319")]),
            ],
        },
    )
    store.second_import = second
    yield store
    store.close()


def _member(store, village_code, name, id_number=None):
    village = R.find_village(store, village_code)
    for h in R.households_of(store, village["id"]):
        for m in R.members_of(store, h["id"]):
            if m["name"] == name and (id_number is None or m["id_number"] == id_number):
                return m
    raise AssertionError(name)


def test_the_packages_are_stored_and_the_import_names_its_duplicates(county):
    # Given the second package, When it was imported, Then nothing was refused…
    assert county.second_import["inserted"] == 1 + 3 + 4 + 1  # village, households, members, group
    assert len(county.find("members", "id_number = ?", [SHARED])) == 2
    # …and its result names both 疑点: one against the register, one inside the package.
    found = {d["id_number"]: d for d in county.second_import["duplicates"]}
    assert set(found) == {SHARED, "621102198006230319"}
    assert sorted(m["village_name"] for m in found[SHARED]["members"]) == ["东川村", "青岭村"]
    assert [m["household_no"] for m in found["621102198006230319"]["members"]] == ["0004", "0005"]


def test_find_duplicates_lists_each_pair_with_both_households(county):
    found = {d.id_number: d for d in find_duplicates(county)}
    assert set(found) == {SHARED, "621102198006230319"}
    pair = found[SHARED]
    assert pair.open is True and pair.decision is None
    qingling, dongchuan = sorted(pair.members, key=lambda m: m.village_code)
    here = _member(county, QINGLING["code"], "王建国")
    assert (qingling.member_id, qingling.household_id) == (here["id"], here["household_id"])
    assert (qingling.name, qingling.head_name, qingling.household_no) == (
        "王建国",
        "王建国",
        "0001",
    )
    assert (qingling.village_name, qingling.village_code, qingling.group_name) == (
        "青岭村",
        QINGLING["code"],
        "一社",
    )
    assert qingling.village_id == R.find_village(county, QINGLING["code"])["id"]
    assert (dongchuan.name, dongchuan.head_name, dongchuan.household_no) == (
        "王建国",
        "李桂兰",
        "0007",
    )
    assert (dongchuan.village_name, dongchuan.group_name) == ("东川村", "三社")
    # the pair inside one package has no group: None, not an error
    assert {m.group_name for m in found["621102198006230319"].members} == {None}


def test_with_village_ids_only_the_groups_touching_those_villages(county):
    qingling = R.find_village(county, QINGLING["code"])["id"]
    dongchuan = R.find_village(county, DONGCHUAN["code"])["id"]
    shangzhuang = R.find_village(county, SHANGZHUANG["code"])["id"]
    (only,) = find_duplicates(county, {qingling})
    assert only.id_number == SHARED
    assert {m.village_name for m in only.members} == {"青岭村", "东川村"}  # both places listed
    assert {d.id_number for d in find_duplicates(county, {dongchuan})} == {
        SHARED,
        "621102198006230319",
    }
    assert find_duplicates(county, {shangzhuang}) == []
    assert find_duplicates(county, set()) == []


def test_deleted_members_and_households_hold_no_number(county):
    pair = group_of(county, "621102198006230319")
    county.delete("households", pair.members[1].household_id)
    assert group_of(county, "621102198006230319") is None
    other = _member(county, DONGCHUAN["code"], "王建国")
    county.delete("members", other["id"])
    assert find_duplicates(county) == []


def test_the_same_person_stays_in_the_household_kept_and_leaves_the_other(county):
    keep = _member(county, QINGLING["code"], "王建国")
    other = _member(county, DONGCHUAN["code"], "王建国")
    changes = ops.decide_same_person(county, SHARED, keep["id"], note="户籍在青岭村")
    assert changes.members and changes.criteria
    assert changes.households == {keep["household_id"], other["household_id"]}
    # the other member is a tombstone, deleted through the write path: stamped and logged
    gone = county.get("members", other["id"], include_deleted=True)
    assert gone["deleted"] == 1 and gone["hlc"] > other["hlc"]
    (log,) = [c for c in county.changes("members", other["id"]) if c["op"] == "delete"]
    assert log["operator"] == "县扶贫办" and log["hlc"] == gone["hlc"]
    assert county.get("members", keep["id"])["deleted"] == 0
    # 李桂兰's household stays, with its head
    assert [m["name"] for m in R.members_of(county, other["household_id"])] == ["李桂兰"]
    # the 疑点 is closed: listed no more, and with include_decided as decided
    assert SHARED not in {d.id_number for d in find_duplicates(county)}
    (closed,) = [d for d in find_duplicates(county, include_decided=True) if d.id_number == SHARED]
    assert closed.open is False and [m.member_id for m in closed.members] == [keep["id"]]
    assert (closed.members[0].head_name, closed.members[0].household_no) == ("王建国", "0001")
    assert closed.members[0].group_name == "一社"
    decision = closed.decision
    assert (decision["decision"], decision["keep_member_id"]) == ("same", keep["id"])
    assert (decision["note"], decision["decided_by"]) == ("户籍在青岭村", "县扶贫办")
    assert decision["corrected_member_id"] is None and decision["decided_at"]


def test_a_decided_number_opens_again_when_the_person_comes_back(county):
    keep = _member(county, QINGLING["code"], "王建国")
    other = _member(county, DONGCHUAN["code"], "王建国")
    ops.decide_same_person(county, SHARED, keep["id"])
    county.restore("members", other["id"])  # a sync that undid the delete, say
    again = group_of(county, SHARED)
    assert again is not None and again.open is True
    assert again.decision["decision"] == "same"  # what was decided before is shown


def test_different_people_the_wrong_number_is_corrected(county):
    wrong = _member(county, DONGCHUAN["code"], "王建国")
    changes = ops.decide_different_people(county, SHARED, wrong["id"], THIRD, note="核对户口本")
    now = county.get("members", wrong["id"])
    assert now["id_number"] == THIRD
    assert (now["birth_date"], now["sex"]) == ("1958-03-12", "男")  # follow the new number
    assert changes.diff["id_number"] == (SHARED, THIRD)
    assert changes.record["id_number"] == THIRD and changes.members
    logged = {c["field"]: c for c in county.changes("members", wrong["id"]) if c["op"] == "update"}
    assert (logged["id_number"]["old"], logged["id_number"]["new"]) == (SHARED, THIRD)
    assert group_of(county, SHARED) is None
    (decision,) = [
        d.decision for d in find_duplicates(county, include_decided=True) if d.id_number == SHARED
    ]
    assert decision["decision"] == "different"
    assert (decision["corrected_member_id"], decision["new_id_number"]) == (wrong["id"], THIRD)
    assert decision["note"] == "核对户口本" and decision["keep_member_id"] is None


def test_of_three_holders_one_corrected_leaves_the_other_two_open(county):
    qingling = R.find_village(county, QINGLING["code"])
    import_register(
        county,
        {
            "format": FORMAT,
            "households": [_household(QINGLING, "0002", [_head("王健国", SHARED)])],
        },
    )
    assert len(group_of(county, SHARED).members) == 3
    third = _member(county, QINGLING["code"], "王健国")
    ops.decide_different_people(county, SHARED, third["id"], THIRD)
    still = group_of(county, SHARED)
    assert len(still.members) == 2 and still.open is True
    assert still.decision["corrected_member_id"] == third["id"]
    assert qingling["id"] in {m.village_id for m in still.members}


def _refused(store, decide, words):
    before = dump(store)
    with pytest.raises(StorageError) as err:
        decide()
    assert words in str(err.value)
    assert dump(store) == before
    return err.value


def test_refused_decisions_change_nothing(county):
    keep = _member(county, QINGLING["code"], "王建国")
    other = _member(county, DONGCHUAN["code"], "王建国")
    spouse = _member(county, QINGLING["code"], "李秀英")
    # a member who does not hold the number, and one who does not exist
    _refused(county, lambda: ops.decide_same_person(county, SHARED, spouse["id"]), "不在身份证号")
    _refused(county, lambda: ops.decide_same_person(county, SHARED, "no-such"), "不在身份证号")
    _refused(
        county,
        lambda: ops.decide_different_people(county, SHARED, "no-such", THIRD),
        "不在身份证号",
    )
    # a bad new number: the ordinary validation message
    bad = THIRD[:17] + ("0" if THIRD[17] != "0" else "1")
    err = _refused(
        county, lambda: ops.decide_different_people(county, SHARED, other["id"], bad), "校验位错误"
    )
    assert [p.field for p in err.problems] == ["id_number"]
    # a new number someone else holds, and the same number again
    _refused(
        county,
        lambda: ops.decide_different_people(county, SHARED, other["id"], OTHER),
        "身份证号已登记在0001号户（李秀英）",
    )
    _refused(
        county,
        lambda: ops.decide_different_people(county, SHARED, other["id"], SHARED.lower()),
        "与原号",
    )
    _refused(
        county,
        lambda: ops.decide_different_people(county, SHARED, other["id"], "  "),
        "请输入更正后的身份证号",
    )
    # a number nobody holds twice (any more)
    _refused(county, lambda: ops.decide_same_person(county, THIRD, keep["id"]), "不再重复")
    ops.decide_same_person(county, SHARED, keep["id"])
    _refused(county, lambda: ops.decide_same_person(county, SHARED, keep["id"]), "不再重复")
    _refused(
        county,
        lambda: ops.decide_different_people(county, SHARED, keep["id"], THIRD),
        "不再重复",
    )


def test_the_head_of_a_household_with_others_is_not_removed(county):
    # 王建国 heads 青岭村 0001 (with 李秀英): keeping 东川村's would leave 0001 with no head
    other = _member(county, DONGCHUAN["code"], "王建国")
    _refused(
        county,
        lambda: ops.decide_same_person(county, SHARED, other["id"]),
        "是青岭村一社0001号户的户主",
    )
    # the head of a household of one leaves it (the household stays, for 清退)
    pair = group_of(county, "621102198006230319")
    ops.decide_same_person(county, "621102198006230319", pair.members[0].member_id)
    assert R.members_of(county, pair.members[1].household_id) == []
    assert county.get("households", pair.members[1].household_id) is not None
