"""What a worker of the decomposition does with its shard of depots.

A worker process keeps the depot blocks it built (decompose/block.py) between calls, so each
round of prices costs only HiGHS's time. Every call carries the shard's case data, so a worker
that lost its blocks (restarted, or a Dask worker standing in for one that left) builds them
again: the answer never depends on which process runs the call.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evfleet.case.schema import Case, Depot
from evfleet.decompose.block import (Column, DepotBlock, depot_model, depot_options,
                                     subproblem_highs)
from evfleet.inputs import Inputs, in_memory, prepare
from evfleet.results.extract import extract_tables
from evfleet.single import baseline
from evfleet.solver.cache import ModelCache
from evfleet.solver.handoff import to_highs
from evfleet.solver.highs import SolveOptions

_BLOCKS: dict[tuple[str, str], DepotBlock] = {}  # (case name, digest of its data) -> block
_HIGHS = []  # this process's HiGHS, made on first use


@dataclass(frozen=True)
class Shard:
    """The depots one worker keeps, with what it needs to build them."""

    case_path: str
    network: Case  # the network case without its depots (targets and all)
    depots: tuple[Depot, ...]
    day_cities: tuple[str, ...]
    keys: tuple[tuple[str, int], ...]  # the coupling rows, in the coordinator's order


def depot_case(network: Case, depot: Depot) -> Case:
    """The network case restricted to one depot, solved directly; its targets stay (the rows are
    dropped from the block, but their years and the electric share define the coupling terms)."""
    return network.model_copy(update={"name": f"{network.name}-{depot.id}", "depots": [depot],
                                      "strategy": Case.model_fields["strategy"].default})


def _depot_inputs(shard: Shard, depot: Depot) -> Inputs:
    case = depot_case(shard.network, depot)
    return prepare(case, in_memory(case, shard.case_path), shard.day_cities)


def _block(shard: Shard, depot: Depot) -> DepotBlock:
    """The depot's block, built on first use. Keyed by everything it is built from, so a case
    solved again with other data in the same process never meets a stale block."""
    text = repr([depot_case(shard.network, depot).model_dump_json(), shard.day_cities, shard.keys])
    key = (shard.network.name, hashlib.sha256(text.encode()).hexdigest())
    block = _BLOCKS.get(key)
    if block is None:
        block = _BLOCKS[key] = DepotBlock(_depot_inputs(shard, depot), list(shard.keys))
    return block


def _highs():
    if not _HIGHS:
        _HIGHS.append(subproblem_highs())
    return _HIGHS[0]


def price_shard(shard: Shard, prices: np.ndarray, options: SolveOptions, integer: bool,
                limits: dict[str, np.ndarray] | None = None,
                overshoot_cny: np.ndarray | None = None) -> dict[str, Column | None]:
    """Each depot's best plan at `prices` (within its `limits` when given, only those depots;
    DepotBlock.price)."""
    sub = depot_options(options)
    out = {}
    for depot in shard.depots:
        if limits is not None and depot.id not in limits:
            continue
        block = _block(shard, depot)
        out[depot.id] = block.price(_highs(), prices, sub, integer,
                                    None if limits is None else limits[depot.id],
                                    overshoot_cny)
    return out


def forget(case_name: str) -> int:
    """Drop this process's blocks of a case (the decomposition is over). Returns how many."""
    keys = [k for k in _BLOCKS if k[0] == case_name]
    for k in keys:
        del _BLOCKS[k]
    return len(keys)


def plan_shard(shard: Shard, chosen: dict[str, np.ndarray], options: SolveOptions
               ) -> dict[str, tuple[dict[str, pd.DataFrame], dict]]:
    """Result tables of each depot's chosen plan, and its like-for-like baseline (single.baseline).

    The depot's model is built again and the plan's column values loaded into its variables:
    the columns come in the same order as when the block was built (the same model, compiled
    by the same reader), so the tables are those of the very plan the coordinator chose.
    """
    out = {}
    for depot in shard.depots:
        inp = _depot_inputs(shard, depot)
        m = depot_model(inp)
        _, cols, _ = to_highs(m)
        x = chosen[depot.id]
        if len(x) != len(cols):
            raise RuntimeError(f"depot {depot.id}: the model has {len(cols)} columns, the "
                               f"plan {len(x)}")
        for var, value in zip(cols, x):
            var.set_value(round(value) if var.is_integer() or var.is_binary() else float(value),
                          skip_validation=True)
        out[depot.id] = (extract_tables(m, inp), baseline(inp, options, ModelCache()))
    return out
