"""Read YAML documents keeping line numbers, and turn every schema error into an InputProblem.

YAML is read as YAML 1.2 with ruamel (round-trip mode, for line numbers). Validation errors from
pydantic carry a `loc` path; :class:`Document` maps it back to the file line and a field name such
as ``depots[0].duties[1].daily_km``.
"""

from __future__ import annotations

import difflib
import math
import re
import stat
import typing
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, ReusedAnchorWarning, YAMLError

from evfleet.errors import InputError, InputProblem
from evfleet.schema_types import MAP_TAG, NUMBER_TAG

Loc = tuple[Any, ...]


@dataclass(frozen=True)
class Document:
    """A parsed YAML file: its path as the user wrote it, the line-aware tree and plain data.

    A case that `extends` another has the base's Document as `base`; its `data` is the merge of
    both, and every location is reported in the file that wrote the value there.
    """

    path: str
    tree: Any  # ruamel CommentedMap / CommentedSeq with .lc line info
    data: Any  # the content as plain dict / list / scalars (merged with the base's, if any)
    base: "Document | None" = None
    cells: dict | None = None  # path -> (file, "sheet!cell") for values read from spreadsheets

    def _cell(self, loc: Loc) -> tuple[str, str] | None:
        """The spreadsheet cell of the longest prefix of `loc` read from a table, if any."""
        if not self.cells:
            return None
        for n in range(len(loc), 0, -1):
            if tuple(loc[:n]) in self.cells:
                return self.cells[tuple(loc[:n])]
        return None

    def _walk(self, loc: Loc) -> tuple[float, int | None]:
        """(how much of `loc` this file writes, the 1-based line of its deepest node there).
        A list written here replaces the base's whole list: everything below it is this file's."""
        if self._cell(loc) is not None:
            return math.inf, None
        node, line = self.tree, 1 if isinstance(self.tree, CommentedMap) else None
        depth: float = 0
        for part in loc:
            if isinstance(node, CommentedMap) and part in node:
                line = node.lc.key(part)[0] + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
                line = node.lc.item(part)[0] + 1
                node = node[part]
            else:
                break
            depth += 1
            if isinstance(node, CommentedSeq) and depth < len(loc):
                depth = math.inf
        return depth, line

    def source(self, loc: Loc) -> "Document":
        """The file that wrote the value at `loc`: the deepest match, this file on a tie."""
        if self.base is None:
            return self
        other = self.base.source(loc)
        return self if self._walk(loc)[0] >= other._walk(loc)[0] else other

    def line(self, loc: Loc) -> int | None:
        """1-based line of the deepest node of `loc` present in the file that wrote it."""
        return self.source(loc)._walk(loc)[1]

    def field(self, loc: Loc) -> str:
        """Dotted name of `loc` as a planner reads it: ``depots[0].duties[1].daily_km``."""
        text, node = "", self.data
        for part in loc:
            if isinstance(node, list) and isinstance(part, int):
                text += f"[{part}]"
            else:
                text += f".{part}" if text else str(part)
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                node = None
        return text

    def problem(self, loc: Loc, message: str) -> InputProblem:
        src = self.source(loc)
        cell = src._cell(loc)
        if cell is not None:
            return InputProblem(cell[0], cell[1], self.field(loc), message)
        return InputProblem(src.path, src._walk(loc)[1], self.field(loc), message)


@dataclass(frozen=True)
class ItemsKept(Document):
    """A Document for the data with only some items of one top-level list kept (the depots that
    passed the schema, checked further while the others are reported): a location in the kept
    data, ("depots", n, ...), is reported where item kept[n] is in the file."""

    key: str = "depots"
    kept: tuple[int, ...] = ()

    def original(self, loc: Loc) -> Loc:
        if len(loc) > 1 and loc[0] == self.key and isinstance(loc[1], int) \
                and 0 <= loc[1] < len(self.kept):
            return (self.key, self.kept[loc[1]], *loc[2:])
        return tuple(loc)

    def line(self, loc: Loc) -> int | None:
        return super().line(self.original(loc))

    def problem(self, loc: Loc, message: str) -> InputProblem:
        return super().problem(self.original(loc), message)


