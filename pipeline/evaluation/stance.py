"""Evaluation of quote stance, article stance and relevance against gold data.

Gold format (one JSON object per line, as ``../shared/devset/devset.jsonl``)::

    {"id", "title", "text", "language", "relevant": bool, "article_stance": label | null,
     "quotes": [{"text", "stance", ...}]}

Quotes are classified from their gold spans (the classifier is measured alone). Article stance
is measured on the gold-relevant articles whatever relevance was predicted, so the two errors do
not compound. On the same data and in the same run: majority-class, keyword-lexicon and untrained
embedding-similarity baselines, the trained model, and the two halves of the article design
(article model only, quotes only). ``evaluate_team`` runs the same on the team's validation split.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

from rich.console import Console
from rich.table import Table

from models.article_mix import load_article_mix
from models.config import ModelsConfig
from models.metrics import (
    BinaryScores,
    Report,
    binary_scores,
    classification_report,
    expected_calibration_error,
)
from models.stance import annotate_stance_with, load_annotators
from models.training.data import DataError, compose_article_text, hash_split, read_jsonl, task_rows
from pipeline.core import gold as gold_data
from pipeline.core.language import guess_language, normalize_language
from pipeline.core.records import STANCES, AnnotatedArticle, Article, Quote
from pipeline.evaluation.baselines import LexiconBaseline, MajorityBaseline, SimilarityBaseline


@dataclass(frozen=True, slots=True)
class GoldQuote:
    """A gold quote and its stance."""

    text: str
    stance: str | None


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """A gold article with its relevance, stance and quotes."""

    id: str
    title: str
    text: str
    language: str | None
    relevant: bool | None  # None: not an article (a standalone team quote)
    article_stance: str | None
    quotes: tuple[GoldQuote, ...]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(slots=True)
class MethodScores:
    """The scores of one method: quote and article stance, relevance and calibration."""

    name: str
    quote: Report | None = None
    article: Report | None = None
    relevance: BinaryScores | None = None
    quote_ece: float | None = None  # calibration of the quote stance scores (trained model)
    article_ece: float | None = None  # calibration of the article stance scores (trained model)
    quote_mean_score: float | None = None  # mean stance_score of the scored quotes
    article_mean_score: float | None = None  # mean stance_score of the decided articles

    def as_dict(self) -> dict:
        """The scores as JSON-ready values."""
        return {
            "name": self.name,
            "quote_stance_ece": None if self.quote_ece is None else round(self.quote_ece, 4),
            "article_stance_ece": None if self.article_ece is None else round(self.article_ece, 4),
            "quote_stance_mean_score": _rounded(self.quote_mean_score),
            "article_stance_mean_score": _rounded(self.article_mean_score),
            "quote_stance": self.quote.as_dict() if self.quote else None,
            "article_stance": self.article.as_dict() if self.article else None,
            "relevance": (
                {
                    "precision": round(self.relevance.precision, 4),
                    "recall": round(self.relevance.recall, 4),
                    "f1": round(self.relevance.f1, 4),
                    "n": self.relevance.n,
                    "covered": self.relevance.covered,
                }
                if self.relevance
                else None
            ),
        }


@dataclass(slots=True)
class StanceReport:
    """Every method's scores on one gold set."""

    source: str
    n_articles: int
    n_quotes: int
    model_versions: dict[str, str]
    methods: list[MethodScores] = field(default_factory=list)

    def method(self, name: str) -> MethodScores:
        """The scores of the method called ``name``."""
        return next(m for m in self.methods if m.name == name)

    def as_dict(self) -> dict:
        """The report as JSON-ready values."""
        return {
            "source": self.source,
            "n_articles": self.n_articles,
            "n_quotes": self.n_quotes,
            "model_versions": self.model_versions,
            "methods": [m.as_dict() for m in self.methods],
        }


TRAINED = "trained model"
COVERED = "trained model, covered languages only"
ARTICLE_ONLY = "trained: article model only"
QUOTES_ONLY = "trained: quotes only"
WEIGHTED = "trained: weighted article rule"  # shown when the learned article model decides


