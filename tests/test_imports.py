"""The import graph keeps the house's layers: data flows one way, case file -> Inputs -> model ->
HiGHS -> tables -> writers, with the solver engine below the single solve, the single solve below
sweeps and the decomposition, the pipeline above them and the CLI on top.

Every import of an evfleet module is read from the source (function-level ones too, since a lazy
import is still a dependency), so a cycle or an upward import cannot hide behind `import` inside a
function."""

import ast
from pathlib import Path

from conftest import REPO

SRC = REPO / "src"
# lowest first; a module may import its own layer's and lower layers' modules only
LAYERS = (
    ("evfleet.errors", "evfleet.schema_types", "evfleet.document", "evfleet.yearly",
     "evfleet.parallel", "evfleet.models"),
    ("evfleet.catalog",),
    ("evfleet.case",),
    ("evfleet.inputs",),
    ("evfleet.network", "evfleet.new_case"),  # case generators, from Inputs' own coefficients
    ("evfleet.formulation",),
    ("evfleet.solver",),
    ("evfleet.results",),
    ("evfleet.writers",),
    ("evfleet.single",),
    ("evfleet.decompose", "evfleet.studies"),
    ("evfleet.pipeline",),
    ("evfleet.cli", "evfleet.__main__"),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    out = {module_name(p): p for p in (SRC / "evfleet").rglob("*.py")}
    out.pop("evfleet")  # the empty top package
    return out


def imports(name: str, path: Path) -> list[tuple[str, tuple[str, ...]]]:
    """(module imported, names taken from it) for every evfleet import in the file."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, ()) for a in node.names if a.name.startswith("evfleet")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1]
                                + ([base] if base else []))
            if base.startswith("evfleet"):
                out.append((base, tuple(a.name for a in node.names)))
    return out


def layer(name: str) -> int:
    for i, prefixes in enumerate(LAYERS):
        if any(name == p or name.startswith(p + ".") for p in prefixes):
            return i
    raise AssertionError(f"{name} is in no layer of tests/test_imports.py")


def package(name: str) -> str:
    return ".".join(name.split(".")[:2])


def graph() -> dict[str, set[str]]:
    mods = modules()
    out = {}
    for name, path in mods.items():
        targets = set()
        for target, names in imports(name, path):
            # `from evfleet.x import y` may name a submodule y
            subs = {f"{target}.{n}" for n in names if f"{target}.{n}" in mods}
            targets |= subs or {target}
        out[name] = {t for t in targets if t in mods and t != name}
    return out


def test_every_module_is_in_a_layer():
    for name in modules():
        layer(name)


def test_no_import_runs_upward():
    upward = [f"{a} (layer {layer(a)}) imports {b} (layer {layer(b)})"
              for a, targets in graph().items() for b in targets if layer(b) > layer(a)]
    assert upward == []


def test_no_import_circle():
    g, state, cycles = graph(), {}, []

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(g[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(g):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_no_private_name_crosses_a_package():
    crossing = [f"{name} imports {n} from {target}"
                for name, path in modules().items() for target, names in imports(name, path)
                for n in names if n.startswith("_") and package(target) != package(name)]
    assert crossing == []


def test_the_checks_see_what_they_check():
    """The graph is read right: known edges are found, so an empty list above means something."""
    g = graph()
    assert "evfleet.single" in g["evfleet.studies.worker"]
    assert "evfleet.solver.highs" in g["evfleet.solver.cache"]
    assert layer("evfleet.cli") > layer("evfleet.pipeline") > layer("evfleet.decompose")
    assert layer("evfleet.decompose") > layer("evfleet.single") > layer("evfleet.solver")
