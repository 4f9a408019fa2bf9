"""Designs: the variants a study asks for, each a set of path -> value changes to the case.

- oat (one at a time): the base case, then each parameter at each of its points, the others at
  their base values; the tornado chart compares each parameter's lowest and highest point.
- grid: every combination of the parameters' points.
- lhs: a Latin hypercube of `samples` points (scipy.stats.qmc, seeded: same seed, same samples);
  ranges are sampled continuously, `values` by stratum, `scale` between its smallest and largest.
- scenarios: the base case, then each named set of changes.
- frontier: the case without its carbon cap, then caps at shares of that plan's emissions
  (the caps are known only after the first solve: see sweep.frontier_variants).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

from scipy.stats import qmc

from evfleet.studies.paths import PathError, get_value, scaled
from evfleet.studies.study import ParameterSpec, Study

BASE = "base"


@dataclass(frozen=True)
class Variant:
    """One solve of a study: `changes` (path -> value set in the case) and, for the results
    table, `settings` (path -> the number shown: the value set, or the factor for a scaled map)."""

    name: str
    changes: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    loc: tuple = ()  # where in the study file it comes from, for error reports


@dataclass(frozen=True)
class Parameter:
    path: str
    spec: ParameterSpec
    base: Any  # the case's value (None: not set in the case)

    def value(self, point: Any) -> tuple[Any, Any]:
        """(value set in the case, number shown) for one point of the spec."""
        if self.spec.scale is None:
            return point, point
        if self.base is None:
            raise PathError("scale needs a value in the case or the catalog to multiply")
        value = scaled(self.base, point)
        return value, (value if isinstance(value, float) else point)

    @property
    def shown_base(self) -> Any:
        """The number the results table shows for this parameter at its base value."""
        if self.spec.scale is not None:
            return self.value(1.0)[1]
        return self.base if isinstance(self.base, (int, float)) else None

    def is_base(self, point: Any) -> bool:
        if self.spec.scale is not None:
            return point == 1.0
        return self.base is not None and point == self.base


def parameters(study: Study, data: dict, catalog: dict, years: list[int]) -> list[Parameter]:
    """The study's parameters with their base values; PathError names the first bad path."""
    out = []
    for path, spec in study.parameters.items():
        try:
            base = get_value(data, catalog, path, years)
        except PathError:
            if spec.scale is not None:
                raise
            base = None  # set by the study where the case leaves it out (e.g. budget_cny)
        out.append(Parameter(path, spec, base))
    return out


def _label(point: Any, i: int) -> str:
    if isinstance(point, bool) or not isinstance(point, (int, float)):
        return f"#{i + 1}"
    return number_label(point)


def number_label(x: float) -> str:
    """A number as a label that tells every two values apart: whole numbers as integers, others
    as Python's shortest repr that reads back to the same double (5000000 and 5000001 stay
    distinct where `:g` gave 5e+06 twice; so do 0.3 and 0.1 + 0.2)."""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x)).replace("+", "")


MAX_GRID_NAME = 120  # characters of a grid variant's name (a folder: 255 bytes at most)


def grid_keys(paths: list[str]) -> dict[str, str]:
    """How a grid variant's name calls each parameter: its last key (`diesel_cny_per_l`), or the
    whole path where two parameters share a last key (`depots.a.roof_m2`, `depots.b.roof_m2`)."""
    last = [p.split(".")[-1] for p in paths]
    return {p: key if last.count(key) == 1 else p for p, key in zip(paths, last)}


def variants(study: Study, params: list[Parameter]) -> list[Variant]:
    """Every variant of the study in a fixed order (names are stable: they key the resume)."""
    if study.design == "oat":  # every row shows every parameter: the others at base
        base = {p.path: p.shown_base for p in params}
        out = [Variant(BASE, {}, base)]
        for p in params:
            for i, point in enumerate(p.spec.points()):
                if p.is_base(point):
                    continue
                value, shown = p.value(point)
                out.append(Variant(f"{p.path}={_label(point, i)}", {p.path: value},
                                   {**base, p.path: shown}, ("parameters", p.path)))
        return out
    if study.design == "grid":
        out = []
        grids = [list(enumerate(p.spec.points())) for p in params]
        short = grid_keys([p.path for p in params])
        width = len(str(math.prod(len(g) for g in grids)))
        for n, combo in enumerate(itertools.product(*grids), start=1):
            changes, settings = {}, {}
            for p, (i, point) in zip(params, combo):
                changes[p.path], settings[p.path] = p.value(point)
            name = ",".join(f"{short[p.path]}={_label(point, i)}"
                            for p, (i, point) in zip(params, combo))
            if len(name) > MAX_GRID_NAME:  # a folder name; results.csv still shows each value
                name = f"g{n:0{width}d}"
            out.append(Variant(name, changes, settings, ("parameters",)))
        return out
    if study.design == "lhs":
        return _lhs(study, params)
    if study.design == "scenarios":
        out = [Variant(BASE)]
        for name, changes in study.scenarios.items():
            out.append(Variant(name, dict(changes), dict(changes), ("scenarios", name)))
        return out
    return [Variant("cap-free", {"carbon_cap_t": None}, {"cap_share": None}, ("design",))]


def _lhs(study: Study, params: list[Parameter]) -> list[Variant]:
    sampler = qmc.LatinHypercube(d=len(params), rng=study.seed)
    unit = sampler.random(study.samples)
    width = len(str(study.samples))
    out = []
    for n, row in enumerate(unit, start=1):
        changes, settings = {}, {}
        for p, u in zip(params, row):
            s = p.spec
            if s.values is not None:
                point = s.values[min(int(u * len(s.values)), len(s.values) - 1)]
            elif s.scale is not None:
                point = float(min(s.scale) + u * (max(s.scale) - min(s.scale)))
            else:
                point = float(s.low + u * (s.high - s.low))
            changes[p.path], settings[p.path] = p.value(point)
        out.append(Variant(f"s{n:0{width}d}", changes, settings, ("parameters",)))
    return out


def frontier_variants(study: Study, free_emissions_t: dict[int, float]) -> list[Variant]:
    """Caps at shares of the cap-free plan's yearly emissions, from just below 1 down to
    `lowest_share` in `points` equal steps."""
    f = study.frontier
    out = []
    for i in range(1, f.points + 1):
        share = round(1 - (1 - f.lowest_share) * i / f.points, 6)
        cap = {y: round(e * share, 6) for y, e in sorted(free_emissions_t.items())}
        out.append(Variant(f"cap-{share:.3f}", {"carbon_cap_t": cap}, {"cap_share": share},
                           ("frontier",)))
    return out
