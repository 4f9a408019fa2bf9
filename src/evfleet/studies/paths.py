"""Parameters of a study, addressed by dotted paths into a case (spec §6).

`budget_cny`, `carbon_cap_t.2030`, `depots.nanshan-hub.roof_m2`,
`depots.nanshan-hub.duties.trunk.daily_km`, `cities.shenzhen.diesel_cny_per_l`,
`vehicles.e-light-truck.price_cny`, `solar.capex_cny_per_kw`.

- A list item is picked by its `id`, `name` or `model` (in that order), or by its position.
- A year under a yearly field (`carbon_cap_t.2030`) first expands the field to one value per
  planning year (spec §1's interpolation), so that setting 2030 changes 2030 alone.
- `cities`, `vehicles`, `chargers`, `solar` and `storage` are the case's catalog overrides: a value
  not overridden in the case is read from the catalog, and setting one adds an override.
- A case field the file leaves out (`public_charging.service_fee_cny_per_kwh`) has the case
  schema's default, and setting it adds it to the case.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from evfleet.case.schema import Case
from evfleet.yearly import by_year

CATALOG_SECTIONS = {"cities": True, "vehicles": True, "chargers": True,  # keyed by record name
                    "solar": False, "storage": False}                    # a single record
LIST_KEYS = ("id", "name", "model")


class PathError(ValueError):
    """A path that does not lead to a value of the case."""


def split(path: str) -> list[str]:
    parts = path.split(".")
    if not path or any(p == "" for p in parts):
        raise PathError("expected dotted keys such as cities.shenzhen.diesel_cny_per_l")
    return parts


def _year(part: str) -> int | None:
    return int(part) if part.isdigit() and len(part) == 4 else None


def _item(items: list, part: str, walked: str) -> int:
    for key in LIST_KEYS:
        for i, item in enumerate(items):
            if isinstance(item, Mapping) and str(item.get(key)) == part:
                return i
    if part.isdigit() and int(part) < len(items):
        return int(part)
    names = [str(item.get(k)) for item in items if isinstance(item, Mapping)
             for k in LIST_KEYS[:1 if "id" in item else 3] if k in item]
    raise PathError(f"no item '{part}' in {walked} (has: {', '.join(names) or 'none'})")


def _catalog_record(catalog: Mapping, section: str, name: str | None) -> dict:
    records = catalog.get(section, {})
    if name is None:
        return dict(records)
    if name not in records:
        raise PathError(f"no {section} entry '{name}' in the case or the catalog "
                        f"(has: {', '.join(sorted(records))})")
    return dict(records[name])


def _with_defaults(data: Mapping, parts: list[str]) -> Mapping:
    """The case data with the schema's default of the field a path starts at, if left out."""
    field = Case.model_fields.get(parts[0])
    if parts[0] in data or field is None or parts[0] in CATALOG_SECTIONS or field.is_required():
        return data
    default = field.get_default(call_default_factory=True)
    if hasattr(default, "model_dump"):
        default = default.model_dump()
    return {**data, parts[0]: copy.deepcopy(default)}


def get_value(data: Mapping, catalog: Mapping, path: str, years: list[int]) -> Any:
    """The value `path` names: in the case, else (catalog sections) in the catalog, else the
    case schema's default."""
    data = _with_defaults(data, split(path))
    node: Any = _with_catalog(data, catalog, split(path), years)
    for depth, part in enumerate(split(path)):
        node = _step(node, part, ".".join(split(path)[:depth]) or "the case", years)
    return node


def _step(node: Any, part: str, walked: str, years: list[int]) -> Any:
    if isinstance(node, list):
        return node[_item(node, part, walked)]
    if isinstance(node, Mapping):
        year = _year(part)
        if year is not None and year in node:
            return node[year]
        if year is not None and node and all(isinstance(k, int) for k in node):
            return by_year(node, [year])[year]
        if part in node:
            return node[part]
        raise PathError(f"no field '{part}' in {walked} (has: {', '.join(map(str, node))})")
    year = _year(part)
    if year is not None and isinstance(node, (int, float)):
        return node
    raise PathError(f"{walked} is a value, it has no field '{part}'")


