"""Train the speaker ranker on the corpus's train part; report it on validation.

    python -m pipeline.quotes.train                      # fit on train, write the weights
    python -m pipeline.quotes.train --c 0.3 --dry-run    # try a setting without writing

Each quote the stage finds that matches a gold quote becomes one ranking problem: its candidates
(features from :mod:`pipeline.quotes.attribute`) labelled by whether they name the gold speaker
(:func:`pipeline.quotes.speaker_match.same_speaker`). Quotes whose gold speaker is among no
candidates teach nothing and are counted apart. The previous speaker feature is teacher-forced
(the gold speaker of the previous quote) while training. Only the ``train`` split is read for
fitting; ``validation`` chooses the regularisation; the ``test`` split is never read here.
To fit on the train-only batches too, build the corpus with them first (``python -m
pipeline.corpus build --extensions``; ``build`` alone puts it back): this module may not read
``pipeline.corpus``, which reads the quote package.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from pipeline.core.gold import GoldArticle, GoldQuote, load_gold
from pipeline.core.paths import REFERENCE_DIR
from pipeline.quotes.attribute import (
    FEATURES,
    RANKER_PATH,
    Candidate,
    Ranker,
    _body_antecedent,
    _named_by,
    candidates_for,
)
from pipeline.quotes.lexicon import LANGUAGES
from pipeline.quotes.speaker_match import same_speaker
from pipeline.quotes.stage import QuoteStage

# The corpus lies in a checkout only (a wheel does not carry it).
CORPUS = REFERENCE_DIR / "corpus" / "news.jsonl"


def _match(found_start: int, found_end: int, qt: str, golds: list[GoldQuote]) -> GoldQuote | None:
    best, best_ov = None, 0
    for g in golds:
        if g.quote_type != qt:
            continue
        ov = min(found_end, g.end) - max(found_start, g.start)
        if ov > best_ov and ov >= 0.5 * (g.end - g.start):
            best, best_ov = g, ov
    return best


def problems(
    stage: QuoteStage, articles: Iterable[GoldArticle]
) -> tuple[list[list[tuple[Candidate, int]]], int]:
    """Ranking problems (candidates with 0/1 labels) and the count of unanswerable ones."""
    out: list[list[tuple[Candidate, int]]] = []
    unanswerable = 0
    for art in articles:
        doc, lex, quotes, cands = stage.found(art.text, art.language)
        prev: int | None = None
        named_speaker: dict[int, int] = {}
        for q in quotes:
            gold = _match(q.start, q.end, q.quote_type, art.quotes)
            body = _body_antecedent(doc, q, cands, lex)
            options = candidates_for(doc, q, cands, lex, prev, named_speaker, body)
            named = _named_by(doc, cands, q.cue.subject, lex)
            if named:
                named_speaker[named[0]] = named_speaker.get(named[0], 0) + 1
            if gold is None:
                continue
            labelled = [(c, int(same_speaker(gold.speaker, c.speaker))) for c in options]
            gold_ent = next((c.entity for c, y in labelled if y and c.entity is not None), None)
            prev = gold_ent
            if not any(y for _, y in labelled):
                unanswerable += 1
                continue
            out.append(labelled)
    return out, unanswerable


def fit(rows: list[list[tuple[Candidate, int]]], c: float) -> dict[str, float]:
    """Ranker weights from a logistic regression (no intercept, inverse regularisation ``c``)
    over every candidate of ``rows``, rounded to five places."""
    from sklearn.linear_model import LogisticRegression

    x = [[cand.features[f] for f in FEATURES] for prob in rows for cand, _ in prob]
    y = [label for prob in rows for _, label in prob]
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    model.fit(x, y)
    return {f: round(float(w), 5) for f, w in zip(FEATURES, model.coef_[0], strict=True)}


def top1(rows: list[list[tuple[Candidate, int]]], ranker: Ranker) -> float:
    """Share of answerable quotes whose best-scored candidate names the gold speaker."""
    if not rows:
        return 0.0
    hits = sum(max(prob, key=lambda cy: ranker.score(cy[0].features))[1] for prob in rows)
    return hits / len(rows)


def main(argv: list[str] | None = None) -> int:
    """Fit a ranker per language on the train split for each ``--c``, keep the one with the best
    validation top-1, and write the weights to ``--out`` unless ``--dry-run``; returns the exit
    status."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--gold", type=Path, default=CORPUS)
    ap.add_argument("--c", type=float, nargs="*", default=[0.03, 0.1, 0.3, 1.0, 3.0])
    ap.add_argument("--out", type=Path, default=RANKER_PATH)
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args(argv)
    train = load_gold(args.gold, split="train")
    stage = QuoteStage.load()
    val = load_gold(args.gold, split="validation")
    by_language: dict[str, dict[str, float]] = {}
    chosen: dict[str, dict[str, float]] = {}
    for lang in LANGUAGES:
        train_rows, train_miss = problems(stage, [a for a in train if _lang(a) == lang])
        val_rows, val_miss = problems(stage, [a for a in val if _lang(a) == lang])
        print(f"{lang} train: {len(train_rows)} ranking problems, {train_miss} unanswerable")
        print(f"{lang} validation: {len(val_rows)} ranking problems, {val_miss} unanswerable")
        if lang in stage.rankers:
            shipped = top1(val_rows, stage.rankers[lang])
            print(f"  current weights: validation top-1 {shipped:.3f}")
        best: tuple[float, float, dict[str, float]] | None = None
        for c in args.c:
            weights = fit(train_rows, c)
            acc = top1(val_rows, Ranker(weights, ""))
            fitted = top1(train_rows, Ranker(weights, ""))
            print(f"  C={c}: validation top-1 {acc:.3f} (train {fitted:.3f})")
            if best is None or acc > best[0]:
                best = (acc, c, weights)
        assert best is not None
        acc, c, weights = best
        print(f"{lang}: chosen C={c} (validation top-1 {acc:.3f})")
        by_language[lang] = weights
        chosen[lang] = {"C": c, "validation_top1": round(acc, 4), "problems": len(val_rows)}
    if not args.dry_run:
        data = {
            "version": "ranker-2-" + "-".join(f"{k}C{v['C']}" for k, v in chosen.items()),
            "trained_on": "data/corpus/news.jsonl split=train; C chosen on split=validation",
            "chosen": chosen,
            "weights": by_language,
        }
        args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")
    return 0


def _lang(article: GoldArticle) -> str:
    return "fr" if (article.language or "").startswith("fr") else "en"


if __name__ == "__main__":
    sys.exit(main())