def load_gold(path: Path, split: str | None = None) -> list[GoldArticle]:
    """Gold articles read by ``pipeline.core.gold`` (devset-format JSONL or a folder of demo-site
    article files), optionally one ``split`` of the corpus; errors name the file and line."""
    try:
        articles = gold_data.load_gold(path, split)
    except gold_data.GoldError as exc:
        raise DataError(str(exc)) from None
    gold = [
        GoldArticle(
            id=a.id,
            title=a.title,
            text=a.text,
            language=a.language,
            relevant=a.relevant,
            article_stance=a.stance,
            quotes=tuple(GoldQuote(q.text, q.stance) for q in a.quotes),
        )
        for a in articles
        if a.relevant is not None
    ]
    if not gold:
        raise DataError(f"{path}: no gold articles with a 'relevant' label")
    return gold


def team_gold(config: ModelsConfig) -> list[GoldArticle]:
    """The team's held-out data: validation articles and validation stance statements."""
    gold: list[GoldArticle] = []
    relevance = config.task("relevance")
    for number, obj in read_jsonl(relevance.data):
        split = obj.get("split") or hash_split(obj["text"], relevance.validation_percent)
        if split != "validation":
            continue
        gold.append(
            GoldArticle(
                id=str(obj.get("id", number)),
                title=obj.get("title") or "",
                text=obj["text"],
                language=obj.get("language") or obj.get("lang"),
                relevant=bool(obj["relevant"]),
                article_stance=obj.get("article_stance"),
                quotes=tuple(GoldQuote(q["text"], q.get("stance")) for q in obj.get("quotes", [])),
            )
        )
    stance = config.task("stance")
    for where, obj in task_rows(stance):
        split = obj.get("split") or hash_split(obj["text"], stance.validation_percent)
        if split != "validation":
            continue
        gold.append(
            GoldArticle(
                id=f"stance:{where}",
                title="",
                text=obj["text"],
                language=obj.get("lang") or obj.get("language"),
                relevant=None,
                article_stance=None,
                quotes=(GoldQuote(obj["text"], obj[stance.label_field]),),
            )
        )
    return gold


def gold_language(g: GoldArticle) -> str | None:
    """The gold article's language: the declared one, or a guess from its text."""
    return normalize_language(g.language) or guess_language(g.text)


def _records(gold: list[GoldArticle]) -> list[AnnotatedArticle]:
    items = []
    for g in gold:
        article = Article(
            article_id=g.id,
            url="",
            canonical_url="",
            outlet="",
            domain="",
            title=g.title or None,
            authors=[],
            published_at=None,
            fetched_at=None,  # type: ignore[arg-type]  # not used by the classifier
            language=g.language,
            text=g.text,
            word_count=len(g.text.split()),
        )
        quotes = []
        for k, q in enumerate(g.quotes):
            start = max(g.text.find(q.text), 0)
            quotes.append(
                Quote(
                    article_id=g.id,
                    quote_index=k,
                    text=q.text,
                    quote_type="direct",
                    speaker=None,
                    char_start=start,
                    char_end=start + len(q.text),
                )
            )
        items.append(AnnotatedArticle(article=article, quotes=quotes))
    return items


