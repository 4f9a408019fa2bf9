"""The one table of labels every writer uses: a column, a per-year figure or a sheet as a planner
reads it, in English and in Chinese, with its unit and its number format.

A column not in COLUMNS is shown by its name with '_' as spaces (never silently dropped); a test
keeps every column of the plan tables in the table.
"""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "zh")


@dataclass(frozen=True)
class Label:
    en: str
    zh: str
    unit: str | None = None  # shown after the label: "Capital spend (CNY)"
    number_format: str = "General"  # Excel's


CNY, KW, KWH, T, SHARE, COUNT = "#,##0", "#,##0.0", "#,##0", "#,##0.0", "0.0%", "0"

COLUMNS: dict[str, Label] = {
    # keys of every table
    "depot": Label("Depot", "站点"), "duty": Label("Duty", "运营任务"),
    "model": Label("Model", "车型/设备型号"), "year": Label("Year", "年份", None, "0"),
    "energy": Label("Energy", "能源"), "day": Label("Representative day", "典型日"),
    "hour": Label("Hour", "小时", None, "0"), "charger": Label("Charger model", "充电设备型号"),
    "category": Label("Category", "类别"), "source": Label("Source", "来源"),
    "rule": Label("Rule", "规则"), "reason": Label("Reason", "原因"), "": Label("", ""),
    "supply": Label("Supply", "补能方式"), "classes": Label("Vehicle classes", "适用车类"),
    # counts
    "count": Label("Vehicles", "车辆数", None, COUNT),
    "bought": Label("Bought in", "购置年份", None, "0"),
    "installed": Label("Chargers in service", "在用充电设备", None, COUNT),
    "added": Label("Chargers added", "新增充电设备", None, COUNT),
    "vehicles": Label("Vehicles", "车辆数", None, COUNT),
    # money
    "capex_cny": Label("Capital spend", "投资支出", "CNY", CNY),
    "opex_cny": Label("Operating cost", "运营成本", "CNY", CNY),
    "value_cny": Label("Sale or residual value", "残值/售价", "CNY", CNY),
    "cost_cny": Label("Cost a year", "年成本", "CNY", CNY),
    "cny": Label("Amount", "金额", "CNY", CNY),
    "discounted_cny": Label("Discounted amount", "折现金额", "CNY", CNY),
    "price_cny_per_kwh": Label("Energy price", "电价", "CNY/kWh", "0.000"),
    # energy and power
    "kwh": Label("Energy a year", "年电量", "kWh", KWH),
    "weight_days": Label("Days it stands for", "代表天数", "days", "0"),
    "days": Label("Peak", "高峰", "days", "0"),
    "need": Label("Vehicles needed", "日常所需车辆", None, COUNT),
    "on_road": Label("Vehicles in the peak", "高峰所需车辆", None, COUNT),
    "owned": Label("Owned in service", "自有在用车辆", None, COUNT),
    "rented_combustion": Label("Rented, diesel or petrol", "短租燃油车", None, COUNT),
    "rented_electric": Label("Rented, electric", "短租电动车", None, COUNT),
    "rental_cny": Label("Rental with energy", "短租费用（含能源）", "CNY", CNY),
    "month": Label("Month", "月份", None, "0"),
    "temperature_c": Label("Daytime temperature", "日间气温", "°C", "0.0"),
    "charge_kw": Label("Charging", "充电功率", "kW", KW),
    "building_kw": Label("Building load", "建筑负荷", "kW", KW),
    "grid_kw": Label("Grid import", "电网取电", "kW", KW),
    "pv_output_kw": Label("PV output", "光伏出力", "kW", KW),
    "pv_used_kw": Label("PV used on site", "光伏自用", "kW", KW),
    "export_kw": Label("PV exported", "光伏上网", "kW", KW),
    "storage_charge_kw": Label("Storage charging", "储能充电", "kW", KW),
    "storage_discharge_kw": Label("Storage discharging", "储能放电", "kW", KW),
    "storage_soc_kwh": Label("Storage state of charge", "储能电量", "kWh", KW),
    "connection_kw": Label("Grid connection", "接入容量", "kW", KW),
    "added_kw": Label("Added", "新增", "kW", KW),
    "peak_kw": Label("Yearly peak", "年度最大需量", "kW", KW),
    "demand_charged": Label("Demand charge applies", "按需量计费"),
    "pv_kw": Label("PV in service", "光伏装机", "kW", KW),
    "pv_category": Label("PV category (NEA 2025)", "光伏项目类型（2025年办法）"),
    "pv_mode": Label("PV mode", "光伏上网模式"),
    "exported_kwh": Label("PV exported", "光伏上网电量", "kWh", KWH),
    "export_revenue_cny": Label("Export revenue", "上网电费收入", "CNY", CNY),
    "storage_kwh": Label("Storage in service", "储能容量", "kWh", KWH),
    "added_kwh": Label("Added", "新增", "kWh", KWH),
    "depot_charged_kwh": Label("Charged at depots", "场站充电量", "kWh", KWH),
    "public_kwh": Label("Charged in public", "公共充电量", "kWh", KWH),
    "swap_kwh": Label("Battery swap", "换电电量", "kWh", KWH),
    # emissions and compliance
    "t": Label("Emissions", "排放", "t CO2", T),
    "emissions_t": Label("Emissions", "排放", "t CO2", T),
    "cap_t": Label("Carbon cap", "碳排放上限", "t CO2", T),
    "required": Label("Required", "要求值"), "achieved": Label("Achieved", "实际值"),
    "met": Label("Met", "是否达标"),
    # per-year figures of summary.json
    "ev_count": Label("Electric vehicles", "新能源车辆", None, COUNT),
    "ice_count": Label("Diesel and petrol vehicles", "燃油车辆", None, COUNT),
    "ev_share": Label("Electric share of the fleet", "新能源车辆占比", None, SHARE),
    "ev_share_of_fleet": Label("Electric share of the fleet", "新能源车辆占比", None, SHARE),
    "value": Label("Value", "数值"),
    "ev_share_of_purchases": Label("Electric share of purchases", "新购新能源占比", None, SHARE),
    "chargers": Label("Chargers in service", "在用充电设备", None, COUNT),
    # the depot sheet and section (results/depots.py)
    "ev_bought": Label("Electric vehicles bought, whole horizon", "规划期新购新能源车辆", None,
                       COUNT),
    "ice_bought": Label("Fuel vehicles bought, whole horizon", "规划期新购燃油车辆", None, COUNT),
    "vehicle_capex_cny": Label("Vehicle spend, whole horizon", "规划期购车支出", "CNY", CNY),
    "electricity_count": Label("Electric", "纯电", None, COUNT),
    "diesel_count": Label("Diesel", "柴油", None, COUNT),
    "gasoline_count": Label("Petrol", "汽油", None, COUNT),
}

