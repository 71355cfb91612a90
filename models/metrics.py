"""Classification metrics: per-class precision/recall/F1, macro-F1, confusion matrix.

A missing prediction (``None``: unsupported language, failure) counts as wrong for recall and is
shown in the confusion matrix under ``NULL``; precision only counts labels actually predicted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

NULL = "NULL"


@dataclass(frozen=True, slots=True)
class ClassScores:
    """Precision, recall, F1 and support of one label."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(slots=True)
class Report:
    """Per-label and overall scores of a classifier on labelled data."""

    labels: tuple[str, ...]
    per_class: dict[str, ClassScores]
    macro_f1: float
    accuracy: float
    n: int
    covered: int  # items with a prediction
    confusion: dict[str, dict[str, int]] = field(default_factory=dict)  # gold -> pred -> count

    def as_dict(self) -> dict:
        """The report as JSON-ready values."""
        return {
            "n": self.n,
            "covered": self.covered,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "per_class": {
                k: {
                    "precision": round(v.precision, 4),
                    "recall": round(v.recall, 4),
                    "f1": round(v.f1, 4),
                    "support": v.support,
                }
                for k, v in self.per_class.items()
            },
            "confusion": self.confusion,
        }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def classification_report(
    gold: Sequence[str], pred: Sequence[str | None], labels: Sequence[str]
) -> Report:
    """Scores of ``pred`` against ``gold`` over ``labels`` (macro-F1 averages all labels)."""
    if len(gold) != len(pred):
        raise ValueError(f"{len(gold)} gold labels but {len(pred)} predictions")
    labels = tuple(labels)
    columns = (*labels, NULL)
    confusion = {g: dict.fromkeys(columns, 0) for g in labels}
    for g, p in zip(gold, pred, strict=True):
        if g not in confusion:
            raise ValueError(f"gold label {g!r} not in {labels}")
        confusion[g][p if p is not None else NULL] = confusion[g].get(p or NULL, 0) + 1
    per_class: dict[str, ClassScores] = {}
    for label in labels:
        tp = confusion[label][label]
        predicted = sum(confusion[g][label] for g in labels)
        support = sum(confusion[label].values())
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        per_class[label] = ClassScores(precision, recall, _f1(precision, recall), support)
    n = len(gold)
    correct = sum(confusion[label][label] for label in labels)
    return Report(
        labels=labels,
        per_class=per_class,
        macro_f1=sum(s.f1 for s in per_class.values()) / len(labels) if labels else 0.0,
        accuracy=correct / n if n else 0.0,
        n=n,
        covered=sum(p is not None for p in pred),
        confusion=confusion,
    )


@dataclass(frozen=True, slots=True)
class BinaryScores:
    """Precision, recall and F1 of a yes/no decision."""

    precision: float
    recall: float
    f1: float
    n: int
    covered: int


def binary_scores(gold: Sequence[bool], pred: Sequence[bool | None]) -> BinaryScores:
    """Precision/recall/F1 of the positive class; ``None`` predictions count as negative."""
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, pred, strict=True) if not g and p)
    fn = sum(1 for g, p in zip(gold, pred, strict=True) if g and not p)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return BinaryScores(
        precision, recall, _f1(precision, recall), len(gold), sum(p is not None for p in pred)
    )


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 15
) -> float:
    """ECE: the confidence-weighted gap between confidence and accuracy, over equal-width bins
    of the predicted label's probability (Guo et al. 2017)."""
    if len(confidences) != len(correct):
        raise ValueError(f"{len(confidences)} confidences but {len(correct)} outcomes")
    n = len(confidences)
    if n == 0:
        return 0.0
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        idx = [i for i, c in enumerate(confidences) if lo < c <= hi or (b == 0 and c == 0.0)]
        if idx:
            conf = sum(confidences[i] for i in idx) / len(idx)
            acc = sum(1 for i in idx if correct[i]) / len(idx)
            total += len(idx) / n * abs(conf - acc)
    return total