def evaluate_gold(gold: list[GoldArticle], config: ModelsConfig, source: str) -> StanceReport:
    """Score every method on ``gold``."""
    langs = [gold_language(g) for g in gold]
    quote_refs = [(i, q) for i, g in enumerate(gold) for q in g.quotes if q.stance is not None]
    quote_texts = [q.text for _, q in quote_refs]
    quote_langs = [langs[i] for i, _ in quote_refs]
    quote_gold = [q.stance for _, q in quote_refs]
    articles = [i for i, g in enumerate(gold) if g.relevant is not None]
    stance_articles = [i for i in articles if gold[i].article_stance is not None]
    inputs = [compose_article_text(g.title, g.text) for g in gold]
    rel_gold = [bool(gold[i].relevant) for i in articles]
    art_gold = [gold[i].article_stance for i in stance_articles]

    stance_clf, relevance_clf, article_clf = load_annotators(config, progress=True)
    report = StanceReport(
        source=source,
        n_articles=len(articles),
        n_quotes=len(quote_refs),
        model_versions={
            "stance": stance_clf.version,
            "relevance": relevance_clf.version,
            **({"article_stance": article_clf.version} if article_clf else {}),
        },
    )

    baselines = [MajorityBaseline(config), LexiconBaseline(), SimilarityBaseline(config)]
    for base in baselines:
        scores = MethodScores(base.name)
        if quote_refs:
            scores.quote = classification_report(
                quote_gold, base.quotes(quote_texts, quote_langs), STANCES
            )
        if articles:
            rel = base.relevance([inputs[i] for i in articles], [langs[i] for i in articles])
            scores.relevance = binary_scores(rel_gold, rel)
        if stance_articles:
            pred = base.articles(
                [inputs[i] for i in stance_articles], [langs[i] for i in stance_articles]
            )
            scores.article = classification_report(art_gold, pred, STANCES)
        report.methods.append(scores)

    weighting = config.article
    mix = load_article_mix(config, stance_clf, article_clf)
    variants = [(TRAINED, article_clf, weighting, mix)]
    if mix is not None:
        variants.append((WEIGHTED, article_clf, weighting, None))
    if article_clf is not None:
        variants += [
            (ARTICLE_ONLY, article_clf, replace(weighting, author_weight=1.0), None),
            (QUOTES_ONLY, None, weighting, None),
        ]
    stance_for = [g.article_stance is not None for g in gold]
    topic_gate = [g.relevant is not None for g in gold]
    for name, art_clf, w, art_mix in variants:
        items = _records(gold)
        annotate_stance_with(
            items,
            stance_clf,
            relevance_clf,
            art_clf,
            w,
            stance_for=stance_for,
            topic_gate=topic_gate,
            mix=art_mix,
        )
        scores = MethodScores(name)
        if name == TRAINED:
            by_article = [{q.text: q for q in items[i].quotes} for i in range(len(gold))]
            if quote_refs:
                served = [by_article[i].get(q.text) for i, q in quote_refs]
                pred_q = [s.stance if s else None for s in served]
                scores.quote = classification_report(quote_gold, pred_q, STANCES)
                scored = [
                    (s.stance_score, s.stance == g)
                    for s, g in zip(served, quote_gold, strict=True)
                    if s is not None and s.stance is not None and s.stance_score is not None
                ]
                if scored:
                    scores.quote_ece = expected_calibration_error(
                        [c for c, _ in scored], [ok for _, ok in scored]
                    )
                    scores.quote_mean_score = sum(c for c, _ in scored) / len(scored)
            if articles:
                scores.relevance = binary_scores(
                    rel_gold, [items[i].article.is_relevant for i in articles]
                )
        if stance_articles:
            pred_a = [items[i].article.stance for i in stance_articles]
            scores.article = classification_report(art_gold, pred_a, STANCES)
            if name == TRAINED:
                decided = [
                    (items[i].article.stance_score, items[i].article.stance == g)
                    for i, g in zip(stance_articles, art_gold, strict=True)
                    if items[i].article.stance_score is not None
                ]
                if decided:
                    scores.article_ece = expected_calibration_error(
                        [c for c, _ in decided], [ok for _, ok in decided]
                    )
                    scores.article_mean_score = sum(c for c, _ in decided) / len(decided)
        report.methods.append(scores)
        if name == TRAINED:
            report.methods.append(
                _covered_only(
                    gold,
                    langs,
                    quote_refs,
                    stance_articles,
                    pred_q if quote_refs else [],
                    pred_a if stance_articles else [],
                    stance_clf.languages,
                    articles,
                    [items[i].article.is_relevant for i in articles],
                )
            )
    return report


def _covered_only(
    gold: list[GoldArticle],
    langs: list[str | None],
    quote_refs: list[tuple[int, GoldQuote]],
    stance_articles: list[int],
    pred_q: list[str | None],
    pred_a: list[str | None],
    covered: tuple[str, ...],
    articles: list[int],
    rel_pred: list[bool | None],
) -> MethodScores:
    """The trained model's scores on the gold items in a language the models cover."""
    ok = [lang is None or lang in covered for lang in langs]
    out = MethodScores(COVERED)
    keep_r = [k for k, i in enumerate(articles) if ok[i]]
    if keep_r:
        out.relevance = binary_scores(
            [bool(gold[articles[k]].relevant) for k in keep_r], [rel_pred[k] for k in keep_r]
        )
    keep_q = [k for k, (i, _) in enumerate(quote_refs) if ok[i]]
    if keep_q:
        out.quote = classification_report(
            [quote_refs[k][1].stance for k in keep_q], [pred_q[k] for k in keep_q], STANCES
        )
    keep_a = [k for k, i in enumerate(stance_articles) if ok[i]]
    if keep_a:
        out.article = classification_report(
            [gold[stance_articles[k]].article_stance for k in keep_a],
            [pred_a[k] for k in keep_a],
            STANCES,
        )
    return out