SHEETS: dict[str, Label] = {
    "summary": Label("Summary", "摘要"), "fleet mix": Label("Fleet mix", "车队构成"),
    "emissions vs cap": Label("Emissions vs cap", "排放与上限"),
    "compliance": Label("Compliance", "合规"), "fleet": Label("Fleet", "车队"),
    "purchases": Label("Purchases", "购置"), "retirements": Label("Retirements", "退役"),
    "chargers": Label("Chargers", "充电设备"), "charging": Label("Charging", "补能"),
    "solar": Label("Solar", "光伏"), "storage": Label("Storage", "储能"),
    "grid": Label("Grid", "电网"), "costs": Label("Costs", "成本"),
    "emissions": Label("Emissions", "排放"), "excluded": Label("Excluded", "不可用组合"),
    "energy": Label("Energy by hour", "逐时能量"), "depots": Label("By depot", "分站点"),
    "peak": Label("Parcel peak", "业务高峰"),
}

# key figures of the summary sheet
KEY_FIGURES: dict[str, Label] = {
    "case": Label("Case", "方案"), "city": Label("City", "城市"),
    "status": Label("Status", "求解状态"),
    "objective_npv_cny": Label("Net present cost", "净现值成本", "CNY", CNY),
    "baseline_npv_cny": Label("Like-for-like net present cost", "同型替换净现值成本", "CNY", CNY),
    "saving_cny": Label("Saving against like-for-like", "较同型替换节省", "CNY", CNY),
    "mip_gap": Label("Proven within (gap)", "最优性间隙", None, "0.00%"),
    "solve_seconds": Label("Solve time", "求解时间", "s", "0.0"),
}

