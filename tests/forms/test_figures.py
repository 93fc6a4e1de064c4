"""Every figure a criterion computes has a Chinese name to print (forms.criteria.figures)."""

import pytest

from forms.criteria.county import evaluate_county
from forms.criteria.figures import figure_label, is_declared
from forms.criteria.household import evaluate_household
from forms.criteria.village import evaluate_village
from storage import snapshots
from storage.db import open_store
from storage.operations import write_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("figures") / "demo.db"
    write_demo(path, villages=4, households=60, seed=3)
    store = open_store(path)
    yield store
    store.close()


def test_every_figure_of_the_12_17_and_19_is_named(demo):
    seen: set[str] = set()
    for year in (2015, 2016, 2017):
        county = snapshots.county_snapshot(demo, "安定区", year)
        results = list(evaluate_county(county).criteria)
        for village in county["villages"]:
            results += evaluate_village(village).criteria
            for household in village["households"]:
                results += evaluate_household(household).criteria
        for result in results:
            seen |= set(result.figures)
    assert len(seen) > 40  # households', villages' and the county's figures all came by
    assert sorted(k for k in seen if not is_declared(k)) == []


def test_a_figure_reads_with_its_unit():
    assert figure_label("area_per_person") == "人均住房面积（m²）"
    assert figure_label("poverty_line") == "国家扶贫标准（元/人·年）"  # the policy declaration
    assert figure_label("bus_lines") == "到村客运班车（辆）"  # a village fact's declaration
    assert figure_label("no_such_figure") == "no_such_figure"
