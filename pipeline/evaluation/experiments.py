"""Design checks behind the choices in docs/models.md, rerunnable on the team's data only.

    python -m pipeline.evaluation.experiments demo-half  # do the demo site's quotes help?
    python -m pipeline.evaluation.experiments balance    # article weighting and balance sweep
    python -m pipeline.evaluation.experiments wise-ft    # interpolate tuned and base weights?
    python -m pipeline.evaluation.experiments article-mix --variant e5-small:head
                                                  # learned article stance vs weighting
    python -m pipeline.evaluation.experiments quote-prior  # shift the quote stance priors?
    python -m pipeline.evaluation.experiments article-cv   # article model settings, by outlet
    python -m pipeline.evaluation.experiments quote-role   # does the speaker's role help?
    python -m pipeline.evaluation.experiments quote-ensemble  # average several quote models?

``demo-half`` splits the demo site's article files in two by a hash of the file name, trains
the stance model once on the committed statements alone and once with the quotes of the first
half (``extra_data``), and scores both on the second half's quotes and articles.
``balance`` scores article stance on the team validation split for a grid of
``[article] author_weight`` and ``balance`` values, predicting every article and quote once.
``wise-ft`` trains on the statements and demo half A, then mixes the fine-tuned encoder's
weights with the base model's (WiSE-FT: alpha x tuned + (1 - alpha) x base, head refit) and
scores half B's English quotes and the validation split for each alpha. ``article-mix`` fits
the learned article model (``models/article_mix.py``) on the corpus's train part with the
served models' scores as features and scores it against the hand-set weighting, the article
model alone and the quotes alone on the corpus's validation part, English and French apart.
``quote-prior`` adds log-prior shifts to the quote stance model's scores on the corpus's
validation quotes (the classifier alone, without the off-topic rule) and estimates the gain
two-fold. ``article-cv`` scores settings of the frozen-head article model (input length,
author's text only, input prefix, L2) by five-fold cross-validation over the corpus's train and
validation articles, folds by outlet, the team's articles training in every fold; the quotes-only
rule is scored beside it on the same articles. ``quote-role`` runs the quote stage on the corpus's
validation articles and stacks the quote stance model's log-probabilities with the speaker's
role (the stage's predicted role of the quote found at the gold span, or the annotators' role
as a ceiling) in a class-balanced logistic regression, scored by five-fold cross-validation
by outlet on the validation quotes. ``quote-ensemble`` scores the quote stance models of the
encoder comparisons (``compare``) alone and averaged in declared ensembles on the validation
quotes. None reads the devset or the corpus's test part.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import shutil
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import torch

from models.article_mix import article_features, fit_mix, served_inputs
from models.classifier import TextClassifier
from models.config import ArticleConfig, ModelsConfig, load_model_config, resolve_base_model
from models.encoder import pick_device, shared_encoder
from models.head import Head, fit_logistic
from models.metrics import classification_report
from models.stance import (
    combine_article_stance,
    decide_article_stance,
    load_annotators,
    quote_weight,
)
from models.training.data import compose_article_text, example_of, task_rows
from pipeline.core import gold as gold_data
from pipeline.core.paths import REFERENCE_DIR
from pipeline.core.records import STANCES, Quote
from pipeline.evaluation.compare import CORPUS, variant_config
from pipeline.evaluation.stance import (
    TRAINED,
    GoldArticle,
    evaluate_gold,
    gold_language,
    load_gold,
    team_gold,
)

DEMO_CONTENT = REFERENCE_DIR / "demo_site" / "content"
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
BALANCES = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0)


def split_halves(content: Path, into: Path) -> tuple[Path, Path]:
    """Copy the article files of ``content`` into ``into/a`` and ``into/b`` by a hash of the
    file name (stable across runs and machines)."""
    halves = (into / "a", into / "b")
    for path in sorted(content.rglob("*.md")):
        half = int(hashlib.sha256(path.name.encode()).hexdigest()[:8], 16) % 2
        target = halves[half] / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return halves


def demo_half(config: ModelsConfig, content: Path = DEMO_CONTENT) -> None:
    """``demo-half``: score the stance model trained without and with the demo site's first half on
    its second half."""
    stance = config.task("stance")
    with tempfile.TemporaryDirectory() as tmp:
        half_a, half_b = split_halves(content, Path(tmp))
        held_out = load_gold(half_b)
        for name, extra in (("statements only", ()), ("statements + demo half A", (half_a,))):
            task = dataclasses.replace(stance, extra_data=extra)
            variant = dataclasses.replace(config, tasks={**config.tasks, "stance": task})
            report = evaluate_gold(held_out, variant, f"demo half B ({name})")
            trained = report.method(TRAINED)
            assert trained.quote is not None and trained.article is not None
            print(
                f"{name}: quote macro-F1 {trained.quote.macro_f1:.3f}, article macro-F1 "
                f"{trained.article.macro_f1:.3f} ({report.n_quotes} quotes, model "
                f"{report.model_versions['stance']})"
            )


def wise_ft(config: ModelsConfig, content: Path = DEMO_CONTENT) -> None:
    """``wise-ft``: score mixes of the fine-tuned and the base encoder's weights."""
    import torch

    from models.artifacts import ENCODER_DIR
    from models.encoder import Encoder
    from models.head import Head, fit_logistic
    from models.training.data import load_examples, split_examples
    from models.training.train import deterministic, label_ids, train

    task = config.task("stance")
    labels = list(task.labels)
    with tempfile.TemporaryDirectory() as tmp:
        half_a, half_b = split_halves(content, Path(tmp))
        task = dataclasses.replace(task, extra_data=(half_a,))
        variant = dataclasses.replace(config, tasks={**config.tasks, "stance": task})
        trained = train("stance", variant, progress=True, output_dir=Path(tmp) / "model")
        train_set, validation = split_examples(load_examples(task), task.languages)
        sets = {
            "demo half B (en)": [
                (q.text, q.stance)
                for g in load_gold(half_b)
                if gold_language(g) in task.languages
                for q in g.quotes
                if q.stance
            ],
            "validation": [(e.text, e.label) for e in validation],
        }
        targets = label_ids(task, train_set)
        encoder = Encoder.from_pretrained(str(trained.path / ENCODER_DIR))
        tuned = {k: v.clone() for k, v in encoder.model.state_dict().items()}
        base = Encoder.from_pretrained(resolve_base_model(task.base_model)).model.state_dict()
        print("alpha  " + "  ".join(f"{name} macro-F1" for name in sets))
        for alpha in (1.0, 0.8, 0.6, 0.4, 0.2, 0.0):
            encoder.model.load_state_dict(
                {
                    k: alpha * v + (1 - alpha) * base[k] if v.is_floating_point() else v
                    for k, v in tuned.items()
                }
            )
            with deterministic(task.seed):
                head = Head(encoder.dim, len(labels))
                pooled = encoder.embed([e.text for e in train_set], task.max_length)
                fit_logistic(head, pooled, targets, task.l2, task.max_iter)
            cells = []
            for items in sets.values():
                with torch.inference_mode():
                    vectors = encoder.embed([t for t, _ in items], task.max_length)
                    predicted = [labels[i] for i in head(vectors).argmax(dim=-1).tolist()]
                gold = [g for _, g in items]
                cells.append(f"{classification_report(gold, predicted, STANCES).macro_f1:.3f}")
            print(f"{alpha:<6} " + "  ".join(cells), flush=True)


