"""``asylumwatch validate sample|score``: check the tool's labels against a human coder before
publishing a figure. The logic is :mod:`pipeline.validate`; this module only parses options and
prints."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from flows.cli.errors import fail
from flows.cli.options import DbOpt, FromDayOpt, LanguageOpt, OutletOpt, ToDayOpt, resolve_paths
from flows.reports.csv_files import write_rows
from pipeline import validate as v
from pipeline.store.filters import FilterError, Filters
from pipeline.store.load import DatabaseBusy, connect

validate_app = typer.Typer(
    name="validate",
    help="Check the tool's labels against a human coder before publishing a figure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


# Borderless tables: the scores of ten roles fit an 80-character terminal.
COMPACT: dict = {"box": None, "padding": (0, 1, 0, 0), "header_style": "bold"}
NUMBERED_FROM = 5  # more labels than this: the matrix's columns are numbered


def confusion_table(labels: list[str], matrix: list[list[int]]) -> Table:
    """Rows: the coder's label; columns: the tool's (numbered when there are many)."""
    numbered = len(labels) > NUMBERED_FROM
    table = Table(title="confusion matrix (rows: coder, columns: tool)", **COMPACT)
    table.add_column("coder \\ tool")
    for i, label in enumerate(labels, 1):
        table.add_column(str(i) if numbered else escape(label), justify="right")
    for i, (label, row) in enumerate(zip(labels, matrix, strict=True), 1):
        name = f"{i} {label}" if numbered else label
        table.add_row(escape(name), *(str(x) for x in row))
    return table


@validate_app.callback()
def _validate() -> None:
    """Check the tool's labels against a human coder before publishing a figure."""


@validate_app.command("sample")
def sample(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write (for the coder).")],
    what: Annotated[str, typer.Option("--what", help="quotes or articles.")] = "quotes",
    n: Annotated[int, typer.Option("--n", min=1, help="How many items.")] = 200,
    stratify: Annotated[
        str | None,
        typer.Option(
            "--stratify",
            help="Keep each value of this label at its share of the data: stance, "
            "speaker_role (quotes), is_relevant (articles) or outlet.",
        ),
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Random seed [default: a new one, printed].")
    ] = None,
    since: FromDayOpt = None,
    until: ToDayOpt = None,
    outlet: OutletOpt = None,
    language: LanguageOpt = None,
    include_off_topic: Annotated[
        bool,
        typer.Option("--include-off-topic", help="Sample off-topic articles too (relevance)."),
    ] = False,
    blind: Annotated[
        bool,
        typer.Option(
            "--blind",
            help="Keep the tool's labels out of the coder's file (in <out>.key.csv, which "
            "score joins back), so they cannot sway the coder.",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    db: DbOpt = None,
) -> None:
    """Draw a reproducible random sample of quotes or articles for a human coder.

    The CSV holds the text, its context, the tool's labels (tool_*) and empty coder_* columns.
    Example: [bold]asylumwatch validate sample --what quotes --n 200 --stratify stance
    --seed 1 --out validation/quotes.csv[/]
    """
    (db,) = resolve_paths(db=db)
    if out.exists() and not force:
        fail(f"{out} exists (it may hold coding): choose another --out, or pass --force")
    seed = random.SystemRandom().randrange(1, 1_000_000) if seed is None else seed
    try:
        filters = Filters.parse(since, until, outlet, language)
        with connect(db, read_only=True) as con:
            drawn = v.draw_sample(
                con,
                what,
                n,
                seed=seed,
                stratify=stratify,
                filters=filters,
                include_off_topic=include_off_topic,
            )
    except (v.ValidationError, FilterError, DatabaseBusy, FileNotFoundError) as exc:
        fail(str(exc))
    out.parent.mkdir(parents=True, exist_ok=True)
    if blind:
        header, rows, key_header, key_rows = v.split_blind(drawn)
        write_rows(out, header, rows)
        write_rows(v.key_path(out), key_header, key_rows)
    else:
        write_rows(out, drawn.header, drawn.rows)
    notes = {
        "what": what,
        "n": len(drawn.rows),
        "population": drawn.population,
        "seed": seed,
        "stratify": stratify,
        "strata": {k: {"population": p, "drawn": d} for k, (p, d) in drawn.strata.items()},
        "filters": filters.describe(),
        "include_off_topic": include_off_topic,
        "blind": blind,
        "db": str(db),
        "drawn_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    out.with_suffix(".sample.json").write_text(json.dumps(notes, indent=1) + "\n", "utf-8")
    console = Console(soft_wrap=True)
    console.print(
        f"{len(drawn.rows)} of {drawn.population} {what} written to {escape(str(out))} "
        f"(seed {seed}; the same command with --seed {seed} draws the same sample)."
    )
    if drawn.strata:
        console.print(
            f"Stratified on {stratify}: "
            + ", ".join(f"{escape(k)} {d} of {p}" for k, (p, d) in drawn.strata.items())
        )
    if blind:
        console.print(
            f"The tool's labels are in {escape(str(v.key_path(out)))}: keep it from the coder."
        )
    if len(drawn.rows) < n:
        console.print(f"[yellow]Only {drawn.population} {what} match: all are in the file.[/]")
    coder = ", ".join(h for h in drawn.header if h.startswith("coder_"))
    console.print(f"Fill in {coder}, then: asylumwatch validate score {escape(str(out))}")


@validate_app.command("score")
def score(
    coded: Annotated[Path, typer.Argument(help="The coded CSV.", show_default=False)],
    html_out: Annotated[
        Path | None,
        typer.Option("--html", help="HTML page to write [default: <file>.score.html]"),
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option("--key", help="A blind sample's tool labels [default: <file>.key.csv]"),
    ] = None,
) -> None:
    """Compare the tool's labels with the coder's: precision, recall, F1 (95% CIs), accuracy,
    Cohen's kappa and the confusion matrix, as tables and as an HTML page.

    Example: [bold]asylumwatch validate score validation/quotes.csv[/]
    """
    try:
        report = v.score_file(coded, key)
    except v.ValidationError as exc:
        fail(str(exc))
    console = Console()
    for field in report.fields:
        console.print(
            f"[bold]{escape(field.name)}[/]: {field.coded} coded ({field.uncodable} uncodable); "
            f"accuracy {v.fmt_interval(field.accuracy)}, "
            f"Cohen's kappa {v.fmt_interval(field.kappa)}"
        )
        if field.unknown:
            console.print(
                f"[yellow]coder_{escape(field.name)} holds labels the codebook does not have: "
                f"{escape(v.unknown_text(field))}. Fix them (typos?) or they count as labels "
                "of their own.[/]"
            )
        table = Table(title=field.name, **COMPACT)
        for name in ("label", "coder", "tool", "precision [95% CI]", "recall", "F1"):
            table.add_column(name, justify="left" if name == "label" else "right", no_wrap=True)
        for s in field.labels:
            table.add_row(
                escape(s.label),
                str(s.support),
                str(s.predicted),
                v.fmt_interval(s.precision),
                v.fmt_interval(s.recall),
                v.fmt_interval(s.f1),
            )
        console.print(table)
        console.print(confusion_table(field.matrix_labels, field.matrix))
    html_path = html_out or coded.with_suffix(".score.html")
    html_path.write_text(v.score_html(report), encoding="utf-8")
    console.print(
        "95% intervals: Wilson (precision, recall, accuracy), percentile bootstrap (F1, kappa). "
        f"Page: {escape(str(html_path))}",
        soft_wrap=True,
    )


if __name__ == "__main__":
    validate_app()
