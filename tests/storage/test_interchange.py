"""fupin-register/1: exact round trip, all-or-nothing import, located problems, idempotence."""

import copy
import json

import pytest

from storage import register as R
from storage.db import open_store
from storage.demo import generate
from storage.interchange import (
    FORMAT,
    InterchangeError,
    export_register,
    import_register,
    read_json,
)


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("demo") / "demo.db", create=True)
    generate(store, villages=2, households=30, seed=7)
    data = export_register(store)
    store.close()
    return data


def _blank_store(tmp_path, name="new.db"):
    store = open_store(tmp_path / name, create=True, operator="导入员")
    R.seed_default_policy(store)
    return store


def test_export_import_export_is_identical(tmp_path, demo_export):
    # Given an export of a demo county, When it is imported into a new file and exported again,
    # Then the two exports are the same JSON, byte for byte.
    store = _blank_store(tmp_path)
    import_register(store, copy.deepcopy(demo_export))
    again = export_register(store)
    assert json.dumps(again, ensure_ascii=False) == json.dumps(demo_export, ensure_ascii=False)
    assert len(again["households"]) == 60
    assert sum(len(h["members"]) for h in again["households"]) > 60


def test_importing_the_same_file_twice_changes_nothing(tmp_path, demo_export):
    store = _blank_store(tmp_path)
    import_register(store, copy.deepcopy(demo_export))
    log_before = len(store.changes())
    counts = import_register(store, copy.deepcopy(demo_export))
    assert counts["inserted"] == 0 and counts["updated"] == 0
    assert len(store.changes()) == log_before


def test_changed_field_is_updated_through_the_change_log(tmp_path, demo_export):
    store = _blank_store(tmp_path)
    import_register(store, copy.deepcopy(demo_export))
    data = copy.deepcopy(demo_export)
    household = data["households"][0]
    household["housing_area_m2"] = 123.5
    counts = import_register(store, data)
    assert counts["updated"] == 1
    log = store.changes("households", household["id"])
    assert log[-1]["field"] == "housing_area_m2" and log[-1]["new"] == 123.5
    assert log[-1]["operator"] == "导入员"


def test_one_bad_record_changes_nothing_and_every_problem_is_located(tmp_path, demo_export):
    store = _blank_store(tmp_path)
    data = copy.deepcopy(demo_export)
    third = data["households"][2]
    head = next(m for m in third["members"] if m["relation"] == "户主")
    second = third["members"][1] if len(third["members"]) > 1 else third["members"][0]
    n = third["members"].index(second) + 1
    second["id_number"] = second["id_number"][:17] + (
        "0" if second["id_number"][17] != "0" else "1"
    )
    data["households"][5]["status"] = "已经脱贫了"
    data["households"][7]["housing_area_m2"] = -3
    log_before = len(store.changes())
    with pytest.raises(InterchangeError) as err:
        import_register(store, data)
    problems = err.value.problems
    assert f"household 3 (户主 {head['name']}), member {n}, id_number: 校验位错误" in problems
    assert any(
        p.startswith("household 6 ") and "status" in p and "已经脱贫了" in p for p in problems
    )
    assert any(p.startswith("household 8 ") and "housing_area_m2" in p for p in problems)
    assert len(problems) == 3
    assert store.find("households") == [] and store.find("villages") == []
    assert len(store.changes()) == log_before