def balance_sweep(config: ModelsConfig) -> None:
    """``balance``: score article stance over a grid of author weight and balance settings."""
    gold = [g for g in team_gold(config) if g.article_stance is not None]
    stance_clf, _, article_clf = load_annotators(config, progress=True)
    if article_clf is None:
        raise SystemExit(f"{config.path}: no article_stance task to sweep")
    langs = [gold_language(g) for g in gold]
    article_out = article_clf.predict_detailed(
        [compose_article_text(g.title, g.text) for g in gold], langs
    )
    quote_scores = []
    for g, lang in zip(gold, langs, strict=True):
        outs = stance_clf.predict_detailed([q.text for q in g.quotes], [lang] * len(g.quotes))
        quote_scores.append(
            [
                (o.prediction.scores, quote_weight(Quote(g.id, k, q.text, "direct", None)))
                for k, (q, o) in enumerate(zip(g.quotes, outs, strict=True))
                if o.prediction
            ]
        )
    print(f"team validation split: {len(gold)} articles; rows author_weight, columns balance")
    print("weight  " + " ".join(f"{b:>5}" for b in BALANCES))
    for weight in WEIGHTS:
        cells = []
        for balance in BALANCES:
            rule = ArticleConfig(author_weight=weight, balance=balance)
            cells.append(f"{_article_f1(gold, article_out, quote_scores, rule):.3f}")
        print(f"{weight:<7} " + " ".join(cells))


