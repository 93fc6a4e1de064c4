"""Property: the change log is complete — replaying it over the inserted values gives the row."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import register as R
from storage.db import open_store

EDITS = st.lists(
    st.tuples(
        st.sampled_from(["housing_area_m2", "toilet", "water_safe", "income_channels", "phone"]),
        st.integers(min_value=0, max_value=3),
    ),
    min_size=1,
    max_size=25,
)
VALUES = {
    "housing_area_m2": [None, 30.0, 90.5, 120.0],
    "toilet": [None, "无", "简易卫生厕所", "卫生厕所"],
    "water_safe": [None, True, False, True],
    "income_channels": [None, [], ["务工"], ["种植", "养殖"]],
    "phone": [None, "13909321234", "0932-8212345", "15193212345"],
}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS)
def test_replaying_the_log_rebuilds_the_record(tmp_path_factory, edits):
    store = open_store(tmp_path_factory.mktemp("log") / "r.db", create=True, operator="甲")
    vid = R.add_village(
        store, {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
    )
    hid = R.add_household(store, {"village_id": vid, "household_no": "1", "status": "未脱贫"})
    replay = {key: None for key in VALUES}
    for key, i in edits:
        R.update_record(store, "household", hid, {key: VALUES[key][i]})
    stamps = []
    for change in store.changes("households", hid):
        stamps.append(change["hlc"])
        if change["op"] == "update":
            assert change["old"] == replay[change["field"]]  # old is what was there
            replay[change["field"]] = change["new"]
    current = store.get("households", hid)
    assert {k: current[k] for k in VALUES} == replay
    assert stamps == sorted(stamps) and current["hlc"] == stamps[-1]
    store.close()
