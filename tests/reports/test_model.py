"""The plain-data model: building from storage-style dicts, statuses, per-capita figures."""

import datetime as dt
from decimal import Decimal

from forms.criteria.result import MET, NA, UNKNOWN, UNMET
from reports.model import (
    Finance,
    HouseholdRow,
    VillageReportData,
    criterion_status,
)


def test_from_dict_builds_nested_rows_and_ignores_unknown_keys():
    data = VillageReportData.from_dict(
        {
            "year": "2017",
            "village": {"name": "石门村", "code": "621102103201", "is_poor_village": True},
            "team": [{"name": "魏振华", "role": "队长", "phone": "13909320101", "village_id": 3}],
            "posting_date": "2017-12-10",
            "households": [
                {
                    "household_no": "6211021032010001",
                    "head_name": "王建国",
                    "size": "3",
                    "criteria": {
                        1: "met",
                        2: {"status": "unmet", "reasons": ["住房为危房"]},
                        3: "达标",
                    },
                    "members": [
                        {"name": "王建国", "relation": "户主", "ethnicity": "汉族", "age": 60}
                    ],
                    "finance": {
                        "wage_income": "12,000.50",
                        "operating_income": 0,
                        "operating_cost": 0,
                        "property_income": None,
                        "transfer_income": "x",
                    },
                }
            ],
            "measures": [
                {
                    "description": "危房改造",
                    "money": 22000,
                    "planned_date": "2017-09-30",
                    "done_date": "不详",
                    "household_id": 7,
                }
            ],
        }
    )
    assert data.year == 2017 and data.village.name == "石门村"
    assert data.team[0].role == "队长"
    assert data.posting_date == dt.date(2017, 12, 10)
    h = data.households[0]
    assert h.size == 3 and h.people == 3
    assert [h.status_of(n) for n in (1, 2, 3, 4)] == [MET, UNMET, MET, UNKNOWN]
    assert h.criterion(2).reasons == ["住房为危房"]
    assert h.finance.wage_income == Decimal("12000.50")
    assert h.finance.property_income is None and h.finance.transfer_income is None
    m = data.measures[0]
    assert m.money == Decimal(22000) and m.planned_date == dt.date(2017, 9, 30)
    assert m.done_date == "不详"  # kept as text, printed as given


def test_status_aliases_and_unknown_is_never_met():
    assert criterion_status("met") == MET
    assert criterion_status(" 未达标 ") == UNMET
    assert criterion_status("不适用") == NA
    assert criterion_status(None) == UNKNOWN
    assert criterion_status("maybe") == UNKNOWN
    assert criterion_status(["junk"]) == UNKNOWN
    assert HouseholdRow().status_of(5) == UNKNOWN
    assert HouseholdRow().unmet == []


def test_per_capita_income_from_the_parts_or_as_given():
    f = Finance(
        wage_income=Decimal(6000),
        operating_income=Decimal(3000),
        operating_cost=Decimal(1000),
        property_income=Decimal(0),
        transfer_income=Decimal(1000),
        consumption_expenditure=Decimal(10000),
    )
    assert f.income_per_capita(3) == Decimal("3000.00")
    assert f.consumption_per_capita(4) == Decimal("2500.00")
    assert f.income_per_capita(0) is None
    assert Finance(wage_income=Decimal(1)).income_per_capita(1) is None  # parts missing
    assert Finance(per_capita_income=Decimal("3400")).income_per_capita(None) == Decimal("3400")


def test_a_village_finds_its_households_measures_and_visits(sample):
    h = sample.households[0]
    assert sample.household(h.household_no) is h
    assert sample.household(None) is None
    assert all(m.household_no == h.household_no for m in sample.measures_of(h.household_no))
    assert all(v.household_no == h.household_no for v in sample.visits_of(h.household_no))
