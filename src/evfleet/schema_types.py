"""Field types shared by the case and catalog schemas (pydantic v2, strict: no silent coercion)."""

from __future__ import annotations

from typing import Annotated, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag

# Loc items that name a branch of a tagged union; error reports drop them (see case.load).
NUMBER_TAG = "·number"
MAP_TAG = "·map"


class Strict(BaseModel):
    """Base of every schema: unknown keys rejected, values immutable, no type coercion."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


Year = Annotated[int, Field(ge=1990, le=2100)]
NonNegative = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, le=1e12, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
LifeYears = Annotated[int, Field(ge=1, le=60)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]


def _yearly_kind(value: object) -> str:
    return MAP_TAG if isinstance(value, dict) else NUMBER_TAG


# A number for every year, or {year: number} interpolated (evfleet.yearly).
Yearly = Annotated[
    Union[
        Annotated[NonNegative, Tag(NUMBER_TAG)],
        Annotated[dict[Year, NonNegative], Tag(MAP_TAG), Field(min_length=1)],
    ],
    Discriminator(_yearly_kind),
]
