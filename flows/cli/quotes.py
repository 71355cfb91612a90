"""``asylumwatch evaluate quotes --gold FILE``: score the quote stage against gold quotes.

Registered by ``flows/cli/root.py`` as the ``quotes`` command of the ``evaluate`` group.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from flows.cli.options import resolve_paths
from pipeline.core.gold import SPLITS, GoldError, load_gold
from pipeline.core.records import QUOTE_TYPES, SPEAKER_ROLES
from pipeline.evaluation.quotes import EvalResult, default_extractor, evaluate, summary

quotes_app = typer.Typer(help="Evaluate quote extraction, speakers and roles.")


def _load_classifier(console: Console) -> Any:
    """The role classifier (trained on first use); None with a note when unavailable."""
    try:
        from models.classifier import TextClassifier
        from models.config import load_model_config
    except ImportError as exc:  # the models package is optional for this command
        console.print(f"[yellow]role classifier unavailable ({exc}); rules and table only[/]")
        return None
    (config,) = resolve_paths(models_config=None)  # outside the try: a bad project file exits
    try:
        return TextClassifier.load("role", load_model_config(config))
    except Exception as exc:  # noqa: BLE001 - a broken model setup must not hide the scores
        console.print(f"[yellow]role classifier unavailable ({exc}); rules and table only[/]")
        return None


def _pct(x: float) -> str:
    return f"{x:.3f}"


def render(res: EvalResult, console: Console, gold: str, classifier: str) -> None:
    """Print the evaluation as rich tables."""
    t = Table(title=f"Quotes: {gold} ({res.articles} articles, roles by {classifier})")
    for col in ("type", "gold", "predicted", "found", "correct", "precision", "recall", "F1"):
        t.add_column(col, justify="right" if col != "type" else "left")
    for qt in QUOTE_TYPES:
        sc = res.by_type[qt]
        t.add_row(
            qt,
            str(sc.gold),
            str(sc.predicted),
            str(sc.found),
            str(sc.correct),
            _pct(sc.precision),
            _pct(sc.recall),
            _pct(sc.f1),
        )
    console.print(t)
    s = Table(title="Speakers and roles")
    s.add_column("measure")
    s.add_column("value", justify="right")
    s.add_column("on", justify="right")
    s.add_row("speaker accuracy (found quotes)", _pct(res.speaker_accuracy), str(res.speaker_total))
    s.add_row("role accuracy (speaker right)", _pct(res.role_accuracy), str(len(res.role_pairs)))
    s.add_row("role macro-F1 (speaker right)", _pct(res.role_macro_f1), str(len(res.role_pairs)))
    console.print(s)
    conf = res.confusion()
    labels = [r for r in SPEAKER_ROLES if r in conf or any(r in c for c in conf.values())]
    if labels:
        c = Table(title="Role confusion (rows gold, columns predicted)")
        c.add_column("gold")
        for lab in labels:
            c.add_column(lab[:3], justify="right")
        for g in labels:
            row = conf.get(g, {})
            c.add_row(g, *[str(row.get(p, 0) or "") for p in labels])
        console.print(c)


@quotes_app.command("quotes")
def quotes(
    gold: Annotated[
        Path,
        typer.Option(
            "--gold", help="Gold quotes: devset-format JSONL, or a folder of demo-site .md files."
        ),
    ],
    classifier: Annotated[
        bool,
        typer.Option(
            "--classifier/--no-classifier",
            help="Classify roles with the transformer (default) or with rules and table only.",
        ),
    ] = True,
    json_out: Annotated[
        bool, typer.Option("--json", help="Print the figures as JSON instead of tables.")
    ] = False,
    errors: Annotated[
        int,
        typer.Option(
            "--errors", help="Also list this many misses and mistakes (with --json: in it)."
        ),
    ] = 0,
    split: Annotated[
        str | None,
        typer.Option(
            "--split", help=f"Only rows of this part of the corpus ({', '.join(SPLITS)})."
        ),
    ] = None,
    language: Annotated[
        str | None, typer.Option("--language", help="Only articles in this language (en, fr).")
    ] = None,
) -> None:
    """Run the quote stage on each gold article and score it.

    Example: [bold]asylumwatch evaluate quotes --gold tests/data/quotes_gold.jsonl[/]

    Example: [bold]asylumwatch evaluate quotes --gold data/corpus/news.jsonl --split test[/]
    """
    console = Console()
    try:
        articles = load_gold(gold, split)
    except GoldError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    except (OSError, UnicodeDecodeError) as exc:
        console.print(f"[red]error:[/] {gold}: cannot read ({exc})")
        raise typer.Exit(2) from None
    untyped = next((a for a in articles for q in a.quotes if q.quote_type is None), None)
    if untyped is not None:
        console.print(f"[red]error:[/] {gold}: article {untyped.id}: a quote has no quote_type")
        raise typer.Exit(2)
    if language:
        articles = [a for a in articles if a.language == language]
        if not articles:
            console.print(f"[red]error:[/] {gold}: no articles in language {language!r}")
            raise typer.Exit(2)
    logging.getLogger("models").setLevel(logging.WARNING)
    clf = _load_classifier(console) if classifier else None
    res = evaluate(articles, default_extractor(clf))
    name = getattr(clf, "version", None) or "rules and organisation table"
    if json_out:
        out = summary(res)
        out["roles_by"] = name
        out["confusion"] = {g: dict(c) for g, c in res.confusion().items()}
        if errors:
            out["errors"] = res.errors[:errors]  # inside the JSON, so it stays one document
        typer.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    render(res, console, str(gold), name)
    for e in res.errors[:errors]:
        console.print(e, markup=False)
