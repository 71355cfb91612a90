"""Evaluate the quote stage against gold quotes (read by ``pipeline.core.gold``).

Matching (per quote type, direct and indirect separately):
- a gold quote is *found* when one predicted quote of the same type covers at least 80% of
  its characters, counted after normalising quote marks and white space (quote marks and
  spaces do not count);
- a predicted quote is *correct* when it overlaps a gold quote of the same type.
Speaker accuracy is measured on found quotes (the predicted quote covering most of the gold
quote); role accuracy, macro-F1 and the confusion matrix on found quotes whose speaker is right.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pipeline.core.gold import GoldArticle
from pipeline.core.records import QUOTE_TYPES, Quote
from pipeline.quotes import analyse
from pipeline.quotes.roles import assign_roles
from pipeline.quotes.speaker_match import covered, found_quote, same_speaker


@dataclass(slots=True)
class TypeScores:
    """Quote detection counts and scores for one quote type."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0

    @property
    def precision(self) -> float:
        """Correct quotes over quotes found."""
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Gold quotes found over gold quotes."""
        return self.found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class EvalResult:
    """The quote stage's scores against gold articles: quotes by type, speakers and roles."""

    by_type: dict[str, TypeScores] = field(default_factory=dict)
    speaker_total: int = 0
    speaker_correct: int = 0
    role_pairs: list[tuple[str, str]] = field(default_factory=list)  # (gold, predicted)
    articles: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def speaker_accuracy(self) -> float:
        """Share of matched quotes whose speaker was right."""
        return self.speaker_correct / self.speaker_total if self.speaker_total else 0.0

    @property
    def role_accuracy(self) -> float:
        """Share of matched quotes whose speaker role was right."""
        if not self.role_pairs:
            return 0.0
        return sum(g == p for g, p in self.role_pairs) / len(self.role_pairs)

    @property
    def role_macro_f1(self) -> float:
        """Macro F1 of the speaker roles."""
        return macro_f1(self.role_pairs)

    def confusion(self) -> dict[str, Counter[str]]:
        """Gold role -> predicted role -> count."""
        out: dict[str, Counter[str]] = {}
        for g, p in self.role_pairs:
            out.setdefault(g, Counter())[p] += 1
        return out


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    """Mean F1 over the labels of ``(gold, predicted)`` pairs."""
    labels = sorted({g for g, _ in pairs} | {p for _, p in pairs})
    if not labels:
        return 0.0
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        fp = sum(1 for g, p in pairs if g != lab and p == lab)
        fn = sum(1 for g, p in pairs if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


Extractor = Callable[[GoldArticle], list[Quote]]


def default_extractor(role_clf: Any | None = None) -> Extractor:
    """The quote stage as the pipeline runs it, speaker roles assigned with ``role_clf``."""

    def run(article: GoldArticle) -> list[Quote]:
        found = analyse(article.text, article.language, article.id)
        assign_roles([(a.quote, a.mention) for a in found], role_clf)
        return [a.quote for a in found]

    return run


def evaluate(articles: Iterable[GoldArticle], extractor: Extractor | None = None) -> EvalResult:
    """Score ``extractor`` (the quote stage by default) against the gold ``articles``."""
    run = extractor or default_extractor()
    res = EvalResult(by_type={t: TypeScores() for t in QUOTE_TYPES})
    for art in articles:
        res.articles += 1
        preds = run(art)
        text = art.text
        for qt in QUOTE_TYPES:
            golds = [g for g in art.quotes if g.quote_type == qt]
            ps = [p for p in preds if p.quote_type == qt]
            sc = res.by_type[qt]
            sc.gold += len(golds)
            sc.predicted += len(ps)
            for p in ps:
                if any(covered(text, (g.start, g.end), (p.char_start, p.char_end)) for g in golds):
                    sc.correct += 1
                else:
                    res.errors.append(
                        {
                            "article": art.id,
                            "kind": "false_positive",
                            "type": qt,
                            "text": p.text[:120],
                            "speaker": p.speaker,
                        }
                    )
            for g in golds:
                best = found_quote(text, g.start, g.end, ps)
                if best is None:
                    res.errors.append(
                        {
                            "article": art.id,
                            "kind": "missed",
                            "type": qt,
                            "text": g.text[:120],
                            "speaker": g.speaker,
                        }
                    )
                    continue
                sc.found += 1
                res.speaker_total += 1
                if same_speaker(g.speaker, best.speaker):
                    res.speaker_correct += 1
                    if g.speaker_role:
                        res.role_pairs.append((g.speaker_role, best.speaker_role or "unknown"))
                        if g.speaker_role != best.speaker_role:
                            res.errors.append(
                                {
                                    "article": art.id,
                                    "kind": "role",
                                    "type": qt,
                                    "text": g.text[:60],
                                    "speaker": g.speaker,
                                    "gold": g.speaker_role,
                                    "predicted": best.speaker_role,
                                }
                            )
                else:
                    res.errors.append(
                        {
                            "article": art.id,
                            "kind": "speaker",
                            "type": qt,
                            "text": g.text[:60],
                            "gold": g.speaker,
                            "predicted": best.speaker,
                        }
                    )
    return res


def summary(res: EvalResult) -> dict[str, Any]:
    """The figures as a plain dict (for JSON output and tests)."""
    out: dict[str, Any] = {"articles": res.articles}
    for qt, sc in res.by_type.items():
        out[qt] = {
            "gold": sc.gold,
            "found": sc.found,
            "predicted": sc.predicted,
            "correct": sc.correct,
            "precision": round(sc.precision, 4),
            "recall": round(sc.recall, 4),
            "f1": round(sc.f1, 4),
        }
    out["speaker_accuracy"] = round(res.speaker_accuracy, 4)
    out["speaker_evaluated"] = res.speaker_total
    out["role_accuracy"] = round(res.role_accuracy, 4)
    out["role_macro_f1"] = round(res.role_macro_f1, 4)
    out["role_evaluated"] = len(res.role_pairs)
    return out
