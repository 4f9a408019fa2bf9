"""The front door: a case -> checked Inputs, the same for `evfleet solve`, a sweep's variant and
one depot of a decomposed network."""

from __future__ import annotations

import dataclasses
import types
from dataclasses import dataclass
from pathlib import Path

from evfleet.case.load import SchemaError, load_case
from evfleet.case.schema import Case
from evfleet.catalog.load import load_catalog
from evfleet.document import Document, ItemsKept
from evfleet.errors import InputError, InputProblem
from evfleet.inputs.checks import certain_infeasibility
from evfleet.inputs.record import Inputs
from evfleet.inputs.resolver import resolve
from evfleet.inputs.validate import with_city_keys


def prepare(case: Case, doc: Document, day_cities: tuple[str, ...] | None = None) -> Inputs:
    """A validated Case -> Inputs, its catalog and overrides applied, checked for certain
    infeasibility (`Inputs.no_plan_because`). Raises InputError listing every problem found.

    `doc` locates problems (the case file's lines; a case built in memory has a Document of its
    plain data: `in_memory`). `day_cities`: see resolver.resolve."""
    catalog = load_catalog(case, doc)
    case = with_city_keys(case, catalog)
    inp = resolve(case, catalog, doc, day_cities)
    return dataclasses.replace(inp, no_plan_because=certain_infeasibility(case, inp, doc))


def in_memory(case: Case, path: str | Path) -> Document:
    """A Document for a case that exists only in memory (a variant, one depot of a network):
    problems name `path`, the file it came from, without lines."""
    return Document(str(path), None, case.model_dump())


@dataclass(frozen=True)
class Loaded:
    """A case file read and resolved: the Case, its Document (lines, the text kept with a run)
    and its checked Inputs."""

    case: Case
    doc: Document
    inputs: Inputs


def load(case_path: str | Path) -> Loaded:
    """Case file -> Loaded. Raises InputError listing every problem: when the schema fails
    inside some depots, the rest of the case is still checked, so that one run names them all."""
    try:
        case, doc = load_case(case_path)
    except SchemaError as exc:
        raise InputError(exc.problems + _problems_beyond_schema(exc)) from None
    return Loaded(case, doc, prepare(case, doc))


def _problems_beyond_schema(exc: SchemaError) -> list[InputProblem]:
    """The front door's problems (catalog, references, cross-field rules) of the case without
    the depots the schema refused; none when the schema failed outside the depots."""
    depots = exc.doc.data.get("depots") if isinstance(exc.doc.data, dict) else None
    bad = {loc[1] for loc in exc.locs if len(loc) > 1 and loc[0] == "depots"
           and isinstance(loc[1], int)}
    if not isinstance(depots, list) or not bad or any(
            not (len(loc) > 1 and loc[0] == "depots" and isinstance(loc[1], int))
            for loc in exc.locs):
        return []
    kept = tuple(i for i in range(len(depots)) if i not in bad)
    doc = exc.doc
    rest = ItemsKept(doc.path, doc.tree, doc.data, doc.base, doc.cells, "depots", kept)
    try:
        case = Case.model_validate({**doc.data, "depots": [depots[i] for i in kept]})
        prepare(case, rest)
    except InputError as more:
        return more.problems
    except ValueError:  # no depot left: the catalog and city overrides are still checked
        return _override_problems(doc)
    return []


def _override_problems(doc: Document) -> list[InputProblem]:
    """The catalog's problems with the case's overrides (`vehicles:`, `cities:`, ...), for a case
    whose every depot the schema refused; those fields passed the schema (_problems_beyond_schema)."""
    data = doc.data
    overrides = types.SimpleNamespace(catalog=data.get("catalog"), solar=data.get("solar") or {},
                                      storage=data.get("storage") or {},
                                      **{k: data.get(k) or {} for k in ("vehicles", "chargers", "cities")})
    try:
        load_catalog(overrides, doc)
    except InputError as more:
        return more.problems
    return []


def load_inputs(case_path: str | Path) -> Inputs:
    """Case file -> checked Inputs. Raises InputError listing every problem."""
    return load(case_path).inputs