def test_left_out_values_are_stored_as_missing_not_false_or_zero(tmp_path):
    store = _blank_store(tmp_path)
    data = {
        "format": FORMAT,
        "villages": [
            {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
        ],
        "households": [
            {
                "village_code": "621102100201",
                "household_no": "0001",
                "status": "新识别",
                "members": [
                    {"name": "王建国", "relation": "户主", "id_number": "11010519491231002X"}
                ],
                "finances": [{"year": 2016, "wage_income": 3000}],
            }
        ],
    }
    import_register(store, data)
    household = store.find("households")[0]
    assert household["water_safe"] is None and household["housing_area_m2"] is None
    assert household["income_channels"] is None
    member = store.find("members")[0]
    assert member["ncms"] is None
    # birth date and sex come from the ID number
    assert member["birth_date"] == "1949-12-31" and member["sex"] == "女"
    finance = store.find("finances")[0]
    assert finance["wage_income"] == 3000 and finance["transfer_income"] is None


def test_household_without_head_or_with_two_heads_is_refused(tmp_path):
    store = _blank_store(tmp_path)
    village = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
    data = {
        "format": FORMAT,
        "villages": [village],
        "households": [
            {
                "village_code": village["code"],
                "household_no": "1",
                "status": "新识别",
                "members": [{"name": "甲", "relation": "配偶"}],
            },
            {
                "village_code": village["code"],
                "household_no": "2",
                "status": "新识别",
                "members": [{"name": "乙", "relation": "户主"}, {"name": "丙", "relation": "户主"}],
            },
        ],
    }
    with pytest.raises(InterchangeError) as err:
        import_register(store, data)
    assert any("该户没有户主" in p for p in err.value.problems)
    assert any("该户有2名户主：乙、丙" in p for p in err.value.problems)


def test_same_id_number_in_two_households_of_the_file_is_stored_as_a_duplicate(tmp_path):
    # Issue 9 item 5: never a refusal. Both households are stored, the result names the 疑点.
    store = _blank_store(tmp_path)
    village = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
    member = {"name": "王建国", "relation": "户主", "id_number": "11010519491231002X"}
    data = {
        "format": FORMAT,
        "villages": [village],
        "households": [
            {
                "village_code": village["code"],
                "household_no": str(i),
                "status": "新识别",
                "members": [dict(member)],
            }
            for i in (1, 2)
        ],
    }
    counts = import_register(store, data)
    assert len(store.find("households")) == 2
    assert len(store.find("members", "id_number = ?", ["11010519491231002X"])) == 2
    (dup,) = counts["duplicates"]
    assert dup["id_number"] == "11010519491231002X" and dup["open"] is True
    assert sorted(m["household_no"] for m in dup["members"]) == ["1", "2"]


def test_same_id_number_twice_in_one_household_is_still_refused(tmp_path):
    # Two members of one household with one number is a typing error, not a 疑点.
    store = _blank_store(tmp_path)
    before = len(store.changes())
    twice = [
        {"name": "王建国", "relation": "户主", "id_number": "11010519491231002X"},
        {"name": "王建民", "relation": "子", "id_number": "11010519491231002X"},
    ]
    with pytest.raises(InterchangeError) as err:
        import_register(store, _one_village(members=twice))
    assert any("在本户重复：王建国、王建民" in p for p in err.value.problems)
    assert len(store.changes()) == before and not store.find("households")


def test_unknown_village_code_and_wrong_format(tmp_path):
    store = _blank_store(tmp_path)
    with pytest.raises(InterchangeError) as err:
        import_register(
            store,
            {
                "format": FORMAT,
                "households": [
                    {"village_code": "999999999999", "household_no": "1", "status": "新识别"}
                ],
            },
        )
    assert "没有代码为 999999999999 的村" in err.value.problems[0]
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"format": "other/9"}), encoding="utf-8")
    with pytest.raises(InterchangeError, match="不是 fupin-register/1 格式"):
        read_json(path)
    path.write_text('{"format": "fupin-register/1", ', encoding="utf-8")
    with pytest.raises(InterchangeError, match="JSON 格式错误：第 1 行"):
        read_json(path)


def test_export_of_one_village_holds_only_that_village(tmp_path, demo_export):
    store = _blank_store(tmp_path)
    import_register(store, copy.deepcopy(demo_export))
    code = demo_export["villages"][1]["code"]
    one = export_register(store, code)
    assert [v["code"] for v in one["villages"]] == [code]
    assert one["households"] and all(h["village_code"] == code for h in one["households"])
    with pytest.raises(InterchangeError, match="没有行政区划代码为 000000000000 的村"):
        export_register(store, "000000000000")


def _one_village(**household):
    village = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
    return {
        "format": FORMAT,
        "villages": [village],
        "households": [
            {
                "village_code": village["code"],
                "household_no": "1",
                "status": "新识别",
                "members": [{"name": "王建国", "relation": "户主"}],
                **household,
            }
        ],
    }


@pytest.mark.parametrize(
    "broken, words",
    [
        ({"finances": {"year": 2017}}, "finances: 应为列表"),
        ({"members": 5}, "members: 应为列表"),
        ({"finances": [5]}, "finances 1: 应为对象"),
        ({"group": ["一社"]}, "group: 应为社名"),
        (
            {"visits": [{"date": "2017-03-01", "cadre_id": "no-such-cadre"}]},
            "cadre_id: 没有这个帮扶干部",
        ),
        (
            {"finances": [{"year": 2017, "wage_income": 1}, {"year": 2017, "wage_income": 2}]},
            "finances 2: 与 household 1 (户主 王建国), finances 1 重复",
        ),
    ],
)
def test_malformed_or_repeated_records_are_located_problems_not_tracebacks(tmp_path, broken, words):
    store = _blank_store(tmp_path)
    with pytest.raises(InterchangeError) as err:
        import_register(store, _one_village(**broken))
    assert any(words in p for p in err.value.problems), err.value.problems
    assert store.find("households") == []


def test_a_village_code_twice_and_groups_as_text_are_refused(tmp_path):
    store = _blank_store(tmp_path)
    data = _one_village()
    data["villages"].append(dict(data["villages"][0]))
    data["villages"][0]["groups"] = "五社"
    with pytest.raises(InterchangeError) as err:
        import_register(store, data)
    assert any("village 2" in p and "重复" in p for p in err.value.problems)
    assert any("groups: 应为社名的列表" in p for p in err.value.problems)


