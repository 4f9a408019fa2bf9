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


def _rows_xlsx(path: Path, sheet: str, problems: list[InputProblem]):
    wb = load_workbook(path, data_only=True, read_only=True)
    if sheet not in wb.sheetnames:
        return None
    rows = []
    for r, row in enumerate(wb[sheet].iter_rows(values_only=True), start=1):
        rows.append((r, list(row)))
    wb.close()
    return [(r, row, lambda c, r=r: f"{sheet}!{get_column_letter(c + 1)}{r}") for r, row in rows]


def _rows_csv(folder: Path, sheet: str, problems: list[InputProblem]):
    path = folder / f"{sheet}.csv"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
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
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise InputError([InputProblem(str(path), None, "", f"not a readable .xlsx workbook "
                                       f"({type(exc).__name__})")]) from None
    if "case" not in wb.sheetnames:
        wb.close()
        raise InputError([InputProblem(str(path), None, "", "expected a 'case' sheet of field / "
                                       "value rows")])
    data, cells = {}, {}
    yaml = YAML(typ="safe")
    yaml.version = (1, 2)
    problems = []
    for r, row in enumerate(wb["case"].iter_rows(values_only=True), start=1):
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
    wb.close()
    if problems:
        raise InputError(problems)
    depots, depot_cells = read_tables(path)
    data["depots"] = depots
    return data, {**cells, **depot_cells}