def _with_catalog(data: Mapping, catalog: Mapping, parts: list[str], years: list[int]) -> dict:
    """The case data with the catalog record a path goes into filled in under its section."""
    section = parts[0]
    if section not in CATALOG_SECTIONS:
        return data
    keyed = CATALOG_SECTIONS[section]
    if keyed and len(parts) < 3 or not keyed and len(parts) < 2:
        raise PathError(f"expected {section}.<name>.<field>" if keyed else
                        f"expected {section}.<field>")
    out = dict(data)
    overrides = dict(out.get(section) or {})
    if keyed:
        name = parts[1]
        overrides[name] = {**_catalog_record(catalog, section, name), **(overrides.get(name) or {})}
    else:
        overrides = {**_catalog_record(catalog, section, None), **overrides}
    out[section] = overrides
    return out


def set_value(data: Mapping, catalog: Mapping, path: str, value: Any, years: list[int]) -> dict:
    """A copy of the case data with `path` set to `value` (see the module doc for the rules)."""
    parts = split(path)
    out = copy.deepcopy(dict(_with_defaults(data, parts)))
    section = parts[0]
    if section in CATALOG_SECTIONS:
        keyed = CATALOG_SECTIONS[section]
        # the override holds only the field set (shallow overrides, catalog.load), seeded from the
        # catalog when the path goes deeper than the field
        field_at = 2 if keyed else 1
        full = _with_catalog(data, catalog, parts, years)
        overrides = out.setdefault(section, {}) or {}
        out[section] = overrides
        record = overrides.setdefault(parts[1], {}) if keyed else overrides
        field = parts[field_at]
        if field not in record:
            source = full[section][parts[1]] if keyed else full[section]
            if field not in source:
                raise PathError(f"no field '{field}' in {'.'.join(parts[:field_at])} "
                                f"(has: {', '.join(sorted(source))})")
            record[field] = copy.deepcopy(source[field])
        _assign(record, parts[field_at:], value, ".".join(parts[:field_at]), years)
        return out
    _assign(out, parts, value, "the case", years)
    return out


def _assign(node: Any, parts: list[str], value: Any, walked: str, years: list[int]) -> None:
    """Set node[parts...] = value in place; parent containers must exist."""
    for depth, part in enumerate(parts[:-1]):
        child_key = _key(node, part, walked)
        child = node[child_key]
        nxt = parts[depth + 1]
        if _year(nxt) is not None and (isinstance(child, (int, float)) or _is_year_map(child)):
            child = by_year(child, years)  # expand so that one year changes alone
            node[child_key] = child
        node = child
        walked = f"{walked}.{part}" if walked != "the case" else part
    last = parts[-1]
    if isinstance(node, list):
        node[_item(node, last, walked)] = value
    elif isinstance(node, dict):
        year = _year(last)
        if year is not None and _is_year_map(node) and year not in years:
            raise PathError(f"expected a year of the planning horizon {years[0]}-{years[-1]}, "
                            f"got {year} (a year outside it changes nothing)")
        node[year if year is not None and _is_year_map(node) else last] = value
    else:
        raise PathError(f"{walked} is a value, it has no field '{last}'")


def _is_year_map(node: Any) -> bool:
    return isinstance(node, Mapping) and bool(node) and all(isinstance(k, int) for k in node)


def _key(node: Any, part: str, walked: str) -> Any:
    if isinstance(node, list):
        return _item(node, part, walked)
    if isinstance(node, dict):
        year = _year(part)
        if year is not None and year in node:
            return year
        if part in node:
            return part
        raise PathError(f"no field '{part}' in {walked} (has: {', '.join(map(str, node))})")
    raise PathError(f"{walked} is a value, it has no field '{part}'")


def scaled(value: Any, factor: float) -> Any:
    """`value` times `factor`: a number, or every entry of a {year: value} map."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Mapping)):
        raise PathError(f"expected a number or a {{year: number}} map to scale, got {value!r}")
    if isinstance(value, Mapping):
        return {k: scaled(v, factor) for k, v in value.items()}
    return float(value) * factor
