"""The summary of a run (summary.json), one typed record for every route to a plan: a single
model, LP-and-fix, a decomposed network, a sweep's variant, a case with no plan."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from evfleet.solver.highs import Status


@dataclass(frozen=True)
class Summary:
    """What summary.json holds; fields left None are not written."""

    case: str
    status: Status
    cities: tuple[str, ...] | None = None  # the depots' cities, English and Chinese, most depots first
    objective_npv_cny: float | None = None
    mip_gap: float | None = None
    bound_npv_cny: float | None = None  # a proven lower bound of the NPV
    build_seconds: float | None = None  # the model built and handed to HiGHS
    solve_seconds: float | None = None
    pyomo_build_seconds: float | None = None
    handoff_seconds: float | None = None
    model_reused: bool | None = None  # a sweep's worker moved right-hand sides instead
    strategy: str | None = None  # direct | lp-fix
    method: str | None = None  # how the plan was found when not as one model
    model: dict[str, int] | None = None  # variables, integers, constraints
    conflicts: tuple[str, ...] | None = None  # why there is no plan, in a planner's words
    diagnosis_seconds: float | None = None  # the solves that found those words
    per_year: dict[str, dict] | None = None  # results.summary.per_year
    baseline: dict | None = None  # the like-for-like plan: status, NPV, per_year
    decomposition: dict | None = None  # bound, prices and rounds of a decomposed solve
    study: dict | None = None  # the sweep's record of the variant (studies/sweep.py)

    @property
    def has_plan(self) -> bool:
        """A plan was found: a status that can carry one (optimal, time_limit) and its NPV (a time
        limit reached before HiGHS found any plan has none)."""
        return self.status.has_plan and self.objective_npv_cny is not None

    @property
    def baseline_npv_cny(self) -> float | None:
        return (self.baseline or {}).get("objective_npv_cny")

    def replace(self, **changes: Any) -> "Summary":
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict:
        """Plain data for summary.json, in field order, without the fields not set."""
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None and f.default is None:
                continue
            out[f.name] = (value.value if isinstance(value, Status) else
                           list(value) if isinstance(value, tuple) else value)
        return out

    @classmethod
    def from_json(cls, data: dict) -> "Summary":
        """A summary.json read back; fields it does not know are an error (ValueError)."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown or "case" not in data or "status" not in data:
            raise ValueError(f"not an evfleet summary (fields {', '.join(unknown) or 'missing'})")
        values = dict(data, status=Status(data["status"]))
        for key in ("conflicts", "cities"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        return cls(**values)
