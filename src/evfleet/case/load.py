"""Read a case file: YAML or a workbook, depots from tables, merged over what it `extends`,
validated against the case schema (document.py keeps the lines for every problem)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from evfleet.case.schema import Case
from evfleet.document import Document, read_yaml, schema_problems, shown
from evfleet.errors import InputError
from evfleet.yearly import is_year_map


def merge_data(base: Any, change: Any) -> Any:
    """`extends` (spec §4): mappings merge key by key; a year map ({year: value}), a number or a
    list replaces the base's value as a whole: a year map is never merged year by year, where a
    base year the change leaves out would silently bend the change's interpolation."""
    if isinstance(base, dict) and isinstance(change, dict) and not is_year_map(change):
        out = dict(base)
        for key, value in change.items():
            out[key] = merge_data(base[key], value) if key in base else value
        return out
    return change


def _read_one(path: str | Path) -> Document:
    """One case file: YAML, or a whole-case workbook; `depots_table` read into `depots`."""
    from evfleet.case.tables import read_case_workbook, read_tables

    p = Path(path)
    if p.suffix.lower() == ".xlsx" and p.is_file():
        data, cells = read_case_workbook(p)
        return Document(str(path), None, data, cells=cells)
    doc = read_yaml(path)
    if "depots_table" not in doc.data:
        return doc
    table = doc.data["depots_table"]
    if "depots" in doc.data:
        raise InputError([doc.problem(("depots_table",), "expected either depots or depots_table, "
                                      "got both")])
    source = p.parent / str(table)
    if not isinstance(table, str) or not (source.is_dir() or source.suffix.lower() == ".xlsx"
                                          and source.is_file()):
        raise InputError([doc.problem(("depots_table",), f"expected an .xlsx workbook or a folder "
                                      f"of CSV files, '{source}' is neither")])
    depots, cells = read_tables(source)
    data = {k: v for k, v in doc.data.items() if k != "depots_table"}
    data["depots"] = depots
    return Document(doc.path, doc.tree, data, cells=cells)


def read_case(path: str | Path, chain: tuple[Path, ...] = ()) -> Document:
    """A case file, merged over the cases it `extends` (a path relative to the file)."""
    doc = _read_one(path)
    if "extends" not in doc.data:
        return doc
    target = doc.data["extends"]
    if not isinstance(target, str) or not target:
        raise InputError([doc.problem(("extends",), f"expected the path of a base case, "
                                      f"got {shown(target)}")])
    base_path = Path(doc.path).parent / target
    here = Path(doc.path).resolve()
    if base_path.resolve() in (*chain, here):
        names = " -> ".join(p.name for p in (*chain, here, base_path.resolve()))
        raise InputError([doc.problem(("extends",), f"a cycle of extends: {names}")])
    if not base_path.is_file():
        raise InputError([doc.problem(("extends",), f"base case '{base_path}' not found")])
    base = read_case(base_path, (*chain, here))
    own = {k: v for k, v in doc.data.items() if k != "extends"}
    return Document(doc.path, doc.tree, merge_data(base.data, own), base, doc.cells)


class SchemaError(InputError):
    """A case file the schema refuses: its problems, the Document and the location of each
    error, so that the front door can still check what the errors leave valid."""

    def __init__(self, problems: list, doc: Document, locs: list[tuple]):
        super().__init__(problems)
        self.doc, self.locs = doc, locs


def load_case(path: str | Path) -> tuple[Case, Document]:
    """Read and validate a case file: the Case and its Document (for locating later problems)."""
    doc = read_case(path)
    try:
        case = Case.model_validate(doc.data)
    except ValidationError as exc:
        raise SchemaError(schema_problems(doc, exc, Case), doc,
                          [tuple(e["loc"]) for e in exc.errors()]) from None
    return case, doc
