"""Plain-dict snapshots for the criteria tests: by default a household that meets all 12."""

from __future__ import annotations

import itertools
from datetime import date

from hypothesis import strategies as st

from forms import choices as C
from forms.criteria.policy import DEFAULT_POLICY
from forms.idnumber import make_id_number

YEAR = 2016
LINE = DEFAULT_POLICY[YEAR]["poverty_line"]  # 3000 元
_ids = itertools.count(1)


def policy(year: int = YEAR, **overrides) -> dict:
    return {**DEFAULT_POLICY[year], **overrides}


def member(
    name: str = "张三", born: date | None = date(1976, 5, 1), *, with_id: bool = True, **overrides
) -> dict:
    """A member who passes every member rule: adult, trained, insured, not in school."""
    mid = next(_ids)
    sex = overrides.get("sex", "男")
    m = {
        "id": mid,
        "household_id": None,
        "name": name,
        "relation": "户主",
        "sex": sex,
        "birth_date": born.isoformat() if born else None,
        "id_number": make_id_number("621102", born, mid % 1000, sex) if born and with_id else None,
        "ethnicity": "汉族",
        "education": "初中",
        "school_status": "非在校",
        "health": "健康",
        "labor_ability": "普通劳动力",
        "skills_trained": True,
        "skills_year": 2015,
        "migrant_work": "省外",
        "migrant_months": 6,
        "ncms": True,
        "pension_insured": True,
        "phone": None,
    }
    m.update(overrides)
    return m


def child(name: str = "李小红", born: date = date(2004, 3, 1), **overrides) -> dict:
    """A child in 小学, not a labourer, not in the pension scheme (under 16)."""
    defaults = {
        "relation": "女",
        "sex": "女",
        "school_status": "小学",
        "labor_ability": "无劳动力",
        "skills_trained": False,
        "migrant_work": "无",
        "migrant_months": 0,
        "pension_insured": False,
        "education": "小学",
    }
    return member(name, born, with_id=False, **{**defaults, **overrides})


def household(**overrides) -> dict:
    """Living conditions that meet criteria 2, 3, 6, 9, 10, 11."""
    h = {
        "id": next(_ids),
        "village_id": 1,
        "group_id": None,
        "household_no": "621102100201001",
        "status": "计划脱贫",
        "identification_year": 2014,
        "planned_exit_year": YEAR,
        "exit_year": None,
        "poverty_attribute": "一般贫困户",
        "dibao_class": "无",
        "main_cause": "缺技术",
        "other_causes": [],
        "cadre_id": None,
        "household_size": None,
        "housing_safe": True,
        "housing_area_m2": 150.0,
        "water_safe": True,
        "tap_water": True,
        "toilet": "卫生厕所",
        "has_phone": True,
        "has_cable_tv": True,
        "has_internet": True,
        "income_channels": ["务工", "种植"],
        "borrow_illness": False,
        "borrow_school": False,
        "borrow_marriage": False,
    }
    h.update(overrides)
    return h


def finance(year: int = YEAR, **overrides) -> dict:
    """Disposable income 18000 元 and consumption 12000 元 for the household."""
    f = {
        "household_id": None,
        "year": year,
        "wage_income": 12000,
        "operating_income": 8000,
        "operating_cost": 3000,
        "property_income": 0,
        "transfer_income": 1000,
        "consumption_expenditure": 12000,
    }
    f.update(overrides)
    return f


def snapshot(
    members: list[dict] | None = None,
    *,
    year: int = YEAR,
    hh: dict | None = None,
    fin: dict | None | str = "default",
    fin_prev: dict | None = None,
    pol: dict | None | str = "default",
    measures: list[dict] | None = None,
    **household_overrides,
) -> dict:
    """A household snapshot; with no arguments it meets all 12 criteria in 2016.

    The default family: 户主 (40), 配偶 (38), and a daughter of 12 in 小学 — 3 people.
    """
    if members is None:
        members = [
            member("张三", date(1976, 5, 1)),
            member("王芳", date(1978, 2, 3), relation="配偶", sex="女"),
            child("李小红", date(2004, 3, 1)),
        ]
    h = hh if hh is not None else household(**household_overrides)
    for m in members:
        m["household_id"] = h.get("id")
    return {
        "year": year,
        "household": h,
        "members": members,
        "finance": finance(year) if fin == "default" else fin,
        "finance_prev": fin_prev,
        "policy": policy(year) if pol == "default" else pol,
        "policy_prev": None,
        "measures": measures or [],
    }


