"""Inputs: a case and its catalog resolved once into the record the formulation reads.

`load_inputs` / `prepare` (door.py) are the front door; `resolve` (resolver.py) the resolver;
one module per concern below it."""

from evfleet.inputs.door import Loaded, in_memory, load, load_inputs, prepare
from evfleet.inputs.record import Inputs
from evfleet.inputs.resolver import resolve

__all__ = ["Inputs", "Loaded", "in_memory", "load", "load_inputs", "prepare", "resolve"]
