"""Article stance learned from labelled articles: a small logistic model over what the article
says itself and the quotes it chooses to give space to.

Features of one article (``FEATURES``): the article-stance model's probabilities on headline +
text (or a uniform third each, with ``has_article`` 0, when no model covers it); the quotes'
stance probabilities averaged with weights by length (words, capped as ``quote_weight``); the
share of that quote weight each stance wins (argmax); whether there are quotes; log(1 + number of
quotes). A multinomial logistic regression (L2, L-BFGS) maps them to the three stances. It is
fitted on the training part of labelled articles with the served models' scores as features,
and chosen against the hand-set weighting on the validation part (``python -m
models.experiments article-mix``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import torch

from pipeline.records import STANCES

FEATURES = (
    *(f"article_{s}" for s in STANCES),
    "has_article",
    *(f"quotes_{s}" for s in STANCES),
    *(f"share_{s}" for s in STANCES),
    "has_quotes",
    "log_quotes",
)


def article_features(
    article_scores: dict[str, float] | None,
    quote_scores: Sequence[tuple[dict[str, float], float]],
) -> list[float]:
    """The feature vector of one article (order: ``FEATURES``)."""
    if article_scores is None:
        out = [1 / 3] * 3 + [0.0]
    else:
        out = [article_scores.get(s, 0.0) for s in STANCES] + [1.0]
    total = sum(w for _, w in quote_scores)
    if quote_scores and total > 0:
        mean = [sum(sc.get(s, 0.0) * w for sc, w in quote_scores) / total for s in STANCES]
        wins = [
            sum(w for sc, w in quote_scores if max(sc, key=lambda k: sc[k]) == s) / total
            for s in STANCES
        ]
        out += mean + wins + [1.0, math.log1p(len(quote_scores))]
    else:
        out += [0.0] * 6 + [0.0, 0.0]
    return out


@dataclass(frozen=True, slots=True)
class ArticleMix:
    """Weights (one row per stance, in ``STANCES`` order) and biases of the fitted model."""

    weights: tuple[tuple[float, ...], ...]
    bias: tuple[float, ...]

    def scores(self, features: Sequence[float]) -> dict[str, float]:
        w = torch.tensor(self.weights)
        logits = w @ torch.tensor(list(features), dtype=torch.float32) + torch.tensor(self.bias)
        probs = torch.softmax(logits, dim=-1).tolist()
        return dict(zip(STANCES, probs, strict=True))

    def save(self, path: Path) -> None:
        data = {"features": list(FEATURES), "labels": list(STANCES),
                "weights": self.weights, "bias": self.bias}  # fmt: skip
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> ArticleMix:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data["features"] != list(FEATURES) or data["labels"] != list(STANCES):
            raise ValueError(f"{path}: written for other features or labels")
        return cls(tuple(tuple(r) for r in data["weights"]), tuple(data["bias"]))


def fit_mix(
    features: Sequence[Sequence[float]], labels: Sequence[str], l2: float = 0.01, seed: int = 13
) -> ArticleMix:
    """Multinomial logistic regression with an L2 penalty on the weights."""
    torch.manual_seed(seed)
    x = torch.tensor([list(f) for f in features], dtype=torch.float32)
    y = torch.tensor([STANCES.index(label) for label in labels])
    linear = torch.nn.Linear(x.shape[1], len(STANCES))
    torch.nn.init.zeros_(linear.weight)
    torch.nn.init.zeros_(linear.bias)
    optimizer = torch.optim.LBFGS(
        linear.parameters(), lr=1.0, max_iter=500, line_search_fn="strong_wolfe"
    )

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(linear(x), y)
        loss = loss + l2 * linear.weight.pow(2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    weights = tuple(tuple(float(v) for v in row) for row in linear.weight.detach())
    return ArticleMix(weights, tuple(float(v) for v in linear.bias.detach()))
