"""The field-level merge: random edits on three registers, exchanged in random orders with
repeats, end in the same state everywhere; the newer stamp wins, field by field."""

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import register as R
from storage.db import open_store
from storage.merge import field_state, logical_dump, merge

VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
NAMES = ["王建国", "李小红", "张秀兰", "马玉兰", "赵子强"]
TOILETS = ["无", "简易卫生厕所", "卫生厕所"]

edit = st.one_of(
    st.tuples(st.just("area"), st.integers(0, 2), st.integers(0, 2), st.integers(10, 200)),
    st.tuples(st.just("toilet"), st.integers(0, 2), st.integers(0, 2), st.sampled_from(TOILETS)),
    st.tuples(st.just("name"), st.integers(0, 2), st.integers(0, 5), st.sampled_from(NAMES)),
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, 5), st.none()),
    st.tuples(st.just("restore"), st.integers(0, 2), st.integers(0, 5), st.none()),
    st.tuples(st.just("join"), st.integers(0, 2), st.integers(0, 2), st.sampled_from(NAMES)),
    st.tuples(st.just("send"), st.integers(0, 2), st.integers(0, 2), st.none()),
)


def _base(folder: Path):
    """A county register with a village of three households; two laptops get a copy."""
    stores = [
        open_store(folder / f"{who}.db", create=True, role=role, operator=who)
        for who, role in (("laptop1", "village"), ("laptop2", "village"), ("county", "county"))
    ]
    first = stores[2]
    vid = R.add_village(first, VILLAGE)
    for i in range(3):
        R.add_household(first, {"village_id": vid, "household_no": f"000{i + 1}",
                                "status": "未脱贫"},
                        [{"name": NAMES[i], "relation": "户主"},
                         {"name": NAMES[i + 1], "relation": "配偶"}])  # fmt: skip
    for other in stores[:2]:
        merge(other, field_state(first))
    return stores


def _apply(stores, step) -> None:
    kind, who, which, value = step
    store = stores[who]
    households = store.find("households", order_by="household_no")
    members = store.find("members", include_deleted=True, order_by="id")
    if kind == "area":
        R.update_record(store, "household", households[which]["id"], {"housing_area_m2": value})
    elif kind == "toilet":
        R.update_record(store, "household", households[which]["id"], {"toilet": value})
    elif kind == "name" and (live := [m for m in members if not m["deleted"]]):
        R.update_record(store, "member", live[which % len(live)]["id"], {"name": value})
    elif kind == "delete" and members:
        store.delete("members", members[which % len(members)]["id"])
    elif kind == "restore" and members:
        store.restore("members", members[which % len(members)]["id"])
    elif kind == "join":
        R.add_member(store, households[which]["id"], {"name": value, "relation": "其他"})
    elif kind == "send":
        target = stores[which]
        if target is not store:
            merge(target, field_state(store))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(edit, min_size=1, max_size=25))
def test_three_registers_converge_whatever_the_order(steps):
    with tempfile.TemporaryDirectory() as tmp:
        stores = _base(Path(tmp))
        try:
            for step in steps:
                _apply(stores, step)
            # everyone receives everything, twice (a repeat changes nothing)
            for _round in range(2):
                for a, b in itertools.permutations(stores, 2):
                    merge(b, field_state(a))
            dumps = [logical_dump(s) for s in stores]
            assert dumps[0] == dumps[1] == dumps[2]
            again = merge(stores[0], field_state(stores[1]))
            assert again.taken == 0 and again.inserted == 0
        finally:
            for s in stores:
                s.close()


