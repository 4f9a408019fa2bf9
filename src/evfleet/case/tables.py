"""Cases in spreadsheets: depots, duties, fleet and chargers as tables, and whole-case workbooks.

A workbook (or a folder of CSV files named after the sheets) holds four tables, one row per item:

- depots:   id, city, roof_m2, grid_kw, grid_upgrade_max_kw, grid_upgrade_cost_cny_per_kw,
            grid_upgrade_fixed_cny, building_load_kw, max_storage_kwh, pv_kw
- duties:   depot, name, vehicle_class, daily_km, days_per_year, vehicles, growth
- fleet:    depot, duty, model, count, bought
- chargers: depot, model, count, installed

A case file takes them with `depots_table: depots.xlsx` (or a folder) instead of `depots:`. A whole
case can also be a workbook (`evfleet export-case`): a `case` sheet of field / value rows (maps such
as {2025: 2400, 2030: 900} written as YAML) and the four tables. Every value keeps the cell it came
from, so a problem is reported as file:sheet!cell.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from ruamel.yaml import YAML

from evfleet.errors import InputError, InputProblem

Loc = tuple[Any, ...]
Cells = dict[Loc, tuple[str, str]]  # case path -> (file, "sheet!cell" or CSV line)

COLUMNS = {
    "depots": ("id", "city", "roof_m2", "grid_kw", "grid_upgrade_max_kw",
               "grid_upgrade_cost_cny_per_kw", "grid_upgrade_fixed_cny", "building_load_kw",
               "max_storage_kwh", "pv_kw"),
    "duties": ("depot", "name", "vehicle_class", "daily_km", "days_per_year", "vehicles", "growth"),
    "fleet": ("depot", "duty", "model", "count", "bought"),
    "chargers": ("depot", "model", "count", "installed"),
}
UPGRADE = {"grid_upgrade_max_kw": "max_kw", "grid_upgrade_cost_cny_per_kw": "cost_cny_per_kw",
           "grid_upgrade_fixed_cny": "fixed_cny"}


def open_workbook(path: Path) -> tuple[Any, Any]:
    """The workbook twice, read-only: its saved values and its formulas (a formula cell whose
    value was never saved reads as empty: see sheet_rows). InputError for a file openpyxl cannot
    read (truncated, empty, another format)."""
    try:
        return (load_workbook(path, data_only=True, read_only=True),
                load_workbook(path, data_only=False, read_only=True))
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise InputError([InputProblem(str(path), None, "", "expected a readable .xlsx "
                                       f"workbook, got a file openpyxl cannot open "
                                       f"({type(exc).__name__})")]) from None


def sheet_rows(path: Path, books: tuple[Any, Any], sheet: str,
               problems: list[InputProblem]) -> list[tuple[int, list]]:
    """(row number, values) of a sheet; a formula without a saved value is a problem at its cell,
    never an empty cell (a roof of `=1000*3` silently dropped)."""
    values, formulas = books[0][sheet], books[1][sheet]
    rows = []
    for r, (row, source) in enumerate(zip(values.iter_rows(values_only=True),
                                          formulas.iter_rows(values_only=True)), start=1):
        row = list(row)
        for c, (v, f) in enumerate(zip(row, source)):
            if v is None and isinstance(f, str) and f.startswith("="):
                problems.append(InputProblem(str(path), f"{sheet}!{get_column_letter(c + 1)}{r}",
                                             "", f"formula {f[:40]} has no saved value: save "
                                             "the workbook in Excel or LibreOffice (which stores "
                                             "formula results) or type the number"))
        rows.append((r, row))
    return rows


def _rows_xlsx(path: Path, sheet: str, problems: list[InputProblem]):
    books = open_workbook(path)
    try:
        if sheet not in books[0].sheetnames:
            return None
        rows = sheet_rows(path, books, sheet, problems)
    finally:
        for book in books:
            book.close()
    return [(r, row, lambda c, r=r: f"{sheet}!{get_column_letter(c + 1)}{r}") for r, row in rows]


# CSV exports: UTF-8 (a byte-order mark, as Excel writes it, is dropped), else GB18030, the
# superset of GBK that Chinese Excel writes "CSV" in
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def _rows_csv(folder: Path, sheet: str, problems: list[InputProblem]):
    path = folder / f"{sheet}.csv"
    if not path.is_file():
        return None
    data = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        problems.append(InputProblem(str(path), None, "", "expected CSV text in UTF-8 (with or "
                                     "without BOM) or GB18030/GBK; save it as CSV UTF-8"))
        return []
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return [(r, row, lambda c, r=r: f"{r}") for r, row in enumerate(rows, start=1)]


def _number(text: Any) -> Any:
    """CSV cells are text: numbers become numbers, empty cells None, the rest stays text."""
    if not isinstance(text, str):
        return text
    text = text.strip()
    if text == "":
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def read_tables(source: Path) -> tuple[list[dict], Cells]:
    """The depots (as the case's `depots:` list) from a workbook or CSV folder, and the cell of
    every value. Raises InputError for missing sheets, unknown columns and dangling references."""
    problems: list[InputProblem] = []
    is_csv = source.is_dir()
    reader = _rows_csv if is_csv else _rows_xlsx
    tables: dict[str, list[tuple[dict, dict]]] = {}
    for sheet, columns in COLUMNS.items():
        file = str(source / f"{sheet}.csv") if is_csv else str(source)
        rows = reader(source, sheet, problems)
        if rows is None:
            if sheet in ("depots", "duties"):
                problems.append(InputProblem(str(source), None, sheet, "sheet is missing"))
            tables[sheet] = []
            continue
        if not rows:
            tables[sheet] = []
            continue
        _, header, where = rows[0]
        names = [str(h).strip() if h is not None else "" for h in header]
        for c, name in enumerate(names):
            if name and name not in columns:
                problems.append(InputProblem(file, where(c), f"{sheet}.{name}",
                                             f"unknown column; expected {', '.join(columns)}"))
        out = []
        for r, row, where in rows[1:]:
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            values, cells = {}, {}
            for c, name in enumerate(names):
                if name in columns and c < len(row):
                    v = _number(row[c]) if is_csv else row[c]
                    if v is not None:
                        values[name] = v
                        cells[name] = (file, where(c))
            cells[""] = (file, where(0))
            out.append((values, cells))
        tables[sheet] = out
    if problems:
        raise InputError(problems)
    return _assemble(tables)


def _assemble(tables) -> tuple[list[dict], Cells]:
    problems: list[InputProblem] = []
    depots, cells = [], {}
    index: dict[str, int] = {}
    for values, where in tables["depots"]:
        i = len(depots)
        depot = {k: v for k, v in values.items() if k not in UPGRADE}
        upgrade = {UPGRADE[k]: v for k, v in values.items() if k in UPGRADE}
        if upgrade:
            depot["grid_upgrade"] = upgrade
        depot["duties"], depot["chargers"] = [], []
        depots.append(depot)
        index.setdefault(str(values.get("id")), i)
        cells[("depots", i)] = where[""]
        for k, cell in where.items():
            if k in UPGRADE:
                cells[("depots", i, "grid_upgrade", UPGRADE[k])] = cell
            elif k:
                cells[("depots", i, k)] = cell

    def owner(values, where, sheet) -> int | None:
        d = index.get(str(values.get("depot")))
        if d is None:
            file, cell = where.get("depot", where[""])
            problems.append(InputProblem(file, cell, f"{sheet}.depot",
                                         f"no depot '{values.get('depot')}' in the depots sheet"))
        return d

    duty_index: dict[tuple[int, str], int] = {}
    for values, where in tables["duties"]:
        d = owner(values, where, "duties")
        if d is None:
            continue
        n = len(depots[d]["duties"])
        duty = {k: v for k, v in values.items() if k != "depot"}
        duty["fleet"] = []
        depots[d]["duties"].append(duty)
        duty_index.setdefault((d, str(values.get("name"))), n)
        cells[("depots", d, "duties", n)] = where[""]
        cells.update({("depots", d, "duties", n, k): c for k, c in where.items() if k and k != "depot"})
    for values, where in tables["fleet"]:
        d = owner(values, where, "fleet")
        if d is None:
            continue
        n = duty_index.get((d, str(values.get("duty"))))
        if n is None:
            file, cell = where.get("duty", where[""])
            problems.append(InputProblem(file, cell, "fleet.duty", f"no duty '{values.get('duty')}' "
                                         f"at depot '{values.get('depot')}' in the duties sheet"))
            continue
        fleet = depots[d]["duties"][n]["fleet"]
        f = len(fleet)
        fleet.append({k: v for k, v in values.items() if k not in ("depot", "duty")})
        cells[("depots", d, "duties", n, "fleet", f)] = where[""]
        cells.update({("depots", d, "duties", n, "fleet", f, k): c for k, c in where.items()
                      if k and k not in ("depot", "duty")})
    for values, where in tables["chargers"]:
        d = owner(values, where, "chargers")
        if d is None:
            continue
        c = len(depots[d]["chargers"])
        depots[d]["chargers"].append({k: v for k, v in values.items() if k != "depot"})
        cells[("depots", d, "chargers", c)] = where[""]
        cells.update({("depots", d, "chargers", c, k): cell for k, cell in where.items()
                      if k and k != "depot"})
    if problems:
        raise InputError(problems)
    return depots, cells


def _flow(value: Any) -> Any:
    """A case value as one cell: scalars as they are, maps and lists as YAML flow text."""
    if isinstance(value, (dict, list)):
        yaml = YAML()
        yaml.default_flow_style = True
        yaml.width = 10_000
        buf = io.StringIO()
        yaml.dump(value, buf)
        return buf.getvalue().strip().removesuffix("...").strip()
    return value


def write_case_workbook(case: dict, path: Path) -> None:
    """A whole case as a workbook: the `case` sheet and the four tables."""
    wb = Workbook()
    ws = wb.active
    ws.title = "case"
    ws.append(["field", "value"])
    for key, value in case.items():
        if key not in ("depots", "depots_table"):
            ws.append([key, _flow(value)])
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 60
    sheets = {name: wb.create_sheet(name) for name in COLUMNS}
    for name, columns in COLUMNS.items():
        sheets[name].append(list(columns))
    for depot in case.get("depots", []):
        row = {**{k: v for k, v in depot.items() if k not in ("duties", "chargers", "grid_upgrade")},
               **{f"grid_upgrade_{k}" if f"grid_upgrade_{k}" in UPGRADE else k: v
                  for k, v in (depot.get("grid_upgrade") or {}).items()}}
        sheets["depots"].append([row.get(c) for c in COLUMNS["depots"]])
        for ch in depot.get("chargers", []):
            sheets["chargers"].append([depot["id"], ch.get("model"), ch.get("count"), ch.get("installed")])
        for duty in depot.get("duties", []):
            sheets["duties"].append([depot["id"], *[duty.get(c) for c in COLUMNS["duties"][1:]]])
            for f in duty.get("fleet", []):
                sheets["fleet"].append([depot["id"], duty["name"], f.get("model"), f.get("count"),
                                        f.get("bought")])
    for ws in sheets.values():
        ws.freeze_panes = "A2"
        for c in range(1, ws.max_column + 1):
            ws.column_dimensions[get_column_letter(c)].width = 16
    wb.save(path)


def read_case_workbook(path: Path) -> tuple[dict, Cells]:
    """A whole-case workbook: the case's data and the cell of every value."""
    books = open_workbook(path)
    problems: list[InputProblem] = []
    try:
        if "case" not in books[0].sheetnames:
            raise InputError([InputProblem(str(path), None, "", "expected a 'case' sheet of "
                                           "field / value rows")])
        rows = sheet_rows(path, books, "case", problems)
    finally:
        for book in books:
            book.close()
    data, cells = {}, {}
    yaml = YAML(typ="safe")
    yaml.version = (1, 2)
    for r, row in rows:
        if r == 1 or not row or row[0] is None:
            continue
        key, value = str(row[0]).strip(), row[1] if len(row) > 1 else None
        if isinstance(value, str) and value.strip()[:1] in "{[":
            try:
                value = yaml.load(value)
            except Exception:  # noqa: BLE001 - any YAML error is the user's cell
                problems.append(InputProblem(str(path), f"case!B{r}", key,
                                             "expected a YAML map or list, e.g. {2025: 2400}"))
                continue
        data[key] = value
        cells[(key,)] = (str(path), f"case!B{r}")
    if problems:
        raise InputError(problems)
    depots, depot_cells = read_tables(path)
    data["depots"] = depots
    return data, {**cells, **depot_cells}