def _article_f1(
    gold: Sequence[GoldArticle], article_out: Sequence, quote_scores: Sequence, rule: ArticleConfig
) -> float:
    pred: list[str | None] = []
    for outcome, quotes in zip(article_out, quote_scores, strict=True):
        article = outcome.prediction.scores if outcome.prediction else None
        scores = combine_article_stance(article, quotes, rule.author_weight)
        pred.append(decide_article_stance(scores, rule.balance)[0] if scores else None)
    gold_labels = [g.article_stance for g in gold]
    # pred holds None where no model covers the language:
    return classification_report(gold_labels, pred, STANCES).macro_f1  # type: ignore[arg-type]


def article_mix_check(config: ModelsConfig, corpus: Path = CORPUS) -> None:
    """``article-mix``: score the learned article stance model against the hand-set weighting."""
    stance, _, article = load_annotators(config, progress=True)
    parts = {
        split: [g for g in gold_data.load_gold(corpus, split) if g.relevant and g.stance]
        for split in ("train", "validation")
    }
    inputs = {split: served_inputs(gold, stance, article) for split, gold in parts.items()}
    train_x = [article_features(a, q) for a, q in inputs["train"]]
    train_y = [g.stance for g in parts["train"]]
    val = list(zip(parts["validation"], inputs["validation"], strict=True))
    methods = {
        f"weighted (author_weight {w})": lambda a, q, w=w: combine_article_stance(a, q, w)
        for w in (0.0, 0.1, 0.25, 0.5, 0.75)
    }
    methods["article model only"] = lambda a, q: combine_article_stance(a, q, 1.0) if a else None
    methods["quotes only"] = lambda a, q: combine_article_stance(None, q, 0.0)
    for l2 in (0.001, 0.01, 0.1):
        mix = fit_mix(train_x, train_y, l2=l2)
        methods[f"learned (l2 {l2})"] = lambda a, q, mix=mix: mix.scores(article_features(a, q))
    print(f"train: {len(train_y)} relevant articles; validation: {len(val)}")
    print("| method | en macro-F1 | fr macro-F1 | all macro-F1 |")
    print("| --- | --- | --- | --- |")
    for name, decide in methods.items():
        cells = []
        for lang in ("en", "fr", None):
            rows = [(g, x) for g, x in val if lang is None or g.language == lang]
            pred = []
            for _, (a, q) in rows:
                scores = decide(a, q)
                pred.append(max(scores, key=lambda k: scores[k]) if scores else None)
            gold_labels = [g.stance for g, _ in rows]
            cells.append(f"{classification_report(gold_labels, pred, STANCES).macro_f1:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")


PRIOR_GRID = tuple(round(-1.0 + 0.1 * k, 1) for k in range(21))


def quote_prior_check(config: ModelsConfig, corpus: Path = CORPUS) -> None:
    """Log-prior shifts of the quote stance scores (added to log p(restrictive) and
    log p(protective); neutral fixed) on the corpus's validation quotes: the unshifted model,
    the best shift chosen on all of validation (in-sample, optimistic), and a two-fold estimate
    (articles split by a hash of their id; the shift chosen on one half scores the other)."""
    import numpy as np

    from models.classifier import TextClassifier
    from models.inputs import quote_input

    stance = TextClassifier.load("stance", config, progress=True)
    gold = gold_data.load_gold(corpus, "validation")
    refs = [(g, q) for g in gold for q in g.quotes if q.stance is not None]
    preds = stance.predict(
        [quote_input(q.text, g.text, q.start, q.end, stance.quote_context) for g, q in refs],
        [g.language for g, _ in refs],
    )
    labels = list(STANCES)
    logp = np.log(
        np.array([[max(p.scores[s], 1e-9) for s in labels] if p else [0.0] * 3 for p in preds])
    )
    gold_y = [q.stance for _, q in refs]
    langs = [g.language for g, _ in refs]
    fold = [int(hashlib.sha256(g.id.encode()).hexdigest()[:8], 16) % 2 for g, _ in refs]
    shifts = [(r, p) for r in PRIOR_GRID for p in PRIOR_GRID]

    def predict(rows: list[int], shift: tuple[float, float]) -> list[str]:
        bias = np.array([shift[0], shift[1], 0.0])
        return [labels[int(np.argmax(logp[i] + bias))] for i in rows]

    def f1(rows: list[int], predicted: list[str]) -> float:
        return classification_report([gold_y[i] for i in rows], predicted, STANCES).macro_f1

    def best(rows: list[int]) -> tuple[float, float]:
        # highest macro-F1; ties go to the smallest shift
        return max(shifts, key=lambda s: (f1(rows, predict(rows, s)), -abs(s[0]) - abs(s[1])))

    everything = list(range(len(refs)))
    chosen = best(everything)
    cross: dict[int, str] = {}
    for k in (0, 1):
        fit_rows = [i for i in everything if fold[i] == k]
        other = [i for i in everything if fold[i] != k]
        cross.update(zip(other, predict(other, best(fit_rows)), strict=True))
    print(f"model {stance.version}; validation quotes {len(refs)}; in-sample shift {chosen}")
    print("| language | unshifted | shifted (in-sample) | shifted (two-fold) |")
    print("| --- | --- | --- | --- |")
    for lang in ("en", "fr", None):
        rows = [i for i in everything if lang is None or langs[i] == lang]
        cells = [
            f1(rows, predict(rows, (0.0, 0.0))),
            f1(rows, predict(rows, chosen)),
            f1(rows, [cross[i] for i in rows]),
        ]
        print(f"| {lang or 'all'} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")