# columns of a study's results.xlsx (studies/sweep.py, results/analysis.py); a parameter's column
# keeps its path, which is what the study file names
STUDY_COLUMNS: dict[str, Label] = {
    "variant": Label("Variant", "方案变体"), "status": Label("Status", "求解状态"),
    "objective_npv_cny": Label("Net present cost", "净现值成本", "CNY", CNY),
    "baseline_npv_cny": Label("Like-for-like net present cost", "同型替换净现值成本", "CNY", CNY),
    "mip_gap": Label("Proven within (gap)", "最优性间隙", None, "0.00%"),
    "solve_seconds": Label("Solve time", "求解时间", "s", "0.0"),
    "build_seconds": Label("Build time", "建模时间", "s", "0.0"),
    "capex_cny": Label("Capital spend, whole horizon", "规划期投资支出", "CNY", CNY),
    "emissions_t": Label("Emissions, whole horizon", "规划期排放", "t CO2", T),
    "ev_share": Label("Electric share of the fleet, last year", "末年新能源车辆占比", None, SHARE),
    "model_reused": Label("Model re-used", "复用模型"),
    "from_earlier_run": Label("From an earlier run", "沿用先前结果"),
    "reason": Label("Reason", "原因"), "parameter": Label("Parameter", "参数"),
    "low_setting": Label("Lowest setting", "最低取值"),
    "high_setting": Label("Highest setting", "最高取值"),
    "npv_low_cny": Label("Net present cost at the lowest", "最低取值时净现值成本", "CNY", CNY),
    "npv_high_cny": Label("Net present cost at the highest", "最高取值时净现值成本", "CNY", CNY),
    "base_npv_cny": Label("Base net present cost", "基准净现值成本", "CNY", CNY),
    "swing_cny": Label("Swing", "变化幅度", "CNY", CNY),
    "abatement_cny_per_t": Label("Abatement cost", "减排成本", "CNY/t", CNY),
    "below": Label("Below", "以下"), "above": Label("Above", "以上"),
    "change": Label("What changes", "变化内容"),
}

# costs.csv's categories (results/extract.COST_CATEGORIES and the terminal value), as a
# planner reads them in the workbook's Costs sheet and the report's cash-flow chart
CATEGORIES: dict[str, Label] = {
    "capex_vehicles": Label("Vehicles bought", "车辆购置"),
    "purchase_tax": Label("Purchase tax", "车辆购置税"),
    "trade_in_subsidy": Label("Trade-in subsidy", "以旧换新补贴"),
    "capex_chargers": Label("Chargers", "充电设备"), "capex_pv": Label("Rooftop PV", "屋顶光伏"),
    "capex_storage": Label("Storage", "储能"), "capex_grid": Label("Grid upgrade", "电网扩容"),
    "resale": Label("Vehicles sold", "车辆出售"), "fuel": Label("Fuel", "燃油"),
    "maintenance": Label("Maintenance", "维修保养"),
    "public_charging": Label("Public charging", "公共充电"),
    "battery_swap": Label("Battery swap", "换电"), "peak_rental": Label("Peak rental", "高峰租车"),
    "electricity_energy": Label("Electricity (energy)", "电费（电量）"),
    "electricity_demand": Label("Electricity (demand charge)", "电费（需量）"),
    "export_revenue": Label("PV export revenue", "光伏上网收入"),
    "om_pv": Label("PV upkeep", "光伏运维"), "om_storage": Label("Storage upkeep", "储能运维"),
    "carbon": Label("Carbon price", "碳价"),
    "terminal_value": Label("Value left at the end", "期末残值"),
}


def category(key: str, lang: str = "en") -> str:
    """A cost category as a planner reads it ('capex_pv' -> 'Rooftop PV')."""
    return label(key, lang, CATEGORIES)


