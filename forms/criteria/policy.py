"""Reference policy values by year: poverty line, Gansu rural income, 低保 — editable defaults."""

from __future__ import annotations

# These are the defaults a new database starts with. They are reference values, not law: the
# county poverty office confirms or corrects them each year and sends them out on the USB stick
# (docs/domain.md, "Policy values by year"). Keys are those of forms.entities.POLICY.

# 国家扶贫标准（现价，元/人·年）: the 2010 constant-price line of 2300 元 at each year's prices.
POVERTY_LINES = {2014: 2800, 2015: 2855, 2016: 3000, 2017: 3335, 2018: 3535, 2019: 3747, 2020: 4000}

# 甘肃省农村居民人均可支配收入 (元) and its nominal growth (%), as published in the Gansu
# statistical communiqués (城乡一体化住户调查口径). Editable reference values: check them against
# the year's 甘肃省国民经济和社会发展统计公报 before relying on them.
GANSU_RURAL_INCOME = {
    2014: 6277,
    2015: 6936,
    2016: 7457,
    2017: 8076,
    2018: 8804,
    2019: 9629,
    2020: 10344,
}
GANSU_RURAL_INCOME_GROWTH_PCT = {
    2014: 12.3,
    2015: 10.5,
    2016: 7.5,
    2017: 8.3,
    2018: 9.0,
    2019: 9.4,
    2020: 7.4,
}

# The seed's own targets for Dingxi city (not the province), kept for reports that compare:
# "2015年全市农村居民人均可支配收入达到5854元以上,2016年达到6615元以上,2017年达到7475元以上"
DINGXI_RURAL_INCOME_TARGETS = {2015: 5854, 2016: 6615, 2017: 7475}

# 农村低保 (元/人·年). The seed: "2015年将农村低保二类对象补助水平由192元/人·月提高到234元/人·月,
# 达到2808元/人·年 … 将农村低保一类对象补助水平由246元/人·月提高到275元/人·月,达到3300元/人·年。"
# 2014 is the old monthly level × 12; later years keep the 2015 level until the county edits them.
DIBAO_CLASS1 = {2014: 246 * 12, **{y: 3300 for y in range(2015, 2021)}}
DIBAO_CLASS2 = {2014: 192 * 12, **{y: 2808 for y in range(2015, 2021)}}

# County ⑴ "贫困人口年均人均可支配收入增幅": the average annual growth counts from this year.
GROWTH_BASE_YEAR = 2014

DEFAULT_POLICY: dict[int, dict] = {
    year: {
        "year": year,
        "poverty_line": POVERTY_LINES[year],
        "province_avg_income": GANSU_RURAL_INCOME[year],
        "province_income_growth_pct": GANSU_RURAL_INCOME_GROWTH_PCT[year],
        "dibao_class1_amount": DIBAO_CLASS1[year],
        "dibao_class2_amount": DIBAO_CLASS2[year],
        # "低保二类…达到2808元/人·年,实现政策性脱贫": the path on, its line the class-2 amount.
        "safety_net_path": True,
        "safety_net_line": DIBAO_CLASS2[year],
        "growth_base_year": GROWTH_BASE_YEAR,
    }
    for year in sorted(POVERTY_LINES)
}


def default_policy(year: int) -> dict | None:
    """A fresh copy of the year's reference values, or None when there are none."""
    p = DEFAULT_POLICY.get(year)
    return dict(p) if p is not None else None
