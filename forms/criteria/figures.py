"""The Chinese name of each figure a criterion computes (CriterionResult.figures), as printed."""

from __future__ import annotations

from forms.entities import FINANCE, HOUSEHOLD, POLICY
from forms.facts import COUNTY_FACTS, VILLAGE_FACTS

# Figures the rules compute. A figure that is an input (a household field, a year's finance or
# policy value, a village or county fact) is named by its field's declaration instead.
COMPUTED = {
    # households (the 12)
    "members": ("家庭人口", "人"),
    "disposable_income": ("家庭可支配收入", "元"),
    "per_capita": ("人均", "元"),
    "area_per_person": ("人均住房面积", "m²"),
    "income_growth_pct": ("家庭可支配收入增幅", "%"),
    "channels": ("增收门路", ""),
    "transfer_per_capita": ("人均转移性收入", "元"),
    "reading": ("判定口径", ""),
    "safety_net": ("兜底保障户", ""),
    "in_scope": ("应计人数", "人"),
    "passed": ("达标人数", "人"),
    "unknown": ("数据不全", "人"),
    # villages (the 17) and the county (the 19)
    "households": ("户数", "户"),
    "people": ("人数", "人"),
    "pct": ("比例", "%"),
    "growth_pct": ("增幅", "%"),
    "province_growth_pct": ("全省增幅", "%"),
    "poor_people": ("贫困人口", "人"),
    "status_unknown": ("户状态不明", "户"),
    "base_year": ("增幅基年", ""),
    "years": ("年数", "年"),
    "base_per_capita": ("基年人均", "元"),
    "base_households": ("基年户数", "户"),
    "base_people": ("基年人数", "人"),
    "water_safe": ("饮水安全", "户"),
    "housing_safe": ("住房安全稳固", "户"),
    "housing_over_30": ("人均住房面积大于30平方米", "户"),
    "schooling": ("适龄儿童在校", "人"),
    "ncms": ("参加新农合", "人"),
    "pension": ("参加新农保", "人"),
    "any_toilet": ("有厕所", "户"),
    "sanitary_toilet": ("有卫生厕所", "户"),
    "phone": ("有通讯设备", "户"),
    "internet": ("接通互联网", "户"),
    "willing": ("有培训意愿的“两后生”", "人"),
    "trained": ("已培训“两后生”", "人"),
    "poor_villages": ("贫困村", "个"),
    "exited": ("已退出的贫困村", "个"),
    "meeting_not_exited": ("达到退出标准但未退出的贫困村", "个"),
}
DECLARED = (FINANCE, POLICY, VILLAGE_FACTS, COUNTY_FACTS, HOUSEHOLD)


def figure_label(key: str) -> str:
    """ "人均住房面积（m²）": the figure's name with its unit; the key itself if undeclared."""
    if key in COMPUTED:
        label, unit = COMPUTED[key]
    else:
        form = next((f for f in DECLARED if key in f), None)
        if form is None:
            return key
        label, unit = form[key].label, form[key].unit
    return f"{label}（{unit}）" if unit else label


def is_declared(key: str) -> bool:
    return key in COMPUTED or any(key in f for f in DECLARED)