def test_a_person_already_in_another_household_of_the_register_is_a_duplicate(tmp_path):
    store = _blank_store(tmp_path)
    first = import_register(
        store,
        _one_village(
            members=[{"name": "王建国", "relation": "户主", "id_number": "11010519491231002X"}]
        ),
    )
    assert first["duplicates"] == []
    again = _one_village(
        household_no="2",
        members=[{"name": "冒名", "relation": "户主", "id_number": "11010519491231002X"}],
    )
    counts = import_register(store, again)
    assert counts["inserted"] >= 2  # the household and its member are stored
    (dup,) = counts["duplicates"]
    assert sorted(m["name"] for m in dup["members"]) == ["冒名", "王建国"]
    assert sorted(m["head_name"] for m in dup["members"]) == ["冒名", "王建国"]


def test_a_household_deleted_here_is_not_revived_by_an_import(tmp_path, demo_export):
    store = _blank_store(tmp_path)
    import_register(store, copy.deepcopy(demo_export))
    gone = demo_export["households"][0]["id"]
    store.delete("households", gone)
    data = copy.deepcopy(demo_export)
    data["households"][0]["members"].append({"name": "新生儿", "relation": "孙子女"})
    counts = import_register(store, data)
    assert counts["skipped"] >= 1 and counts["inserted"] == 0
    assert store.get("households", gone) is None
    assert not store.find("members", "name = ?", ["新生儿"], include_deleted=True)


def test_a_cadre_seen_only_in_visits_travels_with_the_export(tmp_path, demo_export):
    store = _blank_store(tmp_path)
    import_register(store, copy.deepcopy(demo_export))
    first, second = demo_export["villages"][0]["code"], demo_export["villages"][1]["code"]
    outsider = next(c for c in demo_export["cadres"] if c.get("village_code") == second)
    household = next(h for h in demo_export["households"] if h["village_code"] == first)
    from storage.activity import record_visit

    record_visit(store, household["id"], {"date": "2017-05-01", "cadre_id": outsider["id"]})
    one = export_register(store, first)
    assert outsider["id"] in {c["id"] for c in one["cadres"]}
    fresh = _blank_store(tmp_path, "other.db")
    import_register(fresh, one)  # no foreign-key failure
    assert fresh.get("cadres", outsider["id"])["name"] == outsider["name"]


def test_old_status_words_upgrade_and_members_over_time_travel(tmp_path):
    # A document written before migration 7: 新识别 and 计划脱贫 as statuses
    store = _blank_store(tmp_path)
    member = {"name": "王建国", "relation": "户主", "id_number": "11010519491231002X"}
    left = {
        "name": "王大妈",
        "relation": "父母",
        "birth_date": "1930-02-02",
        "left_date": "2016-05-01",
        "left_reason": "死亡",
    }
    born = {
        "name": "王小宝",
        "relation": "孙子女",
        "birth_date": "2017-03-10",
        "joined_date": "2017-03-10",
        "join_reason": "出生",
    }
    data = {
        "format": FORMAT,
        "villages": [
            {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
        ],
        "households": [
            {
                "village_code": "621102100201",
                "household_no": no,
                "status": word,
                "members": [{**member, "id_number": idn}, left, born],
                "status_history": [{"status": word, "date": "2014-05-01", "reason": "识别"}],
            }
            for no, word, idn in (
                ("0001", "新识别", "11010519491231002X"),
                ("0002", "计划脱贫", "110105195001010135"),
            )
        ],
    }
    import_register(store, data)
    assert {h["status"] for h in store.find("households")} == {"未脱贫"}
    assert {s["status"] for s in store.find("status_history")} == {"未脱贫"}
    # joined_date, join_reason, left_date, left_reason are stored and exported as they came
    out = export_register(store)
    members = {m["name"]: m for m in out["households"][0]["members"]}
    assert (members["王大妈"]["left_date"], members["王大妈"]["left_reason"]) == (
        "2016-05-01",
        "死亡",
    )
    assert (members["王小宝"]["joined_date"], members["王小宝"]["join_reason"]) == (
        "2017-03-10",
        "出生",
    )
    # a leaving date before the joining date is refused, located, nothing written
    bad = copy.deepcopy(data)
    bad["households"][0]["household_no"] = "0003"
    bad["households"][0]["members"][2]["left_date"] = "2016-01-01"
    bad["households"].pop(1)
    before = store.find("households")
    with pytest.raises(InterchangeError) as refused:
        import_register(store, bad)
    assert any("离开日期" in p for p in refused.value.problems), refused.value.problems
    assert store.find("households") == before