def village_facts(year: int = YEAR, **overrides) -> dict:
    """Facts that meet every fact-based village criterion; rural population 1000."""
    f = {
        "year": year,
        "rural_population": 1000,
        "rural_households": 250,
        "hard_roads_to_township": 1,
        "bus_lines": 1,
        "groups_road_pct": 100,
        "power_grid": True,
        "industries": 2,
        "industry_names": "马铃薯、养羊",
        "clinics": 1,
        "doctors": 1,
        "culture_rooms": 1,
        "central_tv_coverage_pct": 98,
        "local_tv_coverage_pct": 50,
        "mutual_aid_associations": 1,
        "two_after_willing": 4,
        "two_after_trained": 4,
    }
    f.update(overrides)
    return f


def village_snapshot(
    households: list[dict],
    *,
    year: int = YEAR,
    facts: dict | None | str = "default",
    village: dict | None = None,
    pol: dict | None | str = "default",
    pol_prev: dict | None = None,
) -> dict:
    """A village snapshot; the household snapshots may leave year and policy to the village."""
    v = {
        "id": next(_ids),
        "code": "621102100201",
        "name": "青岭村",
        "township": "凤翔镇",
        "county": "安定区",
        "is_poor_village": True,
        "planned_exit_year": YEAR,
        "exit_year": None,
    }
    v.update(village or {})
    return {
        "year": year,
        "village": v,
        "facts": village_facts(year) if facts == "default" else facts,
        "facts_prev": None,
        "households": households,
        "policy": policy(year) if pol == "default" else pol,
        "policy_prev": pol_prev,
    }


def county_facts(year: int = YEAR, **overrides) -> dict:
    """Facts that meet every fact-based county criterion; rural population 10000."""
    f = {
        "year": year,
        "rural_population": 10000,
        "budget_revenue_growth_pct": 12.0,
        "province_budget_revenue_growth_pct": 9.0,
        "paved_road_village_pct": 100,
        "bus_village_pct": 95,
        "village_road_hardening_pct": 70,
        "power_village_pct": 100,
        "compulsory_retention_pct": 95,
        "culture_room_village_pct": 100,
        "three_halls_pct": 100,
        "clinic_village_pct": 95,
        "doctors_per_1000": 1.95,
        "central_tv_coverage_pct": 98,
        "local_tv_coverage_pct": 50,
        "mutual_fund_village_pct": 100,
        "water_per_10k_agri_value_m3": 1200,
        "social_safety_index_pct": 100,
    }
    f.update(overrides)
    return f


# --- hypothesis strategies: any snapshot a form could produce ----------------------------------

maybe_bool = st.sampled_from([True, False, None, 0, 1])
money = st.one_of(
    st.none(),
    st.integers(0, 200_000),
    st.floats(0, 200_000, allow_nan=False),
    st.just("abc"),
    st.just(float("nan")),
)


def _choice(values):
    return st.one_of(st.none(), st.sampled_from(values), st.just("乱码"))