# The shipped article model's settings, then the whole excerpt (512 tokens), without and with
# the quotes cut out and the "query: " prefix e5 was trained with.
ARTICLE_CV_GRID: tuple[dict, ...] = (
    {"max_length": 256, "author_text": False, "input_prefix": ""},
    *(
        {"max_length": 512, "author_text": author, "input_prefix": prefix}
        for author in (False, True)
        for prefix in ("", "query: ")
    ),
)
ARTICLE_CV_L2 = (0.001, 0.005, 0.05)
MIX_CV_L2 = (0.01, 0.1)
CV_FOLDS = 5


def outlet_folds(outlets: Sequence[str], k: int = CV_FOLDS) -> dict[str, int]:
    """Each outlet's fold, ``k`` folds of similar size: outlets largest first, each to the
    fold with the fewest articles so far (ties: the lower fold, then the outlet's name)."""
    sizes = [0] * k
    folds: dict[str, int] = {}
    for outlet, n in sorted(Counter(outlets).items(), key=lambda kv: (-kv[1], kv[0])):
        fold = min(range(k), key=lambda i: (sizes[i], i))
        folds[outlet] = fold
        sizes[fold] += n
    return folds


def _macro_f1_by_language(
    gold: Sequence[str], pred: Sequence[str | None], langs: Sequence[str]
) -> list[float]:
    cells = []
    for lang in ("en", "fr", None):
        rows = [i for i, x in enumerate(langs) if lang is None or x == lang]
        report = classification_report([gold[i] for i in rows], [pred[i] for i in rows], STANCES)
        cells.append(report.macro_f1)
    return cells


