"""A study file (spec §6): which parameters move, how, and which design combines them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from evfleet.document import Document, read_yaml, schema_problems
from evfleet.errors import InputError
from evfleet.schema_types import Strict

Number = Field(allow_inf_nan=False)


class ParameterSpec(Strict):
    """How one parameter moves: listed `values`, a range `low`..`high` in `steps` (default 3;
    Latin hypercube samples the range continuously), or `scale` factors on the case's value."""

    values: list[Any] | None = Field(default=None, min_length=1)
    low: float | None = Field(default=None, allow_inf_nan=False)
    high: float | None = Field(default=None, allow_inf_nan=False)
    steps: int | None = Field(default=None, ge=2, le=1000)
    scale: list[float] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_kind(self) -> "ParameterSpec":
        kinds = [self.values is not None, self.low is not None or self.high is not None,
                 self.scale is not None]
        if sum(kinds) != 1:
            raise ValueError("expected exactly one of values, low/high or scale")
        if kinds[1] and (self.low is None or self.high is None):
            raise ValueError("expected both low and high")
        if kinds[1] and self.low >= self.high:
            raise ValueError(f"expected low < high, got {self.low} and {self.high}")
        if self.steps is not None and not kinds[1]:
            raise ValueError("steps goes with low/high")
        return self

    def points(self) -> list[Any]:
        """The values a grid or one-at-a-time design visits, or the scale factors."""
        if self.values is not None:
            return list(self.values)
        if self.scale is not None:
            return list(self.scale)
        steps = self.steps or 3
        return [round(self.low + (self.high - self.low) * i / (steps - 1), 12) for i in range(steps)]


class Frontier(Strict):
    """design: frontier. The case is first solved without its carbon cap; then each year's cap is
    set to a share of that plan's emissions, from 1 down to `lowest_share` in `points` steps."""

    points: int = Field(default=6, ge=1, le=200)
    lowest_share: float = Field(default=0.5, gt=0, lt=1, allow_inf_nan=False)


class Study(Strict):
    design: Literal["oat", "grid", "lhs", "scenarios", "frontier"]
    samples: int | None = Field(default=None, ge=1, le=100_000)
    seed: int = Field(default=0, ge=0)
    parameters: dict[str, ParameterSpec] = {}
    scenarios: dict[str, dict[str, Any]] = {}
    frontier: Frontier = Frontier()

    @model_validator(mode="after")
    def _complete(self) -> "Study":
        if self.design in ("oat", "grid", "lhs") and not self.parameters:
            raise ValueError(f"design {self.design} needs at least one entry under parameters")
        if self.design == "lhs" and self.samples is None:
            raise ValueError("design lhs needs samples")
        if self.design == "scenarios" and not self.scenarios:
            raise ValueError("design scenarios needs at least one entry under scenarios")
        return self


def load_study(path: str | Path) -> tuple[Study, Document]:
    """Read and validate a study file; every problem located in it (raises InputError)."""
    doc = read_yaml(path, "study file")
    try:
        return Study.model_validate(doc.data), doc
    except ValidationError as exc:
        raise InputError(schema_problems(doc, exc, Study)) from None
