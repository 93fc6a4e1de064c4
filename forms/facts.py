"""Yearly village and county facts entered by hand: inputs of the 17/19 criteria."""
from __future__ import annotations

from .fields import BOOL, INT, NUMBER, PERCENT, TEXT, YEAR, Field, Form

# Stored as one JSON object per (village, year) / (county, year). Each key is declared once here;
# the help text names the criterion (村级⑶ = 贫困村脱贫目标第3项, 县级⑸ = 县区脱贫目标第5项).
# Figures that follow from the household register (water, housing, schooling, insurance,
# toilets, phones, internet) are computed from it and are deliberately not asked for here.

VILLAGE_FACTS = Form("village_facts", "村级年度基础数据", record_label="year", fields=(
    Field("year", "年度", YEAR, required=True),
    Field("rural_population", "户籍人口", INT, min=1, max=100000, unit="人",
          help="村级⑵ 贫困发生率的分母"),
    Field("rural_households", "户籍户数", INT, min=1, max=30000, unit="户"),
    Field("hard_roads_to_township", "通乡镇的硬化路", INT, min=0, max=50, unit="条",
          help="村级⑶ 有通乡镇的硬化路1条以上"),
    Field("bus_lines", "到村客运班车", INT, min=0, max=100, unit="辆",
          help="村级⑶ 有到村客运班车1辆以上"),
    Field("groups_road_pct", "村民小组通村部硬化路或砂化路比例", PERCENT, unit="%",
          help="村级⑷ 达到100%"),
    Field("power_grid", "通动力电", BOOL, help="村级⑹"),
    Field("industries", "村级增收产业", INT, min=0, max=50, unit="项",
          help="村级⑻ 有村级增收产业1项以上"),
    Field("industry_names", "村级增收产业名称", TEXT, max_length=200,
          help="如 马铃薯、中药材、养羊"),
    Field("clinics", "标准化村卫生室", INT, min=0, max=20, unit="个", help="村级⑾ 1个以上"),
    Field("doctors", "执业医师", INT, min=0, max=50, unit="人", help="村级⑾ 1个以上"),
    Field("culture_rooms", "村文化活动室", INT, min=0, max=20, unit="个", help="村级⒁ 1个以上"),
    Field("central_tv_coverage_pct", "中央和省上广播电视节目综合覆盖率", PERCENT, unit="%",
          help="村级⒂ 98%以上"),
    Field("local_tv_coverage_pct", "市、县区广播电视节目覆盖率", PERCENT, unit="%",
          help="村级⒂ 50%以上"),
    Field("mutual_aid_associations", "互助资金协会", INT, min=0, max=20, unit="个",
          help="村级⒃ 1个以上"),
    Field("two_after_willing", "有培训意愿的贫困家庭“两后生”", INT, min=0, max=5000, unit="人",
          help="村级⒄ 分母；没有则填0"),
    Field("two_after_trained", "其中已接受技能培训", INT, min=0, max=5000, unit="人",
          help="村级⒄ 达到100%"),
), sections={
    "人口": ("year", "rural_population", "rural_households"),
    "基础设施": ("hard_roads_to_township", "bus_lines", "groups_road_pct", "power_grid"),
    "产业与公共服务": ("industries", "industry_names", "clinics", "doctors", "culture_rooms",
                "central_tv_coverage_pct", "local_tv_coverage_pct", "mutual_aid_associations"),
    "两后生培训": ("two_after_willing", "two_after_trained"),
})

# Growth rates can be negative, so they are NUMBER with explicit bounds, not PERCENT (0..100).
COUNTY_FACTS = Form("county_facts", "县级年度基础数据", record_label="year", fields=(
    Field("year", "年度", YEAR, required=True),
    Field("rural_population", "农村户籍人口", INT, min=1, max=5000000, unit="人",
          help="县级⑵ 贫困发生率的分母"),
    Field("budget_revenue_growth_pct", "人均一般公共预算收入增幅", NUMBER, unit="%",
          min=-100, max=1000, help="县级⑷ 高于全省平均水平"),
    Field("province_budget_revenue_growth_pct", "全省人均一般公共预算收入增幅", NUMBER, unit="%",
          min=-100, max=1000, help="县级⑷ 比较基准"),
    Field("paved_road_village_pct", "行政村通沥青（水泥）路比例", PERCENT, unit="%",
          help="县级⑸ 达到100%"),
    Field("bus_village_pct", "行政村客运班车通达率", PERCENT, unit="%", help="县级⑸ 95%以上"),
    Field("village_road_hardening_pct", "村内道路硬化（砂化）率", PERCENT, unit="%",
          help="县级⑹ 70%以上"),
    Field("power_village_pct", "行政村动力电覆盖率", PERCENT, unit="%", help="县级⑻ 达到100%"),
    Field("compulsory_retention_pct", "县级义务教育巩固率", PERCENT, unit="%",
          help="县级⑽ 95%以上（教育部门全县口径）"),
    Field("culture_room_village_pct", "行政村文化室覆盖率", PERCENT, unit="%",
          help="县级⑿ 达到100%"),
    Field("three_halls_pct", "三馆（图书馆、博物馆、文化馆）覆盖率", PERCENT, unit="%",
          help="县级⑿ 达到100%"),
    Field("clinic_village_pct", "建制村标准化卫生室覆盖率", PERCENT, unit="%",
          help="县级⒀ 95%以上"),
    Field("doctors_per_1000", "千人拥有执业医师", NUMBER, unit="人", max=100,
          help="县级⒀ 1.95人以上"),
    Field("central_tv_coverage_pct", "中央和省上广播电视节目综合覆盖率", PERCENT, unit="%",
          help="县级⒃ 98%以上"),
    Field("local_tv_coverage_pct", "市、县区广播电视节目覆盖率", PERCENT, unit="%",
          help="县级⒃ 50%以上"),
    Field("mutual_fund_village_pct", "行政村互助资金覆盖率", PERCENT, unit="%",
          help="县级⒄ 达到100%"),
    Field("water_per_10k_agri_value_m3", "农村万元农业增加值用水量", NUMBER, unit="m³",
          max=100000, help="县级⒅ 小于1500立方米"),
    Field("social_safety_index_pct", "社会安全指数", PERCENT, unit="%", help="县级⒆ 达到100%"),
), sections={
    "人口与财政": ("year", "rural_population", "budget_revenue_growth_pct",
              "province_budget_revenue_growth_pct"),
    "基础设施": ("paved_road_village_pct", "bus_village_pct", "village_road_hardening_pct",
             "power_village_pct"),
    "公共服务": ("compulsory_retention_pct", "culture_room_village_pct", "three_halls_pct",
             "clinic_village_pct", "doctors_per_1000", "central_tv_coverage_pct",
             "local_tv_coverage_pct", "mutual_fund_village_pct"),
    "资源与安全": ("water_per_10k_agri_value_m3", "social_safety_index_pct"),
})

FACT_FORMS = {f.entity: f for f in (VILLAGE_FACTS, COUNTY_FACTS)}
