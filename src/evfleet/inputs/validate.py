"""Cross-reference problems of a case against its catalog, all gathered before anything is
resolved: names that must exist, years that must be in the horizon, sizes that must fit. Each
problem is located at the case line that causes it."""

from __future__ import annotations

import difflib

from evfleet.case.schema import Case
from evfleet.catalog.load import Catalog
from evfleet.document import Document
from evfleet.errors import InputProblem
from evfleet.catalog.repdays import HOURS_PER_DAY
from evfleet.inputs.fleet import leg_km, range_km
from evfleet.yearly import by_year

ROOF_TOLERANCE_KW = 1e-9  # pv_kw may equal the roof's capacity up to float rounding


def cross_reference_problems(case: Case, catalog: Catalog, doc: Document) -> list[InputProblem]:
    """Every problem of names, years and sizes in `case`; empty when it resolves."""
    problems = _case_problems(case, catalog, doc)
    seen: set[str] = set()
    for i, dp in enumerate(case.depots):
        if dp.id in seen:
            problems.append(doc.problem(("depots", i, "id"), f"duplicate depot id '{dp.id}'"))
        seen.add(dp.id)
        problems += _depot_problems(case, catalog, doc, i)
    return problems


def _case_problems(case: Case, catalog: Catalog, doc: Document) -> list[InputProblem]:
    problems = []
    if case.city not in catalog.cities:
        problems.append(doc.problem(("city",), _unknown_city(case.city, catalog)))
    problems += _class_problems(case, catalog, doc)
    problems += _subsidy_problems(case, catalog, doc)
    problems += _trade_in_problems(catalog, doc)
    # a year map may name years outside the horizon: interpolation defines the years inside
    return problems


def _subsidy_problems(case: Case, catalog: Catalog, doc: Document) -> list[InputProblem]:
    """A subsidy above the model's price in some year of the horizon would be a gift per
    purchase the model cannot see (the net price is never below 0): refused, never clipped."""
    years = range(case.start_year, case.end_year + 1)
    problems = []
    for kind, models in (("vehicles", catalog.vehicles), ("chargers", catalog.chargers)):
        for j, model in models.items():
            price, subsidy = by_year(model.price_cny, years), by_year(model.subsidy_cny, years)
            over = [y for y in years if subsidy[y] > price[y] + 1e-9]
            if over:
                y = over[0]
                problems.append(doc.problem((kind, j, "subsidy_cny"), f"expected a subsidy of at "
                                            f"most the price ({price[y]:,.0f} CNY in {y}), got "
                                            f"{subsidy[y]:,.0f}"))
    return problems


def _trade_in_problems(catalog: Catalog, doc: Document) -> list[InputProblem]:
    """A model's trade_in_class names a class of policy.yaml's trade-in scheme."""
    classes = catalog.policy.trade_in.classes
    return [doc.problem(("vehicles", j, "trade_in_class"), unknown("trade-in class", v.trade_in_class, classes))
            for j, v in catalog.vehicles.items()
            if v.trade_in_class is not None and v.trade_in_class not in classes]


def _class_problems(case: Case, catalog: Catalog, doc: Document) -> list[InputProblem]:
    """Vehicle classes a case names for chargers and public charging exist in the catalog (a
    misspelt class would leave a charger that fits nothing)."""
    known = {v.vehicle_class for v in catalog.vehicles.values()}
    named = [(("chargers", q, "classes", n), c) for q, over in case.chargers.items()
             for n, c in enumerate((over or {}).get("classes") or [])]
    named += [(("public_charging", "classes", n), c)
              for n, c in enumerate(case.public_charging.classes or [])]
    return [doc.problem(loc, unknown("vehicle class", c, known)) for loc, c in named
            if c not in known]