# words of the workbook that are no column: titles, axes, lines
TEXTS: dict[str, Label] = {
    "plan": Label("evfleet plan", "evfleet 规划方案"),
    "all_met": Label("Every rule is met in every year", "每年均满足所有规则"),
    "not_met": Label("not met", "未满足"), "required": Label("required", "要求"),
    "achieved": Label("achieved", "实际"), "like_for_like": Label("like-for-like", "同型替换"),
    "fleet_by_energy": Label("Fleet by energy", "按能源分车队"),
    "emissions_and_cap": Label("Emissions and carbon cap", "排放与碳排放上限"),
    "vehicles": Label("vehicles", "车辆"), "year": Label("year", "年份"),
    "print_last_year": Label("printed: {year} only; the sheet and energy.csv hold every year",
                             "打印范围：仅 {year} 年；本表与 energy.csv 含全部年份"),
    # the terminal plan (writers/terminal.py): templates filled with str.format
    "headline": Label("{case}: {status}, net present cost {npv} CNY",
                      "{case}：{status}，净现值成本 {npv}元"),
    "gap": Label(" (gap {gap})", "（间隙 {gap}）"),
    "saving": Label("like-for-like replacement would cost {base} CNY; this plan saves {saving} CNY",
                    "同型替换需 {base}元；本方案节省 {saving}元"),
    "buy": Label("buy {year}: {items}", "{year} 年购置：{items}"),
    "chargers_in": Label("chargers {year}: {items}", "{year} 年充电设备：{items}"),
    "charging_in": Label("charging {year}: {items}", "{year} 年补能：{items}"),
    "peak_in": Label("parcel peak {year}: {items}", "{year} 年业务高峰：{items}"),
    "peak_item": Label("{duty} {n} vehicles for {days} days ({owned} owned, {rented} rented)",
                       "{duty} {days} 天需 {n} 辆（自有 {owned}，短租 {rented}）"),
    "evs_on": Label("{n} EVs on {supply}", "{n} 辆用 {supply}"),
    "evs_public": Label("{n} EVs public", "{n} 辆公共充电"),
    "evs_swap": Label("{n} EVs swap", "{n} 辆换电"),
    "unmet_line": Label("not met {year}: {rule} required {required}, achieved {achieved}",
                        "{year} 年未满足：{rule} 要求 {required}，实际 {achieved}"),
    "reference": Label("for reference {year}: {ratio} depot chargers per electric vehicle (the "
                       "pilot cities' public and private ratio is about {required}:1)",
                       "参考 {year} 年：每辆新能源车 {ratio} 台场站充电设备（试点城市公共与私人"
                       "充电设施车桩比约 {required}:1）"),
    "written": Label("written to {out}/", "已写入 {out}/"),
    "optimal": Label("optimal", "最优"),
    # summary.json's "time_limit" (the contract's word): a plan outside the gap asked for, at a
    # time limit or, with lp-fix, farther than the gap from the LP bound
    "time_limit": Label("a plan not proven within the gap", "未证明达到最优间隙的方案"),
    "infeasible": Label("infeasible", "无可行方案"), "error": Label("error", "求解失败"),
    # the terminal plan's columns
    "t_year": Label("year", "年份"), "t_capex": Label("capex CNY", "投资"),
    "t_opex": Label("opex CNY", "运营"), "t_ev": Label("EV", "新能源"),
    "t_ice": Label("ICE", "燃油"), "t_ev_fleet": Label("EV % fleet", "车队占比"),
    "t_ev_bought": Label("EV % bought", "新购占比"), "t_chargers": Label("chargers", "充电设备"),
    "t_pv": Label("PV kW", "光伏 kW"), "t_storage": Label("stor kWh", "储能 kWh"),
    "t_co2": Label("CO2 t", "CO2 t"),
    # report.html's charts (writers/report.py)
    "c_carbon_cap": Label("carbon cap", "碳排放上限"),
    "c_capex_title": Label("Capital spend and budget", "投资支出与预算"),
    "c_capex": Label("capital spend", "投资支出"), "c_budget": Label("budget", "预算"),
    "c_costs_title": Label("Cash flows by category (undiscounted)", "按类别现金流（未折现）"),
    "c_building": Label("building", "建筑负荷"), "c_fleet_charging": Label("fleet charging", "车队充电"),
    "c_storage_charging": Label("storage charging", "储能充电"),
    "c_grid_import": Label("grid import", "电网取电"),
    "c_pv_storage": Label("PV used + storage discharge", "光伏自用 + 储能放电"),
    "c_tariff": Label("tariff", "电价"), "c_hour": Label("hour (Beijing time)", "小时（北京时间）"),
    # report.html (writers/report.py)
    "r_title": Label("Plan for {case}", "{case} 规划方案"),
    "r_cities": Label("cities", "城市"), "r_status": Label("status", "求解状态"),
    "r_npv": Label("net present cost", "净现值成本"),
    "r_baseline": Label("like-for-like net present cost", "同型替换净现值成本"),
    "r_gap": Label("MIP gap", "最优性间隙"), "r_charts": Label("Charts", "图表"),
    "r_years": Label("Year by year", "逐年"),
    "r_unmet": Label("Pilot rules, cap and budget not met", "未满足的试点规则、碳上限与预算"),
    "r_purchases": Label("Purchases", "购置"),
    "r_peak": Label("Parcel peak", "业务高峰"),
    "r_peak_note": Label("Each peak duty's vehicles on the road in its peak (Double 11, 618), those "
                         "it owns and those rented for the peak, and the rentals' cost with their "
                         "fuel or depot electricity.",
                         "各高峰运营任务在高峰期（双11、618）所需的车辆、自有在用车辆与短租车辆，"
                         "以及短租费用（含燃油或站内充电）。"),
    "r_depots": Label("Depot by depot", "分站点"),
    "r_depots_note": Label("Each depot in the last planning year ({year}): its fleet, chargers, "
                           "PV, storage, connection and emissions; purchases and vehicle spend "
                           "over the whole horizon.",
                           "各站点在规划末年（{year} 年）的车队、充电设备、光伏、储能、接入容量与"
                           "排放；整个规划期的购置与购车支出。"),
    "r_charging": Label("How the electric vehicles charge", "新能源车辆如何补能"),
    "r_charging_note": Label("Vehicles, kWh a year and cost by supply: a depot charger model (the "
                             "energy its chargers drew at the tariff), public stations (energy, "
                             "service fee, detours) or a battery-swap plan.",
                             "按补能方式的车辆数、年电量与成本：场站充电设备（按电价计的电量）、"
                             "公共充电站（电费、服务费、绕行）或换电套餐。"),
    "r_chargers_note": Label("Chargers in service in the last year, and the vehicle classes each "
                             "fits:", "规划末年在用充电设备及其适用车类："),
}


