"""CLI for the classifiers: ``asylumwatch train`` and ``asylumwatch evaluate stance``.

Training and evaluation import torch (seconds), so they are imported when a command runs,
not when the CLI starts.

``models_app`` holds ``train``; ``evaluate_app`` holds ``stance`` for
mounting as ``asylumwatch evaluate stance --gold FILE``. User mistakes (missing file, bad JSON
line, bad config) print one message naming the file and line and exit with code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from flows.cli.errors import fail
from flows.cli.options import path_help, resolve_paths
from models.config import ConfigError, ModelsConfig, load_model_config
from models.training.data import DataError

if TYPE_CHECKING:
    from models.training.train import TrainResult

models_app = typer.Typer(help="Train and evaluate the stance / relevance / role classifiers.")
evaluate_app = typer.Typer(help="Evaluate against gold data.")
# Wide enough for the report tables when output goes to a file or pipe.
console = Console(width=None if sys.stdout.isatty() else 150)
err_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option("--config", help=path_help("Models config (TOML).", "models_config")),
]


def _config(path: Path | None) -> ModelsConfig:
    """The models config at ``path`` (None: the ``models_config`` setting), or exit 2."""
    (path,) = resolve_paths(models_config=path)
    try:
        return load_model_config(path)
    except ConfigError as exc:
        fail(str(exc))


def _trainable(config: ModelsConfig) -> list[str]:
    """Every configured task whose training file exists."""
    return [name for name, task in config.tasks.items() if task.data.is_file()]


def _print_result(result: TrainResult) -> None:
    val = result.validation
    table = Table(title=f"{result.task}: validation ({result.n_validation} examples)")
    for col in ("label", "precision", "recall", "F1", "support"):
        table.add_column(col, justify="left" if col == "label" else "right")
    for label, s in val["per_class"].items():
        scores = (f"{s[k]:.3f}" for k in ("precision", "recall", "f1"))
        table.add_row(label, *scores, str(s["support"]))
    console.print(table)
    console.print(
        f"[bold]{result.version}[/bold] method={result.method} train={result.n_train} "
        f"validation={result.n_validation} other-language={result.n_other_language} "
        f"macro-F1={val['macro_f1']:.3f} accuracy={val['accuracy']:.3f} "
        f"time={result.seconds:.1f}s weights-sha256={result.weights_sha256[:12]}",
        highlight=False,
    )
    console.print(f"saved to {result.path}", highlight=False)


@models_app.command("train")
def train(
    task: Annotated[
        list[str] | None,
        typer.Option("--task", help="Task to train (repeatable); default: every task with data."),
    ] = None,
    config: ConfigOption = None,
    ship: Annotated[
        bool,
        typer.Option(
            "--ship", help="Also copy each trained model into models/shipped/ (heads, adapters)."
        ),
    ] = False,
) -> None:
    """Train the classifiers from their configured data and print validation figures.

    Example: [bold]asylumwatch train --task stance[/]

    Example: [bold]asylumwatch train --ship[/] (refresh the models a fresh clone serves)
    """
    from models.training.train import ship as ship_model
    from models.training.train import ship_article_mix
    from models.training.train import train as run_train

    settings = _config(config)
    names = task or _trainable(settings)
    if not names:
        fail(f"{settings.path}: no task has a training file")
    for name in names:
        if name not in settings.tasks:
            known = ", ".join(settings.tasks)
            fail(f"{settings.path}: no [tasks.{name}] section (tasks: {known})")
        try:
            result = run_train(name, settings, progress=True)
        except (DataError, ConfigError) as exc:
            fail(str(exc))
        _print_result(result)
        if ship:
            try:
                target = ship_model(result.path)
            except ValueError as exc:
                fail(str(exc))
            console.print(f"shipped to {target}", highlight=False)
    if ship and settings.article.method == "learned":
        mixed = ship_article_mix(settings)
        console.print(f"learned article model shipped to {mixed}", highlight=False)


def _evaluate(
    gold: Path | None,
    team: bool,
    config: Path | None,
    json_out: Path | None,
    split: str | None,
    language: str | None,
) -> None:
    from pipeline.evaluation.stance import evaluate_stance as run_evaluate_stance
    from pipeline.evaluation.stance import evaluate_team, render_report, write_report_json

    settings = _config(config)
    if gold is None and not team:
        fail("give --gold FILE or --team")
    try:
        report = (
            evaluate_team(settings)
            if team
            else run_evaluate_stance(gold, settings, split, language)
        )
    except (DataError, ConfigError) as exc:
        fail(str(exc))
    render_report(report, console)
    if json_out is not None:
        write_report_json(report, json_out)
        console.print(f"wrote {json_out}", highlight=False)


GoldOption = Annotated[
    Path | None,
    typer.Option(
        "--gold",
        help="Gold file in devset format (e.g. ../shared/devset/devset.jsonl), or a folder of "
        "demo-site article files (data/demo_site/content).",
    ),
]
TeamOption = Annotated[
    bool, typer.Option("--team", help="Evaluate on the team's validation split instead.")
]
JsonOption = Annotated[Path | None, typer.Option("--json", help="Also write the report as JSON.")]
LanguageOption = Annotated[
    str | None, typer.Option("--language", help="Only gold articles in this language (en, fr).")
]
SplitOption = Annotated[
    str | None,
    typer.Option("--split", help="Only rows of this part of the corpus (train, validation, test)."),
]


@evaluate_app.command("stance")
def evaluate_stance_command(
    gold: GoldOption = None,
    team: TeamOption = False,
    config: ConfigOption = None,
    json_out: JsonOption = None,
    split: SplitOption = None,
    language: LanguageOption = None,
) -> None:
    """Quote stance, article stance and relevance vs baselines on gold data.

    Example: [bold]asylumwatch evaluate stance --gold ../shared/devset/devset.jsonl[/]

    Example: [bold]asylumwatch evaluate stance --gold data/demo_site/content[/]

    Example: [bold]asylumwatch evaluate stance --gold data/corpus/news.jsonl --split test[/]
    """
    _evaluate(gold, team, config, json_out, split, language)
