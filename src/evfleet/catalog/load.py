"""Load the technology catalog, city data and national policy, and apply a case's overrides.

Overrides are shallow: a case's `vehicles.<model>` mapping replaces the fields it names in the
catalog record (or defines a new model); the merged record is validated with the catalog schema,
and every problem is reported at the case line of the override.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel, ValidationError

from evfleet.document import Document, read_yaml, schema_problems
from evfleet.catalog import profiles
from evfleet.catalog.schema import ChargerModel, City, Policy, Solar, Storage, VehicleModel
from evfleet.errors import InputError, InputProblem

TECHNOLOGY_FILES = ("vehicles", "chargers", "solar", "storage")


class Overrides(Protocol):
    """What a case may override in the catalog (the case schema's fields of the same names)."""

    catalog: str | None  # a folder of the case's own catalog files, relative to the case file
    vehicles: dict[str, dict]
    chargers: dict[str, dict]
    solar: dict
    storage: dict
    cities: dict[str, dict]


@dataclass(frozen=True)
class Catalog:
    """Everything a case draws on besides itself, overrides applied."""

    vehicles: dict[str, VehicleModel]
    chargers: dict[str, ChargerModel]
    solar: Solar
    storage: Storage
    cities: dict[str, City]
    policy: Policy
    pv_years: dict[str, np.ndarray]  # city -> (365, 24) PV output per kWp, Beijing time
    sources: dict[str, str]  # file kind -> path it was read from


def shipped_path(name: str) -> Path:
    """Path of a file of the shipped catalog (inside the installed package)."""
    return Path(str(files("evfleet.models").joinpath(name)))


def _validate(cls: type[BaseModel], data: Any, doc: Document, loc: tuple,
              problems: list[InputProblem], override: dict | None = None,
              case_doc: Document | None = None, case_loc: tuple = ()) -> Any:
    """Validate one merged record. An error is reported in the case file when the field came
    from the case's override (or the whole record is new there), else in the catalog file."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        in_catalog = schema_problems(doc, exc, cls, loc)
        in_case = schema_problems(case_doc, exc, cls, case_loc) if override is not None else None
        record_is_new = override is not None and len(data) == len(override)
        for err, cat_p, i in zip(errors, in_catalog, range(len(errors))):
            top = err["loc"][0] if err["loc"] else None
            from_case = in_case is not None and (record_is_new or top is None or top in override)
            problems.append(in_case[i] if from_case else cat_p)
        return None


def _records(doc: Document, cls: type[BaseModel], problems: list[InputProblem],
             overrides: dict[str, dict], case_doc: Document, case_key: str) -> dict[str, Any]:
    """Validate a {name: record} file merged with the case's overrides of the same kind."""
    out = {}
    names = list(doc.data) + [n for n in overrides if n not in doc.data]
    for name in names:
        base = doc.data.get(name, {})
        if not isinstance(base, dict):
            problems.append(doc.problem((name,), "expected a mapping of fields"))
            continue
        override = overrides.get(name)
        if override is not None and not isinstance(override, dict):
            problems.append(case_doc.problem((case_key, name), "expected a mapping of fields"))
            continue
        merged = {**base, **(override or {})}
        rec = _validate(cls, merged, doc, (name,), problems, override, case_doc, (case_key, name))
        if rec is not None:
            out[name] = rec
    return out


@functools.lru_cache(maxsize=16)
def _shipped_doc(name: str, what: str) -> Document:
    """A shipped file, parsed once per process (sweeps load the catalog for every variant).
    Callers never modify a Document's data: overrides are merged into new dicts."""
    return read_yaml(shipped_path(name), what)


def _technology_doc(case: Overrides, case_doc: Document, kind: str,
                    problems: list[InputProblem]) -> Document | None:
    if case.catalog is None:
        return _shipped_doc(f"{kind}.yaml", "catalog file")
    folder = Path(case_doc.source(("catalog",)).path).parent / case.catalog
    if not folder.is_dir():
        problems.append(case_doc.problem(("catalog",), f"expected a catalog folder, "
                                         f"'{folder}' does not exist"))
        return None
    own = folder / f"{kind}.yaml"
    return read_yaml(own, "catalog file") if own.exists() else _shipped_doc(f"{kind}.yaml",
                                                                             "catalog file")


def load_catalog(case: Overrides, case_doc: Document) -> Catalog:
    """The catalog, cities and policy for `case`, with its overrides; all problems at once."""
    problems: list[InputProblem] = []
    docs: dict[str, Document | None] = {}
    for kind in TECHNOLOGY_FILES:
        try:
            docs[kind] = _technology_doc(case, case_doc, kind, problems)
        except InputError as exc:
            problems.extend(exc.problems)
            docs[kind] = None
    if any(d is None for d in docs.values()):
        raise InputError(problems)

    vehicles = _records(docs["vehicles"], VehicleModel, problems, case.vehicles, case_doc, "vehicles")
    chargers = _records(docs["chargers"], ChargerModel, problems, case.chargers, case_doc, "chargers")
    solar = _validate(Solar, {**docs["solar"].data, **case.solar}, docs["solar"], (), problems,
                      case.solar, case_doc, ("solar",))
    storage = _validate(Storage, {**docs["storage"].data, **case.storage}, docs["storage"], (),
                        problems, case.storage, case_doc, ("storage",))
    city_doc = _shipped_doc("cities.yaml", "city data")
    cities = _records(city_doc, City, problems, case.cities, case_doc, "cities")
    policy_doc = _shipped_doc("policy.yaml", "policy file")
    policy = _validate(Policy, policy_doc.data, policy_doc, (), problems)
    if problems:
        raise InputError(problems)

    pv = _pv_for_overrides(profiles.read_shipped_pv(shipped_path("pv_hourly.csv")), cities,
                           city_doc.data)
    return Catalog(vehicles, chargers, solar, storage, cities, policy, pv,
                   {k: d.path for k, d in docs.items()})


def _pv_for_overrides(shipped_pv: dict[str, np.ndarray], cities: dict[str, City],
                      shipped: dict[str, Any]) -> dict[str, np.ndarray]:
    """PV years of new or relocated cities from pvlib (cached); rescaled where only the yield
    changed; as shipped otherwise."""
    out = {}
    for key, city in cities.items():
        base = shipped.get(key)
        if base is None or (base["lat"], base["lon"]) != (city.lat, city.lon):
            out[key] = profiles.cached_pv_year(city.lat, city.lon, city.pv_kwh_per_kwp)
        else:
            out[key] = shipped_pv[key] * (city.pv_kwh_per_kwp / base["pv_kwh_per_kwp"])
    return out
