"""Charts drawn with matplotlib (Agg backend, files only). Pure functions of tables."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def plot_typical_days(days: pd.DataFrame, title: str, path: Path) -> None:
    """PV per kWp, building-load shape and plugged-in share (left axis) and the time-of-use price
    (right axis) on each representative day, one panel per day."""
    names = list(dict.fromkeys(days["day"]))
    ncols = min(len(names), 4)
    nrows = -(-len(names) // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(4 * ncols, 3.0 * nrows + 0.6), sharey=True,
                             squeeze=False)
    axes = grid.ravel()
    for ax in axes[len(names):]:
        ax.set_visible(False)
    for i, (ax, day) in enumerate(zip(axes, names)):
        d = days[days["day"] == day].sort_values("hour")
        ax.plot(d["hour"], d["pv_kw_per_kwp"], color="#e6a100", label="PV kW/kWp")
        ax.plot(d["hour"], d["load_share"], color="#555555", label="building load (x mean)")
        ax.step(d["hour"], d["plugged_share"], where="post", color="#2a7ab9", alpha=0.6,
                label="share of fleet plugged in")
        twin = ax.twinx()
        twin.step(d["hour"], d["price_cny_per_kwh"], where="post", color="#c0392b", label="tariff")
        twin.set_ylim(0, days["price_cny_per_kwh"].max() * 1.15)
        if i % ncols != ncols - 1 and day != names[-1]:
            twin.set_yticklabels([])
        else:
            twin.set_ylabel("CNY/kWh")
        weight = d["weight_days"].iloc[0] if "weight_days" in d else None
        ax.set_title(day + (f" ({weight:.0f} days)" if weight else ""))
        ax.set_xticks(range(0, 25, 6))
        ax.set_xlabel("hour (Beijing time)")
    for ax in grid[:, 0]:
        ax.set_ylabel("kW/kWp, share")
    handles = axes[0].get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    labels = axes[0].get_legend_handles_labels()[1] + twin.get_legend_handles_labels()[1]
    fig.legend(handles, labels, loc="lower center", ncol=4, frameon=False)
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