@st.composite
def member_st(draw):
    born = draw(st.dates(date(1900, 1, 1), date(2016, 12, 31)))
    bd = draw(st.sampled_from(["iso", None, "bad", "empty", "date"]))
    idn = draw(st.sampled_from(["valid", None, "short", "badcheck"]))
    id_number = {
        "valid": make_id_number("621102", born, draw(st.integers(0, 999))),
        None: None,
        "short": "62110219",
        "badcheck": "62110220040301001Y",
    }[idn]
    return {
        "id": draw(st.one_of(st.none(), st.integers(1, 10_000))),
        "name": draw(st.one_of(st.none(), st.just(""), st.text(max_size=4))),
        "id_number": id_number,
        "birth_date": {
            "iso": born.isoformat(),
            None: None,
            "bad": "2016-02-30",
            "empty": "",
            "date": born,
        }[bd],
        "relation": draw(_choice(C.RELATIONS)),
        "sex": draw(_choice(C.SEXES)),
        "school_status": draw(_choice(C.SCHOOL_STATUSES)),
        "health": draw(_choice(C.HEALTH)),
        "labor_ability": draw(_choice(C.LABOR_ABILITIES)),
        "skills_trained": draw(maybe_bool),
        "migrant_work": draw(_choice(C.MIGRANT_WORK)),
        "migrant_months": draw(st.one_of(st.none(), st.integers(0, 12))),
        "ncms": draw(maybe_bool),
        "pension_insured": draw(maybe_bool),
    }


def _partial(draw, keys, values):
    d = {}
    for k in keys:
        if draw(st.booleans()):
            d[k] = draw(values)
    return d


FIN_KEYS = (
    "wage_income",
    "operating_income",
    "operating_cost",
    "property_income",
    "transfer_income",
    "consumption_expenditure",
)


@st.composite
def household_snapshot(draw):
    hh = {
        "id": draw(st.integers(1, 100)),
        "status": draw(_choice(C.HOUSEHOLD_STATUSES)),
        "exit_year": draw(st.one_of(st.none(), st.integers(2014, 2020))),
        "identification_year": draw(st.one_of(st.none(), st.integers(2013, 2020))),
        "household_size": draw(st.one_of(st.none(), st.integers(1, 8))),
        "housing_safe": draw(maybe_bool),
        "housing_area_m2": draw(
            st.one_of(st.none(), st.floats(0, 500, allow_nan=False), st.just("大"))
        ),
        "water_safe": draw(maybe_bool),
        "tap_water": draw(maybe_bool),
        "toilet": draw(_choice(C.TOILETS)),
        "has_phone": draw(maybe_bool),
        "has_cable_tv": draw(maybe_bool),
        "has_internet": draw(maybe_bool),
        "income_channels": draw(
            st.one_of(
                st.none(), st.lists(st.sampled_from(C.INCOME_CHANNELS), max_size=3), st.just("务工")
            )
        ),
        "borrow_illness": draw(maybe_bool),
        "borrow_school": draw(maybe_bool),
        "borrow_marriage": draw(maybe_bool),
        "household_no": draw(st.one_of(st.none(), st.just("621102100201007"))),
        "planned_exit_year": draw(st.one_of(st.none(), st.integers(2014, 2020))),
        "poverty_attribute": draw(_choice(C.POVERTY_ATTRIBUTES)),
        "dibao_class": draw(_choice(C.DIBAO_CLASSES)),
        "main_cause": draw(_choice(C.POVERTY_CAUSES)),
        "other_causes": draw(
            st.one_of(st.none(), st.lists(st.sampled_from(C.POVERTY_CAUSES), max_size=2))
        ),
    }
    fin = None if draw(st.booleans()) else _partial(draw, FIN_KEYS, money)
    pol = draw(
        st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"poverty_line": st.one_of(st.none(), st.integers(-1, 5000), st.just("3000"))},
                optional={  # the safety-net path (政策性脱贫)
                    "safety_net_path": maybe_bool,
                    "safety_net_line": st.one_of(st.none(), st.integers(-1, 5000), st.just("2808")),
                },
            ),
        )
    )
    return {
        "year": draw(st.one_of(st.integers(2014, 2020), st.none())),
        "household": hh,
        "members": draw(st.lists(member_st(), max_size=5)),
        "finance": fin,
        "finance_prev": draw(st.one_of(st.none(), st.just(finance(2015)))),
        "policy": pol,
        "policy_prev": None,
        "measures": draw(
            st.lists(
                st.fixed_dictionaries(
                    {
                        "criterion_no": st.one_of(st.none(), st.integers(1, 12)),
                        "status": _choice(C.MEASURE_STATUSES),
                    }
                ),
                max_size=3,
            )
        ),
    }