def _depot_problems(case: Case, catalog: Catalog, doc: Document, i: int) -> list[InputProblem]:
    dp = case.depots[i]
    problems = []
    if dp.city is not None and dp.city not in catalog.cities:
        problems.append(doc.problem(("depots", i, "city"), _unknown_city(dp.city, catalog)))
    names: set[str] = set()
    for n, duty in enumerate(dp.duties):
        if duty.name in names:
            problems.append(doc.problem(("depots", i, "duties", n, "name"),
                                        f"duplicate duty name '{duty.name}' in depot '{dp.id}'"))
            continue
        names.add(duty.name)
        problems += _duty_problems(case, catalog, doc, i, n)
    for n, ch in enumerate(dp.chargers):
        if ch.model not in catalog.chargers:
            problems.append(doc.problem(("depots", i, "chargers", n, "model"),
                                        unknown("charger model", ch.model, catalog.chargers)))
        elif ch.installed > case.start_year:
            problems.append(doc.problem(("depots", i, "chargers", n, "installed"),
                                        f"expected a year <= start_year {case.start_year}, "
                                        f"got {ch.installed}"))
    roof_kw = dp.roof_m2 * catalog.solar.kw_per_m2
    if dp.pv_kw > roof_kw + ROOF_TOLERANCE_KW:
        problems.append(doc.problem(("depots", i, "pv_kw"), f"expected at most the roof's "
                                    f"{roof_kw:g} kW ({dp.roof_m2:g} m2 x "
                                    f"{catalog.solar.kw_per_m2:g} kW/m2), got {dp.pv_kw:g}"))
    if dp.pv_mode == "surplus_export" and not case.allow_export:
        problems.append(doc.problem(("depots", i, "pv_mode"), "expected self_use or no pv_mode: "
                                    "the case sets allow_export: false, so no depot exports"))
    if dp.grid_upgrade and dp.grid_upgrade.max_kw < dp.grid_kw:
        problems.append(doc.problem(("depots", i, "grid_upgrade", "max_kw"), f"expected at least "
                                    f"grid_kw {dp.grid_kw:g} (max_kw is the connection after "
                                    f"upgrade), got {dp.grid_upgrade.max_kw:g}"))
    return problems


def _duty_problems(case: Case, catalog: Catalog, doc: Document, i: int,
                   n: int) -> list[InputProblem]:
    duty = case.depots[i].duties[n]
    loc = ("depots", i, "duties", n)
    vehicles = catalog.vehicles
    classes = sorted({v.vehicle_class for v in vehicles.values()})
    if duty.vehicle_class not in classes:
        return [doc.problem(loc + ("vehicle_class",),
                            unknown("vehicle class", duty.vehicle_class, classes))]
    problems = []
    usable = catalog.policy.usable_battery_share
    if not any(v.vehicle_class == duty.vehicle_class
               and (v.energy != "electricity" or range_km(v, usable) >= leg_km(duty))
               for v in vehicles.values()):
        problems.append(doc.problem(loc + ("vehicle_class",), f"no catalog model of class "
                                    f"'{duty.vehicle_class}' can serve {duty.daily_km:g} km a day"))
    if duty.top_up and duty.top_up.start_hour + duty.top_up.hours > HOURS_PER_DAY:
        problems.append(doc.problem(loc + ("top_up", "hours"), f"expected a window ending by "
                                    f"midnight, at most {HOURS_PER_DAY - duty.top_up.start_hour} "
                                    f"h from start_hour {duty.top_up.start_hour}, got "
                                    f"{duty.top_up.hours}"))
    for f, entry in enumerate(duty.fleet):
        floc = loc + ("fleet", f)
        if entry.model not in vehicles:
            problems.append(doc.problem(floc + ("model",),
                                        unknown("vehicle model", entry.model, vehicles)))
        elif vehicles[entry.model].vehicle_class != duty.vehicle_class:
            problems.append(doc.problem(floc + ("model",), f"expected a model of class "
                                        f"'{duty.vehicle_class}', got '{entry.model}' "
                                        f"({vehicles[entry.model].vehicle_class})"))
        elif entry.bought > case.start_year:
            problems.append(doc.problem(floc + ("bought",), f"expected a year <= start_year "
                                        f"{case.start_year}, got {entry.bought}"))
    return problems


def _unknown_city(name: str, catalog: Catalog) -> str:
    return unknown("city", name, catalog.cities)


def city_key(name: str | None, catalog: Catalog) -> str | None:
    """The catalog's key for a city as a planner may write it: the key, its English name in any
    case ('Chengdu', 'CHENGDU') or its Chinese name ('成都'); the name unchanged when none
    matches (validation then names it)."""
    if name is None or name in catalog.cities:
        return name
    wanted = name.strip().casefold()
    for key, city in catalog.cities.items():
        if wanted in (key.casefold(), (city.name or "").casefold(), (city.name_zh or "").strip()):
            return key
    return name


def with_city_keys(case: Case, catalog: Catalog) -> Case:
    """The case with every city (the case's and each depot's) written as its catalog key."""
    depots = [dp if dp.city is None or dp.city in catalog.cities
              else dp.model_copy(update={"city": city_key(dp.city, catalog)})
              for dp in case.depots]
    return case.model_copy(update={"city": city_key(case.city, catalog), "depots": depots})


def unknown(what: str, name: str, known) -> str:
    """'unknown <what> <name>' with the closest known name, or the list of known names."""
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else f"; expected one of {', '.join(sorted(known))}"
    return f"unknown {what} '{name}'{hint}"
