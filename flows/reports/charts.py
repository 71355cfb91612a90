"""The weekly report's charts, drawn with matplotlib's Agg backend (no display needed).

Each function takes a chart series (an Arrow table with ``week_start``, a label column and
``n``) and the weeks to show, and writes one PNG. Weeks without data are shown as zero, so the
time axis is always the full window.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import pyarrow as pa  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from flows.reports.week import IsoWeek  # noqa: E402
from pipeline.core.records import SPEAKER_ROLES, STANCES  # noqa: E402

UNCLASSIFIED = "not classified"
# Okabe & Ito's palette (2008), told apart with every common colour-vision deficiency.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
    "black": "#000000",
}
GREY, LIGHT_GREY = "#999999", "#DDDDDD"
STANCE_COLOURS = {
    "restrictive": OKABE_ITO["vermillion"],
    "protective": OKABE_ITO["blue"],
    "neutral": GREY,
    UNCLASSIFIED: LIGHT_GREY,
}
# Ten roles and "not classified" need more than eight colours: the last roles reuse a colour
# with a hatch pattern (ROLE_HATCHES), so no two roles look alike, in colour or in grey.
_ROLE_STYLE = (
    (OKABE_ITO["blue"], ""),
    (OKABE_ITO["orange"], ""),
    (OKABE_ITO["bluish green"], ""),
    (OKABE_ITO["reddish purple"], ""),
    (OKABE_ITO["sky blue"], ""),
    (OKABE_ITO["vermillion"], ""),
    (OKABE_ITO["yellow"], ""),
    (OKABE_ITO["black"], ""),
    (OKABE_ITO["sky blue"], "///"),
    (OKABE_ITO["orange"], "///"),
    (LIGHT_GREY, ""),
)
_ROLES = (*SPEAKER_ROLES, UNCLASSIFIED)
ROLE_COLOURS = {role: colour for role, (colour, _) in zip(_ROLES, _ROLE_STYLE, strict=True)}
ROLE_HATCHES = {role: hatch for role, (_, hatch) in zip(_ROLES, _ROLE_STYLE, strict=True)}
# Outlets in the coverage chart, in order of their coverage.
OUTLET_COLOURS = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish green"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
    OKABE_ITO["black"],
)
LEGEND_CHARS = 26  # longer outlet names are cut in the legend
MAX_OUTLETS = 8  # more outlets than this: the rest are summed as "other outlets"
SIZE = (9.0, 4.4)
DPI = 110


def _pivot(table: pa.Table, label: str, weeks: Sequence[IsoWeek]) -> dict[str, list[int]]:
    """label -> counts per week (zero where there is no row)."""
    index = {w.start: i for i, w in enumerate(weeks)}
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(weeks))
    for row in table.to_pylist():
        i = index.get(row["week_start"])
        if i is not None:
            out[row[label] if row[label] is not None else UNCLASSIFIED][i] += int(row["n"])
    return dict(out)


def _figure(title: str) -> tuple[Figure, object]:
    fig = Figure(figsize=SIZE, dpi=DPI)  # fixed margins: a third faster than layout engines
    fig.subplots_adjust(left=0.08, right=0.79, bottom=0.2, top=0.9)
    ax = fig.add_subplot()
    ax.set_title(title, loc="left", fontsize=12)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    return fig, ax


def _week_axis(ax: Any, weeks: Sequence[IsoWeek]) -> None:
    ax.set_xticks(range(len(weeks)))
    ax.set_xticklabels([str(w) for w in weeks], rotation=45, ha="right", fontsize=8)


def _no_data(ax: Any, message: str) -> None:
    ax.text(0.5, 0.5, message, transform=ax.transAxes, ha="center", va="center", color="#555")


def _save(fig: Figure, path: Path) -> Path:
    fig.savefig(path, format="png")
    return path


def coverage_chart(table: pa.Table, weeks: Sequence[IsoWeek], path: Path) -> Path:
    """Relevant articles per week: one bar per week, stacked by outlet, the total on top."""
    fig, ax = _figure("Relevant articles per week, by outlet")
    by_outlet = _pivot(table, "outlet", weeks)
    ranked = sorted(by_outlet, key=lambda o: (-sum(by_outlet[o]), o))
    shown = ranked[:MAX_OUTLETS]
    rest = ranked[MAX_OUTLETS:]
    x = list(range(len(weeks)))
    bottom = [0] * len(weeks)
    stacks = [(o, by_outlet[o], OUTLET_COLOURS[i]) for i, o in enumerate(shown)]
    if rest:
        others = [sum(by_outlet[o][i] for o in rest) for i in range(len(weeks))]
        stacks.append((f"{len(rest)} other outlets", others, LIGHT_GREY))
    for outlet, counts, colour in stacks:
        label = outlet if len(outlet) <= LEGEND_CHARS else outlet[: LEGEND_CHARS - 1] + "…"
        ax.bar(x, counts, bottom=bottom, color=colour, label=label, width=0.75)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    for i, total in enumerate(bottom):
        ax.text(i, total, str(total), ha="center", va="bottom", fontsize=7, color="#555")
    _week_axis(ax, weeks)
    ax.set_ylabel("articles")
    ax.set_ylim(bottom=0, top=max([*bottom, 1]) * 1.12)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if by_outlet:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        _no_data(ax, "No relevant articles in these weeks")
    return _save(fig, path)


def stance_share_chart(table: pa.Table, weeks: Sequence[IsoWeek], path: Path) -> Path:
    """Share of relevant articles per stance, stacked to 100 % per week."""
    fig, ax = _figure("Article stance, share of relevant articles per week")
    counts = _pivot(table, "stance", weeks)
    totals = [sum(c[i] for c in counts.values()) for i in range(len(weeks))]
    bottom = [0.0] * len(weeks)
    x = list(range(len(weeks)))
    order = [*STANCES, UNCLASSIFIED, *sorted(set(counts) - {*STANCES, UNCLASSIFIED})]
    for stance in order:
        if stance not in counts:
            continue
        share = [c / t if t else 0.0 for c, t in zip(counts[stance], totals, strict=True)]
        ax.bar(
            x,
            share,
            bottom=bottom,
            color=STANCE_COLOURS.get(stance, OKABE_ITO["yellow"]),
            label=stance,
        )
        bottom = [b + s for b, s in zip(bottom, share, strict=True)]
    for i, total in enumerate(totals):
        ax.text(i, 1.01, f"n={total}", ha="center", va="bottom", fontsize=7, color="#555")
    _week_axis(ax, weeks)
    ax.set_ylim(0, 1.08)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.set_yticklabels(["0 %", "25 %", "50 %", "75 %", "100 %"])
    if counts:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        _no_data(ax, "No relevant articles in these weeks")
    return _save(fig, path)


def roles_chart(table: pa.Table, weeks: Sequence[IsoWeek], path: Path) -> Path:
    """Quotes per week by speaker role, stacked."""
    fig, ax = _figure("Who is quoted: quotes per week by speaker role")
    counts = _pivot(table, "speaker_role", weeks)
    bottom = [0] * len(weeks)
    x = list(range(len(weeks)))
    order = [*SPEAKER_ROLES, UNCLASSIFIED, *sorted(set(counts) - {*SPEAKER_ROLES, UNCLASSIFIED})]
    for role in order:
        if role not in counts:
            continue
        ax.bar(
            x,
            counts[role],
            bottom=bottom,
            color=ROLE_COLOURS.get(role, GREY),
            hatch=ROLE_HATCHES.get(role, ""),
            edgecolor="white",
            linewidth=0.4,
            label=role,
        )
        bottom = [b + c for b, c in zip(bottom, counts[role], strict=True)]
    _week_axis(ax, weeks)
    ax.set_ylabel("quotes")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if counts:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        _no_data(ax, "No quotes in these weeks")
    return _save(fig, path)


CHARTS = {
    "coverage.png": ("coverage", coverage_chart),
    "stance_share.png": ("stance", stance_share_chart),
    "quoted_roles.png": ("roles", roles_chart),
}