def evaluate_stance(
    gold_path: Path, config: ModelsConfig, split: str | None = None, language: str | None = None
) -> StanceReport:
    """Evaluate against a devset-format gold file (e.g. ``../shared/devset/devset.jsonl``),
    or one ``split`` of the corpus (``data/corpus/news.jsonl``), optionally one language."""
    gold = load_gold(Path(gold_path), split)
    if language:
        gold = [g for g in gold if gold_language(g) == language]
        if not gold:
            raise DataError(f"{gold_path}: no gold articles in language {language!r}")
    parts = [p for p in (split, language) if p]
    source = f"{gold_path} ({', '.join(parts)})" if parts else str(gold_path)
    return evaluate_gold(gold, config, source)


def evaluate_team(config: ModelsConfig) -> StanceReport:
    """Evaluate against the team's own validation split (never used for training)."""
    return evaluate_gold(team_gold(config), config, "team validation split")


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def render_report(report: StanceReport, console: Console | None = None) -> None:
    """Print ``report`` as rich tables: summary, per-class scores, trained-model confusion."""
    console = console or Console()
    console.print(
        f"[bold]Stance evaluation[/bold] on {report.source}: {report.n_articles} articles, "
        f"{report.n_quotes} quotes with gold stance"
    )
    console.print("models: " + ", ".join(f"{k}={v}" for k, v in report.model_versions.items()))
    summary = Table(title="Summary")
    for col in (
        "method",
        "quote macro-F1",
        "quote cover",
        "article macro-F1",
        "relevance P",
        "relevance R",
        "relevance F1",
    ):
        summary.add_column(col, justify="left" if col == "method" else "right")
    for m in report.methods:
        summary.add_row(
            m.name,
            _fmt(m.quote.macro_f1 if m.quote else None),
            f"{m.quote.covered}/{m.quote.n}" if m.quote else "-",
            _fmt(m.article.macro_f1 if m.article else None),
            _fmt(m.relevance.precision if m.relevance else None),
            _fmt(m.relevance.recall if m.relevance else None),
            _fmt(m.relevance.f1 if m.relevance else None),
        )
    console.print(summary)
    per_class = Table(title="Per-class precision / recall (quote stance | article stance)")
    per_class.add_column("method")
    for label in STANCES:
        per_class.add_column(f"quote {label}", justify="right")
    for label in STANCES:
        per_class.add_column(f"article {label}", justify="right")
    for m in report.methods:
        cells = []
        for rep in (m.quote, m.article):
            for label in STANCES:
                s = rep.per_class[label] if rep else None
                cells.append(f"{s.precision:.2f} / {s.recall:.2f}" if s else "-")
        per_class.add_row(m.name, *cells)
    console.print(per_class)
    trained = report.method(TRAINED)
    if trained.quote_ece is not None:
        console.print(
            f"Quote stance calibration (trained model): expected calibration error "
            f"{trained.quote_ece:.3f} (15 bins of stance_score); mean stance_score "
            f"{trained.quote_mean_score:.3f}",
            highlight=False,
        )
    if trained.article_ece is not None:
        console.print(
            f"Article stance calibration (trained model): expected calibration error "
            f"{trained.article_ece:.3f} (15 bins of stance_score); mean stance_score "
            f"{trained.article_mean_score:.3f}",
            highlight=False,
        )
    for title, rep in (("quote stance", trained.quote), ("article stance", trained.article)):
        if rep is None:
            continue
        table = Table(title=f"Confusion, trained model, {title} (rows gold, columns predicted)")
        table.add_column("gold")
        columns = list(next(iter(rep.confusion.values())).keys())
        for col in columns:
            table.add_column(col, justify="right")
        for gold_label, row in rep.confusion.items():
            table.add_row(gold_label, *(str(row.get(c, 0)) for c in columns))
        console.print(table)


def write_report_json(report: StanceReport, path: Path) -> None:
    """Write ``report`` to ``path`` as JSON."""
    path.write_text(json.dumps(report.as_dict(), indent=2), encoding="utf-8")