def test_the_newer_stamp_wins_and_the_older_is_kept_out(tmp_path):
    laptop, _other, county = _base(tmp_path)
    hid = county.find("households", order_by="household_no")[0]["id"]
    born = county.get("households", hid)["created_at"]
    R.update_record(county, "household", hid, {"housing_area_m2": 40})
    merge(laptop, field_state(county))  # the laptop has seen the county's 40 …
    R.update_record(laptop, "household", hid, {"housing_area_m2": 90})  # … so 90 is newer
    merge(county, field_state(laptop))
    merge(laptop, field_state(county))
    assert county.get("households", hid)["housing_area_m2"] == 90
    assert laptop.get("households", hid)["housing_area_m2"] == 90
    assert county.get("households", hid)["created_at"] == born  # a merged edit is no rebirth
    # the merged change is in the county's change log with the laptop's own stamp and device
    [row] = [c for c in county.changes("households", hid) if c["op"] == "merge"]
    assert row["field"] == "housing_area_m2" and row["new"] == 90 and row["old"] == 40
    assert row["device_id"] == laptop.device_id
    for s in (laptop, _other, county):
        s.close()


def test_a_delete_and_a_newer_edit_of_another_field_both_stand(tmp_path):
    laptop, _other, county = _base(tmp_path)
    member = county.find("members", order_by="id")[0]
    county.delete("members", member["id"])
    R.update_record(laptop, "member", member["id"], {"name": "李大红"})
    merge(county, field_state(laptop))
    merge(laptop, field_state(county))
    for s in (laptop, county):
        row = s.get("members", member["id"], include_deleted=True)
        assert row["deleted"] and row["name"] == "李大红"
        assert row["name_initials"] == "ldh"  # the derived search key follows the merged name
    for s in (laptop, _other, county):
        s.close()


def test_a_record_one_per_key_made_in_two_places_merges_into_one(tmp_path):
    # A year's policy values and a household's finances of a year, entered on the laptop and at
    # the county before they met: one record each after the merge, not two.
    laptop, _other, county = _base(tmp_path)
    hid = county.find("households", order_by="household_no")[0]["id"]
    R.set_policy(county, 2018, {"poverty_line": 3535})
    R.set_finance(county, hid, 2018, {"wage_income": 5000})
    merge(laptop, field_state(county))  # seen, then a later correction on the laptop
    R.set_policy(laptop, 2018, {"poverty_line": 3600})
    R.set_finance(_other, hid, 2018, {"wage_income": 6000})  # made apart from the county's
    for a, b in itertools.permutations((laptop, _other, county), 2):
        merge(b, field_state(a))
    for s in (laptop, _other, county):
        assert [p["poverty_line"] for p in s.find("policy_values", "year = 2018")] == [3600]
        assert len(s.find("finances", "household_id = ? and year = 2018", [hid])) == 1
    for s in (laptop, _other, county):
        s.close()


def test_a_team_is_sent_its_villages_and_may_send_only_them(tmp_path):
    from storage.merge import foreign_records, records_of_villages, state_of_records

    laptop, _other, county = _base(tmp_path)
    mine = county.find("villages")[0]["id"]
    theirs = R.add_village(county, {**VILLAGE, "code": "621102100202", "name": "石岔村"})
    R.add_household(county, {"village_id": theirs, "household_no": "0001", "status": "未脱贫"},
                    [{"name": "牛有才", "relation": "户主"}])  # fmt: skip
    R.set_policy(county, 2018, {"poverty_line": 3535})
    sent = state_of_records(county, records_of_villages(county, [mine]))
    assert theirs not in sent["villages"]
    assert {f["household_id"][0] for f in sent["members"].values()} <= set(sent["households"])
    assert len(sent["households"]) == 3 and sent["policy_values"]  # county-wide values go too
    # a team's package with another village's household, or a policy value, is foreign
    assert foreign_records(county, sent, {mine}) == [
        ("policy_values", rid) for rid in sent["policy_values"]
    ]
    everything = field_state(county)
    found = foreign_records(county, everything, {mine})
    assert ("villages", theirs) in found
    assert any(t == "members" for t, _ in found)  # a member of the other village's household
    # a member moved into the other village's household (as sent) is foreign too
    member = next(iter(sent["members"]))
    theirs_hh = county.find("households", "village_id = ?", [theirs])[0]["id"]
    moved = {"members": {member: {"household_id": [theirs_hh, "9", None]}}}
    assert foreign_records(county, moved, {mine}) == [("members", member)]
    for s in (laptop, _other, county):
        s.close()