# Limits on what a file may hold (README, "Limits"): beyond them a file is refused with one line,
# never read until memory runs out. A case of 1,500 depots is about 2 MB and 100,000 values.
MAX_FILE_BYTES = 50_000_000  # 50 MB of YAML text
MAX_VALUES = 1_000_000  # values after YAML aliases are expanded (an alias bomb grows without end)
MAX_DEPTH = 64  # nesting of mappings and lists
MAX_STRING_CHARS = 100_000  # one string (an id, a name, a path)
MAX_INT_DIGITS = 4_299  # Python reads no longer integer from text (sys.get_int_max_str_digits)


LONG_DIGITS = re.compile(r"(?<![\w.])[+-]?\d{%d,}(?![\w.])" % (MAX_INT_DIGITS + 1))


class LimitError(ValueError):
    """A file beyond one of the limits above, at `loc` (the path of keys and indexes)."""

    def __init__(self, message: str, loc: Loc = ()):
        super().__init__(message)
        self.loc = loc


def plain(node: Any) -> Any:
    """ruamel round-trip nodes -> plain Python values (dict, list, str, int, float, bool, None),
    within the limits above (LimitError names the first one passed, and where)."""
    return _plain(node, (), [MAX_VALUES])


def _plain(node: Any, loc: Loc, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise LimitError(f"expected at most {MAX_VALUES:,} values, got more (YAML aliases "
                         "expanding without end?)", loc[:1])
    if len(loc) > MAX_DEPTH:
        raise LimitError(f"expected mappings and lists nested at most {MAX_DEPTH} deep", loc[:8])
    tag = getattr(getattr(node, "tag", None), "value", None)
    if isinstance(node, TaggedScalar) or (tag and tag.startswith("!") and not tag.startswith("!!")):
        raise LimitError(f"YAML tags are not part of the case format, got {tag} "
                         f"{getattr(node, 'value', '')!s:.40}", loc)
    if isinstance(node, dict):
        return {_plain(k, loc, budget): _plain(v, (*loc, k), budget) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v, (*loc, i), budget) for i, v in enumerate(node)]
    if isinstance(node, bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        if len(node) > MAX_STRING_CHARS:
            raise LimitError(f"expected a string of at most {MAX_STRING_CHARS:,} characters, "
                             f"got {len(node):,}", loc)
        return str(node)
    return node


def _read_text(p: Path, shown: str, what: str) -> str:
    """The file's text: a regular file (no FIFO, device or link loop), at most MAX_FILE_BYTES,
    UTF-8 (a byte-order mark is dropped)."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputError([InputProblem(shown, None, "", f"{what} not found")]) from None
    except OSError as exc:  # a loop of symbolic links, a path through a file
        raise InputError([InputProblem(shown, None, "", f"cannot read: {exc.strerror}")]) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError([InputProblem(shown, None, "", f"expected a {what}, got a directory")])
    if not stat.S_ISREG(st.st_mode):
        raise InputError([InputProblem(shown, None, "", f"expected a {what} (a regular file), "
                                       "got a pipe, socket or device")])
    if st.st_size > MAX_FILE_BYTES:
        raise InputError([InputProblem(shown, None, "", f"expected a {what} of at most "
                                       f"{MAX_FILE_BYTES // 1_000_000} MB, got "
                                       f"{st.st_size / 1e6:,.0f} MB")])
    try:
        with open(p, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError([InputProblem(shown, None, "", f"cannot read: {exc.strerror}")]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError([InputProblem(shown, line, "", "expected UTF-8 text, got bytes in "
                                       "another encoding (save the file as UTF-8)")]) from None


def read_yaml(path: str | Path, what: str = "case file") -> Document:
    """Parse one YAML file; every way it can fail becomes one InputProblem."""
    shown = str(path)
    text = _read_text(Path(path), shown, what)
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ReusedAnchorWarning)
            tree = yaml.load(text)
        reused = [w for w in caught if issubclass(w.category, ReusedAnchorWarning)]
        if reused:
            raise InputError([reused_anchor_problem(shown, str(reused[0].message))])
    except RecursionError:
        raise InputError([InputProblem(shown, None, "", f"expected mappings and lists nested "
                                       f"at most {MAX_DEPTH} deep")]) from None
    except ValueError as exc:  # Python refuses to read an integer of 4,300 digits and more
        if "digits" not in str(exc):
            raise
        raise InputError([InputProblem(shown, _long_integer_line(text), "", "expected an "
                                       f"integer of at most {MAX_INT_DIGITS} digits")]) from None
    except MarkedYAMLError as exc:
        line, reason = syntax_problem(exc)
        raise InputError([InputProblem(shown, line, "", f"YAML syntax error: {reason}")]) from None
    except YAMLError as exc:
        raise InputError([InputProblem(shown, None, "", f"YAML error: {exc}")]) from None
    if tree is None:
        raise InputError([InputProblem(shown, None, "", f"the {what} is empty")])
    if not isinstance(tree, CommentedMap):
        got = "list" if isinstance(tree, list) else type(tree).__name__
        raise InputError([InputProblem(shown, 1, "", f"expected a mapping of fields, got {got}")])
    try:
        data = plain(tree)
    except LimitError as exc:
        raise InputError([Document(shown, tree, {}).problem(exc.loc, str(exc))]) from None
    except RecursionError:
        raise InputError([InputProblem(shown, None, "", f"expected mappings and lists nested "
                                       f"at most {MAX_DEPTH} deep")]) from None
    return Document(shown, tree, data)


def reused_anchor_problem(shown: str, message: str) -> InputProblem:
    """ruamel only warns of an anchor defined twice (the second wins); the case format refuses it,
    at the second definition, since an alias could mean either."""
    name = re.search(r"duplicate anchor '([^']*)'", message)
    lines = [int(n) for n in re.findall(r"line: (\d+)\)", message)]
    return InputProblem(shown, lines[-1] if lines else None, "", "YAML syntax error: the anchor "
                        f"'&{name.group(1) if name else '?'}' is defined twice"
                        + (f" (first at line {lines[0]})" if len(lines) > 1 else "")
                        + "; give each anchor its own name")


def syntax_problem(exc: MarkedYAMLError) -> tuple[int | None, str]:
    """The line a planner must fix and what is wrong there. The parser notices an unclosed quote
    at the end of the file and an unclosed '{' or '[' on a later line; both are reported at the
    line where they were opened, with the line where the parser noticed."""
    problem, context = (exc.problem or "").strip(), (exc.context or "").strip()
    at = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
    opened = exc.context_mark.line + 1 if exc.context_mark is not None else None
    if "quoted scalar" in context and opened is not None:
        return opened, "a quoted text opened on this line is never closed"
    if "flow mapping" in context and opened is not None:
        return opened, f"a '{{' opened on this line is not closed ({problem} at line {at})"
    if "flow sequence" in context and opened is not None:
        return opened, f"a '[' opened on this line is not closed ({problem} at line {at})"
    if "duplicate key" in problem:
        key = problem.split('"')[1] if problem.count('"') >= 2 else "a key"
        return at, f"the key '{key}' is given twice in one mapping"
    if "another document" in problem:
        return at, "expected one YAML document, found a second (a '---' line)"
    if "mapping values are not allowed" in problem:
        return at, ("a ':' where no key may start (is this line indented like its neighbours, "
                    "or does a value hold ': ' without quotes?)")
    return at if at is not None else opened, problem or context or "invalid YAML"


def _long_integer_line(text: str) -> int | None:
    """The line of the first run of more than MAX_INT_DIGITS digits, or None."""
    match = LONG_DIGITS.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _model_at(cls: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The schema class whose fields are valid at `loc` (for 'did you mean' suggestions)."""

    def first_model(annotation: Any) -> type[BaseModel] | None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        for arg in typing.get_args(annotation):
            found = first_model(arg)
            if found is not None:
                return found
        return None

    current: type[BaseModel] | None = cls
    for part in loc:
        if current is None:
            return None
        if isinstance(part, str) and part in current.model_fields:
            current = first_model(current.model_fields[part].annotation)
    return current


def _expected(err: dict[str, Any]) -> str:
    kind, ctx = err["type"], err.get("ctx", {})
    simple = {
        "missing": "required field is missing",
        "float_type": "expected a number", "float_parsing": "expected a number",
        "int_type": "expected a whole number", "int_parsing": "expected a whole number",
        "int_from_float": "expected a whole number",
        "finite_number": "expected a finite number",
        "bool_type": "expected true or false", "bool_parsing": "expected true or false",
        "string_type": "expected text", "dict_type": "expected a mapping",
        "list_type": "expected a list", "tuple_type": "expected a list",
        "model_type": "expected a mapping of fields", "model_attributes_type": "expected a mapping of fields",
    }
    if kind in simple:
        return simple[kind]
    if kind == "greater_than_equal":
        return f"expected a value >= {_num(ctx['ge'])}"
    if kind == "greater_than":
        return f"expected a value > {_num(ctx['gt'])}"
    if kind == "less_than_equal":
        return f"expected a value <= {_num(ctx['le'])}"
    if kind == "less_than":
        return f"expected a value < {_num(ctx['lt'])}"
    if kind == "string_pattern_mismatch":
        return "expected lower-case letters, digits and '-'"
    if kind == "literal_error":
        return f"expected one of {ctx['expected']}"
    if kind in ("too_short", "too_long"):
        return f"expected {ctx.get('min_length', 1)} to {ctx.get('max_length', 'any number of')} items"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    return err["msg"]


def _num(value: Any) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def shown(value: Any) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, float):
        return format(value, ".15g")
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _field_loc(err: dict) -> Loc:
    """A pydantic error's location without pydantic's own tags; an unknown key ends its location
    as the user wrote it, even a key spelt like a tag ('[key]')."""
    loc = tuple(err["loc"])
    own = loc[-1:] if err["type"] == "extra_forbidden" else ()
    body = loc[:-1] if own else loc
    return tuple(p for p in body if p not in (NUMBER_TAG, MAP_TAG, "[key]")) + own


