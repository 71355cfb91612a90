"""Annotate stage: quote stance, article relevance and article stance, filled in place.

* Quote stance: the ``stance`` classifier on each quote's text, in the article's language.
* Relevance: the ``relevance`` classifier on headline + lead. Where the model does not cover the
  article's language, the keyword lexicon for that language decides (``relevance_score`` stays
  NULL and ``stance_note`` says so); with no lexicon either, relevance stays NULL.
* Article stance (relevant articles only): ``author_weight`` x the ``article_stance``
  classifier's scores on headline + lead, plus ``1 - author_weight`` x the mean of the article's
  quote stance scores weighted by quote length (the quotes the article chooses to give space to).
  Without an article model the quotes alone decide; without quotes the article model alone does.
  The side with the most of that weight wins, unless the other side has at least ``balance``
  times as much: an article giving both sides comparable weight is ``neutral`` (codebook 3).
  Non-relevant articles get NULL stance with ``stance_note = "not relevant"``.
* Quotes in articles judged not relevant are ``neutral``: the codebook's stance target is access
  to asylum, and an article off that subject gives its quotes no position on it. Their
  ``stance_score`` is the relevance model's ``not_relevant`` probability and their
  ``model_version`` the relevance model's, so the row says which model decided. Where relevance
  is unknown (NULL) the stance classifier's verdict stands.

Nothing is guessed: a text the models cannot classify keeps NULL labels and the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from models.article_mix import ArticleMix, article_features
from models.classifier import Outcome, Prediction, TextClassifier
from models.config import ArticleConfig, ModelsConfig
from models.inputs import (
    compose_article_text,
    quote_input,
    quote_spans,
    quote_weight,
    without_quotes,
)
from models.lexicon import lexicon_relevance
from pipeline.core.language import guess_language, normalize_language
from pipeline.core.records import STANCES, AnnotatedArticle, Article, Quote

log = logging.getLogger(__name__)


def article_language(article: Article) -> str | None:
    """The article's language: the declared one, or a guess from its text."""
    return normalize_language(article.language) or guess_language(article.text)


def combine_article_stance(
    article_scores: dict[str, float] | None,
    quote_scores: Sequence[tuple[dict[str, float], float]],
    author_weight: float,
) -> dict[str, float] | None:
    """Mix the article model's scores with the weighted mean of quote scores."""
    quote_mean: dict[str, float] | None = None
    total = sum(w for _, w in quote_scores)
    if quote_scores and total > 0:
        quote_mean = {
            s: sum(scores.get(s, 0.0) * w for scores, w in quote_scores) / total for s in STANCES
        }
    if article_scores is None and quote_mean is None:
        return None
    if article_scores is None:
        return quote_mean
    if quote_mean is None:
        return {s: article_scores.get(s, 0.0) for s in STANCES}
    return {
        s: author_weight * article_scores.get(s, 0.0) + (1 - author_weight) * quote_mean[s]
        for s in STANCES
    }


def decide_article_stance(scores: dict[str, float], balance: float) -> tuple[str, float]:
    """The article's label and its score from the mixed scores.

    The heaviest label wins; a side whose opposite side weighs at least ``balance`` times as
    much is a balanced article, ``neutral``, scored by the neutral mass plus the two sides'
    shared mass (the part of the weight that cancels out).
    """
    label = max(scores, key=lambda k: scores[k])
    if label == "neutral":
        return label, scores[label]
    other = "protective" if label == "restrictive" else "restrictive"
    if scores[other] >= balance * scores[label]:
        return "neutral", scores["neutral"] + 2 * scores[other]
    return label, scores[label]


def annotate_stance(
    articles: list[AnnotatedArticle],
    stance_clf: TextClassifier,
    relevance_clf: TextClassifier,
    article_clf: TextClassifier | None = None,
    weighting: ArticleConfig | None = None,
    mix: ArticleMix | None = None,
) -> None:
    """Fill stance/relevance fields of ``articles`` and their quotes in place (batched).
    With ``mix`` (``[article] method = "learned"``) the learned article model decides article
    stance instead of the weighting."""
    annotate_stance_with(articles, stance_clf, relevance_clf, article_clf, weighting, mix=mix)


