"""The solver engine: a built model handed to HiGHS (handoff.py, standard_form.py), solved and
re-solved (highs.py), kept between variants (cache.py), and explained when it has no plan
(diagnosis.py). It knows the formulation only by name; nothing above it is imported here."""

from evfleet.solver.cache import ModelCache
from evfleet.solver.highs import DEFAULT_MIP_GAP, SolveOptions, SolveOutcome, Status

__all__ = ["DEFAULT_MIP_GAP", "ModelCache", "SolveOptions", "SolveOutcome", "Status"]
