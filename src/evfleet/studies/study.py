"""A study file (spec §6): which parameters move, how, and which design combines them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from evfleet.document import Document, read_yaml, schema_problems
from evfleet.errors import InputError, InputProblem
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


# A scenario's name is its variant's folder in the study folder, so it must be one plain folder
# name: letters (any script), digits, '_' and '-', up to 64, no '.', so never a path ('..', '/')
# nor a file of the study folder (results.csv, sweep.json, ...); nor a name the design gives.
SCENARIO_NAME = re.compile(r"\w[\w-]{0,63}")
GENERATED_NAMES = ("base", "cap-free")  # design.BASE and the frontier's cap-free plan


def scenario_name_problems(study: Study, doc: Document) -> list[InputProblem]:
    """Each scenario name that cannot be its own folder, or that names the same folder as
    another variant on a case-insensitive file system."""
    problems, seen = [], {n: "the design's own variant" for n in GENERATED_NAMES}
    for name in study.scenarios:
        if not SCENARIO_NAME.fullmatch(name):
            problems.append(doc.problem(("scenarios", name), f"expected a scenario name of "
                            "letters, digits, '_' and '-' (at most 64, no '.', '/' or spaces: it "
                            f"names the variant's folder), got {name!r}"))
        elif name.casefold() in seen:
            problems.append(doc.problem(("scenarios", name), f"expected a name of its own, "
                            f"'{name}' names the same folder as {seen[name.casefold()]}"))
        seen.setdefault(name.casefold(), f"scenario '{name}'")
    return problems


def load_study(path: str | Path) -> tuple[Study, Document]:
    """Read and validate a study file; every problem located in it (raises InputError)."""
    doc = read_yaml(path, "study file")
    try:
        study = Study.model_validate(doc.data)
    except ValidationError as exc:
        raise InputError(schema_problems(doc, exc, Study)) from None
    problems = scenario_name_problems(study, doc)
    if problems:
        raise InputError(problems)
    return study, doc