def schema_problems(doc: Document, exc: ValidationError, cls: type[BaseModel],
                    prefix: Loc = (), data: Any = None) -> list[InputProblem]:
    """One InputProblem per pydantic error, with line, field and an 'expected ..., got ...'. A
    required field reported missing beside a misspelt key that names it ('gird_kw', did you mean
    'grid_kw'?) is one problem, the misspelling, not two."""
    errors = [(_field_loc(err), err) for err in exc.errors(include_url=False)]
    suggested = {}  # (parent loc, suggested field) -> the misspelt key's loc
    for loc, err in errors:
        if err["type"] == "extra_forbidden":
            parent = _model_at(cls, loc[:-1])
            close = difflib.get_close_matches(str(loc[-1]), sorted(parent.model_fields)
                                              if parent else [], n=1)
            if close:
                suggested[(loc[:-1], close[0])] = loc
    missing = {loc for loc, err in errors if err["type"] == "missing"}
    problems = []
    for loc, err in errors:
        if err["type"] == "extra_forbidden":
            close = [field for (parent, field), at in suggested.items() if at == loc]
            hint = f" (did you mean '{close[0]}'?" if close else ""
            if close:
                required = loc[:-1] + (close[0],) in missing
                hint += " it is required)" if required else ")"
            message = f"unknown field{hint}"
        elif err["type"] == "missing":
            if (loc[:-1], loc[-1]) in suggested:
                continue
            message = _expected(err)
        else:
            message = f"{_expected(err)}, got {shown(err.get('input'))}"
            if err["type"] == "value_error" and "got" in _expected(err):
                message = _expected(err)
        problems.append(doc.problem(prefix + loc, message))
    return problems