def article_cv_check(
    config: ModelsConfig,
    grid: Sequence[dict] = ARTICLE_CV_GRID,
    l2s: Sequence[float] = ARTICLE_CV_L2,
    folds: int = CV_FOLDS,
) -> None:
    """Out-of-fold article stance macro-F1 of the frozen-head article model for each setting
    in ``grid`` and L2 in ``l2s``, and of the quotes-only rule, over the corpus's train and
    validation articles (folds by outlet: no outlet is both trained and scored in a fold)."""
    base = config.task("article_stance")
    stance = TextClassifier.load("stance", config)
    gold = [
        g
        for split in ("train", "validation")
        for g in gold_data.load_gold(CORPUS, split)
        if g.relevant and g.stance and g.language in base.languages
    ]
    by_id = {g.id: g for g in gold}
    fold_of = outlet_folds([g.outlet for g in gold], folds)
    quote_inputs = [q for _, q in served_inputs(gold, stance, None)]
    quotes_only: dict[str, str | None] = {}
    for g, q in zip(gold, quote_inputs, strict=True):
        scores = combine_article_stance(None, q, 0.0)
        quotes_only[g.id] = max(scores, key=lambda k: scores[k]) if scores else None
    print(
        f"{len(gold)} corpus articles (train and validation parts) in {folds} folds by outlet; "
        "the quotes-only rule reads the shipped quote model, which trained on the train part's "
        "quotes (so its figure is optimistic there)"
    )
    print("| article model settings | l2 | en | fr | all | validation part: en | fr |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    ids = [g.id for g in gold]
    val = [i for i, g in enumerate(gold) if g.split == "validation"]
    labels = [g.stance or "" for g in gold]
    langs = [g.language or "" for g in gold]
    _print_cv_row("quotes only (shipped rule)", "-", labels, [quotes_only[i] for i in ids],
                  langs, val)  # fmt: skip
    encoder = shared_encoder(resolve_base_model(base.base_model), pick_device("cpu"))
    for settings in grid:
        task = dataclasses.replace(base, **settings)
        team: list[tuple[str, str]] = []  # (text, label) of the team's articles: always train
        held: dict[str, str] = {}  # corpus article id -> its input text
        for where, obj in task_rows(task):
            example = example_of(task, where, obj)
            if example is None or example.lang not in task.languages:
                continue
            if obj.get("outlet"):
                if obj.get("id") in by_id:
                    held[obj["id"]] = example.text
            elif example.split != "test":
                team.append((example.text, example.label))
        texts = [t for t, _ in team] + [held[i] for i in ids]
        vectors = encoder.embed(texts, task.max_length, task.batch_size, prefix=task.input_prefix)
        targets = torch.tensor([task.labels.index(x) for x in [*(y for _, y in team), *labels]])
        n_team = len(team)
        for l2 in l2s:
            pred: list[str | None] = [None] * len(gold)
            probs: list[dict[str, float] | None] = [None] * len(gold)
            for fold in range(folds):
                scored = [i for i, g in enumerate(gold) if fold_of[g.outlet] == fold]
                trained = list(range(n_team)) + [
                    n_team + i for i, g in enumerate(gold) if fold_of[g.outlet] != fold
                ]
                head = Head(encoder.dim, len(task.labels))
                fit_logistic(head, vectors[trained], targets[trained], l2, task.max_iter)
                with torch.inference_mode():
                    out = torch.softmax(head(vectors[[n_team + i for i in scored]]), -1)
                for i, row in zip(scored, out.tolist(), strict=True):
                    probs[i] = dict(zip(task.labels, row, strict=True))
                    pred[i] = max(probs[i], key=lambda k: probs[i][k])  # type: ignore[index]
            name = ", ".join(f"{k}={v!r}" for k, v in settings.items())
            _print_cv_row(f"{name}", str(l2), labels, pred, langs, val)
            # The learned mix over the out-of-fold article scores and the quotes, itself
            # cross-validated on the same folds.
            features = [article_features(probs[i], quote_inputs[i]) for i in range(len(gold))]
            for mix_l2 in MIX_CV_L2:
                mixed: list[str | None] = [None] * len(gold)
                for fold in range(folds):
                    fit = [i for i, g in enumerate(gold) if fold_of[g.outlet] != fold]
                    mix = fit_mix([features[i] for i in fit], [labels[i] for i in fit], mix_l2)
                    for i, g in enumerate(gold):
                        if fold_of[g.outlet] == fold:
                            scores = mix.scores(features[i])
                            mixed[i] = max(scores, key=lambda k: scores[k])
                _print_cv_row(f"learned mix over: {name}", f"{l2} / {mix_l2}", labels, mixed,
                              langs, val)  # fmt: skip


def _print_cv_row(
    name: str,
    l2: str,
    labels: Sequence[str],
    pred: Sequence[str | None],
    langs: Sequence[str],
    val: Sequence[int],
) -> None:
    cells = _macro_f1_by_language(labels, pred, langs)
    on_val = _macro_f1_by_language(
        [labels[i] for i in val], [pred[i] for i in val], [langs[i] for i in val]
    )
    print(f"| {name} | {l2} | " + " | ".join(f"{c:.3f}" for c in [*cells, *on_val[:2]]) + " |",
          flush=True)  # fmt: skip


QUOTE_ROLE_C = (0.1, 1.0, 10.0)


def quote_role_check(config: ModelsConfig, corpus: Path = CORPUS) -> None:
    """Quote stance with the speaker's role as evidence, on the corpus's validation quotes:
    the model's argmax, then a class-balanced logistic regression over its log-probabilities
    alone, with the role the quote stage predicts, and with the annotators' role (a ceiling),
    each scored out of fold (five folds by outlet), English and French apart."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from models.inputs import quote_input
    from pipeline.core.records import SPEAKER_ROLES
    from pipeline.quotes import analyse
    from pipeline.quotes.roles import assign_roles
    from pipeline.quotes.speaker_match import found_quote

    stance = TextClassifier.load("stance", config, progress=True)
    role_clf = TextClassifier.load("role", config, progress=True)
    gold = gold_data.load_gold(corpus, "validation")
    refs: list[tuple[gold_data.GoldArticle, gold_data.GoldQuote, str | None]] = []
    for article in gold:
        found = analyse(article.text, article.language, article.id)
        assign_roles([(f.quote, f.mention) for f in found], role_clf)
        for q in article.quotes:
            if q.stance is None:
                continue
            match = found_quote(article.text, q.start, q.end, [f.quote for f in found])
            refs.append((article, q, match.speaker_role if match else None))
    preds = stance.predict(
        [quote_input(q.text, g.text, q.start, q.end, stance.quote_context) for g, q, _ in refs],
        [g.language for g, _, _ in refs],
    )
    labels = list(STANCES)
    logp = np.log(
        np.array([[max(p.scores[s], 1e-9) for s in labels] if p else [0.0] * 3 for p in preds])
    )
    roles = [*SPEAKER_ROLES, None]

    def one_hot(role: str | None) -> list[float]:
        return [1.0 if role == r else 0.0 for r in roles]

    langs = [g.language or "" for g, _, _ in refs]
    is_fr = np.array([[1.0 if lang == "fr" else 0.0] for lang in langs])
    features = {
        "model's scores only": np.hstack([logp, is_fr]),
        "with the stage's role": np.hstack(
            [logp, is_fr, np.array([one_hot(r) for _, _, r in refs])]
        ),
        "with the annotators' role (ceiling)": np.hstack(
            [logp, is_fr, np.array([one_hot(q.speaker_role) for _, q, _ in refs])]
        ),
    }
    y = np.array([labels.index(str(q.stance)) for _, q, _ in refs])
    folds_of = outlet_folds([g.outlet for g, _, _ in refs])
    fold = np.array([folds_of[g.outlet] for g, _, _ in refs])
    gold_y = [labels[i] for i in y]
    found_share = sum(r is not None for _, _, r in refs) / len(refs)
    print(f"model {stance.version}, roles {role_clf.version}; validation quotes {len(refs)}")
    print(f"quotes the stage found (so have a predicted role): {found_share:.1%}")
    print("| stance from | C | en | fr | all |")
    print("| --- | --- | --- | --- | --- |")
    argmax = [labels[int(i)] for i in logp.argmax(axis=1)]
    cells = _macro_f1_by_language(gold_y, argmax, langs)
    print("| the model's argmax | - | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    for name, x in features.items():
        for c in QUOTE_ROLE_C:
            out = np.zeros(len(y), dtype=int)
            for k in range(CV_FOLDS):
                train, test = fold != k, fold == k
                model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
                out[test] = model.fit(x[train], y[train]).predict(x[test])
            cells = _macro_f1_by_language(gold_y, [labels[i] for i in out], langs)
            print(f"| {name} | {c} | " + " | ".join(f"{v:.3f}" for v in cells) + " |")


# Quote stance models already compared one by one (docs/models.md, round one), as
# ``(base, method, stance settings)``; the ensembles below average their probabilities.
ENSEMBLE_MEMBERS: dict[str, tuple[str, str, dict]] = {
    "e5 LoRA 5e-4 (shipped)": ("e5-small", "lora", {"learning_rate": 5e-4}),
    "e5 LoRA 1e-3": ("e5-small", "lora", {"learning_rate": 1e-3}),
    "e5 full fine-tune": ("e5-small", "finetune", {"learning_rate": 1e-4}),
    "MiniLM full fine-tune (en)": ("minilm", "finetune", {"learning_rate": 1e-4}),
    "mpnet frozen head (en)": ("mpnet", "head", {"learning_rate": 1e-4}),
    "mpnet full fine-tune (en)": ("mpnet", "finetune", {"learning_rate": 5e-5}),
    "mpnet LoRA 5e-4 (en)": ("mpnet", "lora", {"learning_rate": 5e-4}),
}
# Declared before any ensemble was scored: the three e5 recipes (both languages), the shipped
# model with the cheapest English model of another family, and every member.
ENSEMBLES: dict[str, tuple[str, ...]] = {
    "three e5 recipes": ("e5 LoRA 5e-4 (shipped)", "e5 LoRA 1e-3", "e5 full fine-tune"),
    "shipped + MiniLM (en)": ("e5 LoRA 5e-4 (shipped)", "MiniLM full fine-tune (en)"),
    "shipped + mpnet fine-tune (en)": ("e5 LoRA 5e-4 (shipped)", "mpnet full fine-tune (en)"),
    # Declared in round six, before the mpnet LoRA member had been scored: the shippable pair.
    "shipped + mpnet LoRA (en)": ("e5 LoRA 5e-4 (shipped)", "mpnet LoRA 5e-4 (en)"),
    "every member": tuple(ENSEMBLE_MEMBERS),
}


def quote_ensemble_check(
    config: ModelsConfig, corpus: Path = CORPUS, split: str = "validation"
) -> None:
    """Each member alone and each declared ensemble (the mean of the probabilities of the
    members that read the quote's language) on the corpus's ``split`` quotes, the classifier
    alone (no off-topic rule), English and French apart. Members missing from the model
    cache are trained first (``compare``'s settings)."""
    import numpy as np

    from models.inputs import quote_input

    gold = gold_data.load_gold(corpus, split)
    refs = [(g, q) for g in gold for q in g.quotes if q.stance is not None]
    langs = [g.language or "" for g, _ in refs]
    labels = list(STANCES)
    gold_y = [str(q.stance) for _, q in refs]
    probs: dict[str, np.ndarray] = {}  # member -> (quotes, 3), NaN rows where unread
    for name, (base, method, settings) in ENSEMBLE_MEMBERS.items():
        member = TextClassifier.load(
            "stance", variant_config(config, base, method, settings), progress=True
        )
        preds = member.predict(
            [quote_input(q.text, g.text, q.start, q.end, member.quote_context) for g, q in refs],
            langs,
        )
        probs[name] = np.array(
            [[p.scores[s] for s in labels] if p else [np.nan] * 3 for p in preds]
        )
        print(f"{name}: {member.version}", flush=True)

    def decide(names: Sequence[str]) -> list[str | None]:
        stacked = np.stack([probs[n] for n in names])
        read = ~np.isnan(stacked[:, :, 0])
        total = np.where(read[:, :, None], stacked, 0.0).sum(axis=0)
        return [labels[int(np.argmax(t))] if read[:, i].any() else None
                for i, t in enumerate(total)]  # fmt: skip

    print(f"{split} quotes {len(refs)}")
    print("| quote stance from | en | fr | all |")
    print("| --- | --- | --- | --- |")
    rows = [(n, (n,)) for n in ENSEMBLE_MEMBERS] + list(ENSEMBLES.items())
    for name, names in rows:
        decided = decide(names)
        scores = _macro_f1_by_language(gold_y, decided, langs)
        read = [
            any(d for d, x in zip(decided, langs, strict=True) if lang in (None, x))
            for lang in ("en", "fr", None)
        ]
        cells = [f"{f1:.3f}" if ok else "NULL" for f1, ok in zip(scores, read, strict=True)]
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m pipeline.evaluation.experiments``: run one of the experiments."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.evaluation.experiments", description=__doc__
    )
    parser.add_argument(
        "check",
        choices=(
            "demo-half",
            "balance",
            "wise-ft",
            "article-mix",
            "quote-prior",
            "article-cv",
            "quote-role",
            "quote-ensemble",
        ),
    )
    parser.add_argument("--config", type=Path, default=None, help="models config")
    parser.add_argument(
        "--variant", default=None, help="base:method, as pipeline.evaluation.compare"
    )
    args = parser.parse_args(argv)
    config = load_model_config(args.config)
    if args.variant:
        base, _, method = args.variant.partition(":")
        config = variant_config(config, base, method)
    if args.check == "article-mix":
        article_mix_check(config)
        return
    if args.check == "quote-prior":
        quote_prior_check(config)
        return
    if args.check == "article-cv":
        article_cv_check(config)
        return
    if args.check == "quote-role":
        quote_role_check(config)
        return
    if args.check == "quote-ensemble":
        quote_ensemble_check(config)
        return
    if args.check == "demo-half":
        demo_half(config)
    elif args.check == "wise-ft":
        wise_ft(config)
    else:
        balance_sweep(config)


if __name__ == "__main__":
    main(sys.argv[1:])
