"""The preset dictionary of the frozen records' compression (storage.closing, prefix "z1:").

FROZEN: a record closed with this dictionary can only be read with it, byte for byte. Never
edit it; a new dictionary is a new constant with a new prefix, and the old one stays. It holds
the JSON keys and the declared choices of the household, member, finance and status-change
forms as they were when the year close was built, which most frozen records repeat.
"""

ZDICT_V1 = (
    '"address","birth_date","borrow_illness","borrow_marriage","borrow_school","cadre_id","conf'
    'irmed_unmet","consumption_expenditure","date","dibao_class","education","ethnicity","exit_'
    'year","farmland_mu","finance","finance_prev","fuel_type","group_id","has_bank_account","ha'
    's_cable_tv","has_internet","has_phone","health","history","household","household_id","hous'
    'ehold_no","household_size","housing_area_m2","housing_safe","id_number","identification_ye'
    'ar","in_cooperative","income_channels","irrigated_mu","join_reason","joined_date","keys","'
    'labor_ability","left_date","left_reason","main_cause","members","migrant_months","migrant_'
    'work","name","ncms","operating_cost","operating_income","other_causes","pension_insured","'
    'phone","planned_exit_year","poverty_attribute","property_income","reason","relation","road'
    '_distance_km","road_type","rows","school_status","sex","skills_trained","skills_year","sta'
    'tus","tap_water","toilet","transfer_income","village_id","wage_income","water_safe","year"'
    ',"一类","一般贫困户","东乡族","丧失劳动力","中专","中职","乡镇内","二类","交通条件落后","低保贫困户","保安族","健康","入股分红","公益岗位"'
    ',"其他","养殖","出生","分户","初中","务工","卫生厕所","县内","参军","合作社","回族","因学","因残","因灾","因病","土族","大专及以上'
    '","女","娶入/嫁入","嫁出","子","孙子女","学龄前","小学","已完成义务教育","已脱贫","弱劳动力或半劳动力","患有大病","户主","户籍登记","技能'
    '劳动力","撒拉族","收养","文盲或半文盲","无","无劳动力","普通劳动力","普通泥土路","服刑","未入学","未脱贫","本科及以上","柴草","死亡","残疾'
    '","水泥路","汉族","沥青路","沼气","清退","煤炭","燃气","父母","特困供养(五保)贫困户","电","电商","男","省内","省外","砂石路","种植'
    '","简易卫生厕所","缺劳力","缺土地","缺技术","缺水","缺资金","自身发展动力不足","蒙古族","藏族","裕固族","辍学","迁入","迁出","返贫","送'
    '教上门","配偶","长期慢性病","非在校","高中","高职大专",false,null,true'
).encode()