def text(key: str, lang: str = "en") -> str:
    """A word of TEXTS in `lang`."""
    return label(key, lang, TEXTS)


def label(key: str, lang: str = "en", table: dict[str, Label] = COLUMNS) -> str:
    """'capex_cny' -> 'Capital spend (CNY)' (or '投资支出 (CNY)'); an unknown key by its name."""
    found = table.get(key)
    if found is None:
        return key.replace("_", " ")
    text = found.zh if lang == "zh" else found.en
    return f"{text} ({found.unit})" if found.unit else text


def number_format(key: str, table: dict[str, Label] = COLUMNS) -> str:
    found = table.get(key)
    return found.number_format if found else "General"


def sheet_title(name: str, lang: str = "en") -> str:
    """A sheet's tab name (Excel: at most 31 characters)."""
    return label(name, lang, SHEETS)[:31]


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def day_label(month: int, weight_days: float, temperature_c: float, lang: str = "en") -> str:
    """A representative day as a planner reads it: 'a January day, -3 °C by day, for 62 days a
    year' (its code, such as r-0101, stays in energy.csv)."""
    if lang == "zh":
        return f"{month}月典型日，日间 {temperature_c:.0f} °C，代表每年 {weight_days:.0f} 天"
    return (f"a {MONTHS[month - 1]} day, {temperature_c:.0f} °C by day, for {weight_days:.0f} "
            "days a year")