def annotate_stance_with(
    articles: list[AnnotatedArticle],
    stance_clf: TextClassifier,
    relevance_clf: TextClassifier,
    article_clf: TextClassifier | None = None,
    weighting: ArticleConfig | None = None,
    stance_for: Sequence[bool] | None = None,
    topic_gate: Sequence[bool] | None = None,
    mix: ArticleMix | None = None,
) -> None:
    """``annotate_stance``; ``stance_for`` (evaluation) picks the articles that get a stance
    instead of the predicted relevance, so article stance can be measured on its own;
    ``topic_gate`` (evaluation) names the items whose quotes the off-topic rule applies to
    (standalone statements are not articles). Default: every item."""
    if not articles:
        return
    weighting = weighting or ArticleConfig()
    languages = [article_language(a.article) for a in articles]
    inputs = [compose_article_text(a.article.title, a.article.text) for a in articles]

    relevance_out = relevance_clf.predict_detailed(inputs, languages)
    off_topic = [False] * len(articles)
    relevant_idx = []
    for i, (item, outcome) in enumerate(zip(articles, relevance_out, strict=True)):
        _fill_relevance(item.article, outcome, languages[i], relevance_clf)
        if item.article.is_relevant is False and (topic_gate is None or topic_gate[i]):
            off_topic[i] = True
            _neutral_off_topic(item.quotes, item.article.relevance_score, relevance_clf.version)
        wanted = stance_for[i] if stance_for is not None else item.article.is_relevant
        if wanted:
            relevant_idx.append(i)

    # Only the quotes of articles not judged off-topic go through the stance model (with the
    # article context the model was trained on, if any; stand-in classifiers may lack the field).
    context = getattr(stance_clf, "quote_context", 0)
    author_text = article_clf is not None and getattr(article_clf, "author_text", False)
    quote_refs = [(i, q) for i, a in enumerate(articles) if not off_topic[i] for q in a.quotes]
    quote_out = stance_clf.predict_detailed(
        [
            quote_input(q.text, articles[i].article.text, q.char_start, q.char_end, context)
            for i, q in quote_refs
        ],
        [languages[i] for i, _ in quote_refs],
    )
    quote_scores: list[list[tuple[dict[str, float], float]]] = [[] for _ in articles]
    quote_reasons: list[str | None] = [None] * len(articles)
    for (i, quote), outcome in zip(quote_refs, quote_out, strict=True):
        scores = _fill_quote(quote, outcome, stance_clf.version)
        if scores is not None:
            quote_scores[i].append((scores, quote_weight(quote)))
        elif quote_reasons[i] is None:
            quote_reasons[i] = f"quotes: {outcome.reason}"

    article_out: list[Outcome | None] = [None] * len(articles)
    if article_clf is not None and relevant_idx:
        article_inputs = [
            article_input(articles[i], True) if author_text else inputs[i] for i in relevant_idx
        ]
        detailed = article_clf.predict_detailed(
            article_inputs, [languages[i] for i in relevant_idx]
        )
        for i, outcome in zip(relevant_idx, detailed, strict=True):
            article_out[i] = outcome

    versions = [relevance_clf.version, stance_clf.version]
    if article_clf is not None:
        versions.append(article_clf.version)
    if mix is not None and mix.version:
        versions.append(mix.version)
    composite = "+".join(versions)
    for i, item in enumerate(articles):
        article = item.article
        article.model_version = composite
        wanted = stance_for[i] if stance_for is not None else article.is_relevant
        if wanted is None:
            article.stance, article.stance_score = None, None
            continue
        if not wanted:
            article.stance, article.stance_score = None, None
            article.stance_note = _join(article.stance_note, "not relevant")
            continue
        outcome = article_out[i]
        article_scores = outcome.prediction.scores if outcome and outcome.prediction else None
        if mix is not None and (article_scores is not None or quote_scores[i]):
            learned = mix.scores(article_features(article_scores, quote_scores[i]))
            article.stance = max(learned, key=lambda k: learned[k])
            article.stance_score = learned[article.stance]
            continue
        scores = combine_article_stance(
            article_scores,
            quote_scores[i],
            weighting.author_weight if article_clf is not None else 0.0,
        )
        if scores is None:
            reasons = [outcome.reason if outcome else None, quote_reasons[i]]
            article.stance, article.stance_score = None, None
            article.stance_note = _join(
                article.stance_note, "; ".join(r for r in reasons if r) or "no stance evidence"
            )
            continue
        article.stance, article.stance_score = decide_article_stance(scores, weighting.balance)


def article_input(item: AnnotatedArticle, author_text: bool) -> str:
    """The article model's input: headline + text, with the quotes cut out for a model trained
    on the author's own words (``author_text``)."""
    text = item.article.text
    if author_text:
        text = without_quotes(text, quote_spans(text, [q.text for q in item.quotes]))
    return compose_article_text(item.article.title, text)


def _fill_quote(quote: Quote, outcome: Outcome, version: str) -> dict[str, float] | None:
    """Write the quote's stance fields; returns its score vector (None when unclassified)."""
    quote.model_version = version
    prediction: Prediction | None = outcome.prediction
    if prediction is None:
        quote.stance, quote.stance_score = None, None
        return None
    quote.stance, quote.stance_score = prediction.label, prediction.score
    return prediction.scores


def _neutral_off_topic(quotes: list[Quote], relevance: float | None, version: str) -> None:
    """Quotes of a non-relevant article: ``neutral`` on access to asylum (see module doc)."""
    for quote in quotes:
        quote.stance = "neutral"
        quote.stance_score = None if relevance is None else 1.0 - relevance
        quote.model_version = version


def _fill_relevance(
    article: Article, outcome: Outcome, language: str | None, clf: TextClassifier
) -> None:
    if outcome.prediction is not None:
        article.relevance_score = outcome.prediction.scores.get("relevant", 0.0)
        article.is_relevant = outcome.prediction.label == "relevant"
        return
    article.relevance_score = None
    verdict = lexicon_relevance(compose_article_text(article.title, article.text), language)
    if verdict is None:
        article.is_relevant = None
        article.stance_note = _join(article.stance_note, outcome.reason or "relevance unknown")
        return
    article.is_relevant = verdict
    article.stance_note = _join(
        article.stance_note, f"{outcome.reason}; relevance from the {language} topic keywords"
    )


def _join(existing: str | None, note: str) -> str:
    return f"{existing}; {note}" if existing else note


def load_annotators(
    config: ModelsConfig, progress: bool = False
) -> tuple[TextClassifier, TextClassifier, TextClassifier | None]:
    """``(stance, relevance, article_stance)`` classifiers, loaded once (trained if needed)."""
    stance = TextClassifier.load("stance", config, progress=progress)
    relevance = TextClassifier.load("relevance", config, progress=progress)
    article = None
    if "article_stance" in config.tasks:
        article = TextClassifier.load("article_stance", config, progress=progress)
    return stance, relevance, article
