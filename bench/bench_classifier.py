"""Serving throughput of the classifiers vs the bare encoder's forward pass, same inputs, same run.

    .venv/bin/python bench/bench_classifier.py [--device cpu|cuda] [--repeat 3] [--json OUT]
    python bench/bench_classifier.py --device cuda --quotes 200000 --only quotes \
        --stance-model DIR     # a trained model folder copied to a machine without the cache

Inputs are the team's own training texts (models/training_data/): quote statements for the
``stance`` classifier and article snippets (headline + text) for the ``relevance`` classifier,
cycled up to ``--quotes`` / ``--articles`` items. "serving" times ``TextClassifier.predict``
end to end (language check, tokenization, length sorting, dynamic padding, forward, head,
softmax, result objects). "bare encoder" times only ``model(**batch)`` under
``torch.inference_mode`` on the same texts, pre-tokenized into the same length-sorted, dynamically
padded batches, in the serving dtype: the best case for the encoder alone. ratio = serving / bare
(1.0 = no overhead). "tokenize" times the tokenization alone, the part that runs on the CPU
whatever the device.
Serving and bare runs alternate, ``--repeat`` times each after one warm-up, and the best time of
each is reported, so that load from other processes skews both alike.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from models.classifier import TextClassifier  # noqa: E402
from models.config import DTYPES, ModelsConfig, ServingConfig, load_model_config  # noqa: E402
from models.encoder import available_cores  # noqa: E402
from models.training.data import compose_article_text, read_jsonl  # noqa: E402

INPUTS = {"quotes": "quotes (stance)", "articles": "articles (relevance)"}


def _cycle(texts: list[str], n: int) -> list[str]:
    return [texts[i % len(texts)] for i in range(n)]


def _timed(run: Callable[[], None], device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    run()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - start


def _bare(clf: TextClassifier, texts: list[str]) -> Callable[[], None]:
    token_ids = clf.encoder.tokenize(texts, clf.max_length)
    batches = [b.inputs for b in clf.encoder.batches(token_ids, clf.batch_size)]
    model = clf.encoder.model

    def run() -> None:
        with torch.inference_mode():
            for inputs in batches:
                model(**inputs)

    return run


def measure(
    clf: TextClassifier, texts: list[str], repeat: int, device: torch.device
) -> dict[str, float]:
    """Best-of-``repeat`` rates; serving and bare runs alternate so load swings hit both."""
    languages = ["en"] * len(texts)

    def serve() -> None:
        clf.predict(texts, languages)

    def tokenize() -> None:
        clf.encoder.tokenize(texts, clf.max_length)

    bare = _bare(clf, texts)
    serve(), bare()  # warm-up
    serving_s, bare_s, tokenize_s = float("inf"), float("inf"), float("inf")
    for _ in range(repeat):
        serving_s = min(serving_s, _timed(serve, device))
        bare_s = min(bare_s, _timed(bare, device))
        tokenize_s = min(tokenize_s, _timed(tokenize, device))
    n = len(texts)
    return {
        "serving_per_s": n / serving_s,
        "bare_per_s": n / bare_s,
        "ratio": bare_s / serving_s,
        "tokenize_per_s": n / tokenize_s,
    }


def _classifier(task: str, folder: Path | None, config: ModelsConfig) -> TextClassifier:
    if folder is not None:
        return TextClassifier.from_path(folder, config)
    return TextClassifier.load(task, config, progress=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--quotes", type=int, default=200, help="quote texts to classify")
    parser.add_argument("--articles", type=int, default=50, help="article texts to classify")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=0, help="0 = the configured size")
    parser.add_argument("--dtype", choices=DTYPES, default="auto")
    parser.add_argument("--only", choices=tuple(INPUTS), default=None, help="one input kind")
    parser.add_argument("--stance-model", type=Path, default=None, help="trained model folder")
    parser.add_argument("--relevance-model", type=Path, default=None, help="trained model folder")
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args(argv)

    config: ModelsConfig = load_model_config(args.config)
    serving = ServingConfig(
        device=args.device, threads=0, batch_size=args.batch_size, dtype=args.dtype
    )
    config = dataclasses.replace(config, serving=serving)
    device = torch.device(args.device)
    kinds = [args.only] if args.only else list(INPUTS)
    rows: dict[str, dict[str, float]] = {}
    env: dict[str, object] = {
        "device": args.device if args.device == "cpu" else torch.cuda.get_device_name(0),
        "torch_threads": torch.get_num_threads(),
        "cores_available": available_cores(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "torch": torch.__version__,
    }
    if "quotes" in kinds:
        stance = _classifier("stance", args.stance_model, config)
        quotes = [obj["text"] for _, obj in read_jsonl(config.task("stance").data)]
        rows[INPUTS["quotes"]] = measure(stance, _cycle(quotes, args.quotes), args.repeat, device)
        env |= {"stance_model": stance.version, "quotes": args.quotes}
        env |= {"stance_max_length": stance.max_length, "batch_size": stance.batch_size}
        env["dtype"] = str(next(stance.encoder.model.parameters()).dtype).removeprefix("torch.")
    if "articles" in kinds:
        relevance = _classifier("relevance", args.relevance_model, config)
        articles = [
            compose_article_text(obj.get("title"), obj["text"])
            for _, obj in read_jsonl(config.task("relevance").data)
        ]
        rows[INPUTS["articles"]] = measure(
            relevance, _cycle(articles, args.articles), args.repeat, device
        )
        env |= {"relevance_model": relevance.version, "articles": args.articles}
        env |= {"relevance_max_length": relevance.max_length, "batch_size": relevance.batch_size}
    console = Console(width=None if sys.stdout.isatty() else 120)
    title = f"Classifier throughput on {env['device']} ({env['torch_threads']} threads)"
    table = Table(title=title)
    for col in ("input", "serving items/s", "bare encoder items/s", "ratio", "tokenize items/s"):
        table.add_column(col, justify="left" if col == "input" else "right")
    for name, r in rows.items():
        table.add_row(
            name,
            f"{r['serving_per_s']:.1f}",
            f"{r['bare_per_s']:.1f}",
            f"{r['ratio']:.3f}",
            f"{r['tokenize_per_s']:.1f}",
        )
    console.print(table)
    console.print(env, highlight=False)
    if args.json:
        args.json.write_text(json.dumps({"env": env, "rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
