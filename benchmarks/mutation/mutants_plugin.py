"""pytest plugin: applies the mutant named in EVFLEET_MUTANT for the whole test session
(`python -m pytest -p mutants_plugin` with benchmarks/mutation on the path; run.py does this)."""

import os

import pytest

from mutants import apply, by_name


@pytest.fixture(autouse=True, scope="session")
def _evfleet_mutant():
    name = os.environ.get("EVFLEET_MUTANT")
    if not name:
        yield
        return
    patch = pytest.MonkeyPatch()
    apply(by_name(name), patch)
    yield
    patch.undo()
