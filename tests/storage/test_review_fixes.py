"""Edge cases found in review: tombstoned households, empty files, codes typed full-width."""

import pytest

from storage import activity as A
from storage import browse
from storage import register as R
from storage.db import DatabaseMissing, open_store
from tests.conftest import HEAD


def test_a_deleted_households_measures_and_status_changes_leave_the_lists(fresh_db, village):
    hid = R.add_household(
        fresh_db, {"village_id": village, "household_no": "0001", "status": "未脱贫"}, [HEAD]
    )
    A.add_measure(
        fresh_db,
        {
            "village_id": village,
            "household_id": hid,
            "level": "户",
            "category": "危房改造",
            "description": "危房改造",
            "status": "计划",
            "money": 20000,
        },
    )
    A.add_measure(
        fresh_db,
        {
            "village_id": village,
            "level": "村",
            "category": "基础设施",
            "description": "硬化道路",
            "status": "计划",
        },
    )
    A.set_household_status(fresh_db, hid, "计划脱贫", "2017-03-01", "列入计划")
    fresh_db.delete("households", hid)
    assert [m["level"] for m in A.measures_of_village(fresh_db, village)] == ["村"]
    assert [
        r["level"] for r in browse.needs_list(fresh_db, browse.HouseholdFilter(village_id=village))
    ] == ["村"]
    assert A.status_changes_between(fresh_db, village, "2017-01-01", "2017-12-31") == []


def test_an_empty_file_is_not_turned_into_a_register_by_reading_it(tmp_path):
    path = tmp_path / "zero.db"
    path.write_bytes(b"")
    with pytest.raises(DatabaseMissing, match="数据库文件是空的"):
        open_store(path)
    assert path.stat().st_size == 0
    open_store(path, create=True).close()  # creating into it is allowed
    assert path.stat().st_size > 0


def test_village_code_typed_full_width_or_with_spaces_is_found(fresh_db, village):
    assert R.find_village(fresh_db, " ６２１１０２１００２０１ ")["id"] == village
