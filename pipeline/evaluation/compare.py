"""Compare base encoders and training methods on the real-news corpus, then choose.

    .venv/bin/python -m pipeline.evaluation.compare \
        --variant minilm:head --variant e5-small:finetune ...

Each variant is ``<bundled base>:<method>`` (bases ``minilm``, ``e5-small``, ``mpnet``; methods
``head``, ``finetune``, ``lora``, ``setfit``). For each one the three stance tasks (``stance``,
``relevance``, ``article_stance``) of the models config are retrained with that base and method
on their configured data (the team's files and the corpus's train part), and the whole
annotator is scored on one part of the corpus (``--split validation`` by default: choices are
made there; the test part is for reporting only), English and French apart. Languages follow
the base: ``minilm`` and ``mpnet`` read English only, so their French rows count as missed
(NULL), exactly as the pipeline would serve them. Trained models land in the model cache under
their usual hashed names, so the chosen variant is not trained again when it is configured.

Printed: one row per variant and language with quote macro-F1, article macro-F1, relevance F1,
training seconds (all three tasks, 0 when cached) and CPU serving speed (quotes per second,
the stance model on the part's quotes). ``--json FILE`` writes the same rows.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from models.classifier import TextClassifier
from models.config import ModelsConfig, load_model_config
from models.stance import load_annotators
from pipeline.core.paths import REFERENCE_DIR
from pipeline.evaluation.stance import TRAINED, GoldArticle, evaluate_gold, load_gold

BASE_LANGUAGES = {"minilm": ("en",), "mpnet": ("en",), "e5-small": ("en", "fr")}
STANCE_TASKS = ("stance", "relevance", "article_stance")
# Tuned layers for the larger bases: all 12 transformer layers, not the embedding matrix (e5's
# holds 96M of its 118M parameters; AdamW over it would dominate each CPU step).
TUNED_LAYERS = {"e5-small": 12, "mpnet": 12}
CORPUS = REFERENCE_DIR / "corpus" / "news.jsonl"


def variant_config(
    config: ModelsConfig, base: str, method: str, stance_settings: dict | None = None
) -> ModelsConfig:
    """``config`` with the stance tasks moved to ``bundled:<base>`` trained by ``method``
    (``stance_settings`` overrides settings of the quote ``stance`` task, e.g. its learning
    rate)."""
    tasks = dict(config.tasks)
    for name in STANCE_TASKS:
        if name not in tasks:
            continue
        task = tasks[name]
        changes: dict = {
            "base_model": f"bundled:{base}",
            "languages": BASE_LANGUAGES[base],
            # Relevance and article stance read whole articles: the frozen head keeps them
            # cheap; the quote model is where the method is compared.
            "method": method if name == "stance" else task.method,
        }
        if name == "stance" and method in ("finetune", "setfit") and base in TUNED_LAYERS:
            changes["train_layers"] = TUNED_LAYERS[base]
        if name == "stance" and stance_settings:
            changes.update(stance_settings)
        tasks[name] = dataclasses.replace(task, **changes)
    return dataclasses.replace(config, tasks=tasks)


def _quotes_per_second(stance: TextClassifier, gold: Sequence[GoldArticle]) -> float:
    texts = [q.text for g in gold for q in g.quotes]
    langs = [g.language for g in gold for q in g.quotes]
    started = time.perf_counter()
    stance.predict(texts, langs)
    return len(texts) / (time.perf_counter() - started)


def run_variant(
    config: ModelsConfig,
    base: str,
    method: str,
    gold: Sequence[GoldArticle],
    stance_settings: dict | None = None,
) -> list[dict]:
    """Train (or load from the cache) the stance model of one encoder and method and score it on
    ``gold``, English and French apart; one row per language."""
    cfg = variant_config(config, base, method, stance_settings)
    label = f"{base}:{method}" + "".join(f" {k}={v}" for k, v in (stance_settings or {}).items())
    started = time.perf_counter()
    stance, _, _ = load_annotators(cfg, progress=True)  # trains what is not cached
    train_s = time.perf_counter() - started
    rows = []
    for lang in ("en", "fr"):
        part = [g for g in gold if g.language == lang]
        if not part:
            continue
        report = evaluate_gold(list(part), cfg, f"corpus {lang}")
        trained = report.method(TRAINED)
        rows.append(
            {
                "variant": label,
                "language": lang,
                "quote_macro_f1": trained.quote.macro_f1 if trained.quote else None,
                "article_macro_f1": trained.article.macro_f1 if trained.article else None,
                "relevance_f1": trained.relevance.f1 if trained.relevance else None,
                "quotes": report.n_quotes,
                "articles": report.n_articles,
                "train_seconds": round(train_s, 1),
                "versions": report.model_versions,
            }
        )
    qps = _quotes_per_second(stance, gold)
    for row in rows:
        row["quotes_per_second_cpu"] = round(qps, 1)
    return rows


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pipeline.evaluation.compare``: compare encoders and methods; returns the exit
    code."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.evaluation.compare", description=__doc__
    )
    parser.add_argument(
        "--variant",
        action="append",
        required=True,
        help="base:method[:key=value,...] (settings of the quote stance task, e.g. "
        "e5-small:lora:learning_rate=5e-4,epochs=4)",
    )
    parser.add_argument("--gold", type=Path, default=CORPUS)
    parser.add_argument("--split", default="validation")
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    config = load_model_config(args.config)
    gold = load_gold(args.gold, args.split)
    rows: list[dict] = []
    print(
        "| variant | lang | quote macro-F1 | article macro-F1 | relevance F1 | train s | quotes/s |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for spec in args.variant:
        base, _, rest = spec.partition(":")
        method, _, extra = rest.partition(":")
        if base not in BASE_LANGUAGES or method not in ("head", "finetune", "setfit", "lora"):
            parser.error(f"--variant {spec!r}: expected <{'|'.join(BASE_LANGUAGES)}>:<method>")
        settings = {}
        for item in filter(None, extra.split(",")):
            key, _, value = item.partition("=")
            settings[key] = type(getattr(config.task("stance"), key))(value)
        for row in run_variant(config, base, method, gold, settings):
            rows.append(row)
            print(
                f"| {row['variant']} | {row['language']} | {_fmt(row['quote_macro_f1'])} | "
                f"{_fmt(row['article_macro_f1'])} | {_fmt(row['relevance_f1'])} | "
                f"{row['train_seconds']} | {row['quotes_per_second_cpu']} |",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
