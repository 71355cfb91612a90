"""The classification head on top of mean-pooled sentence vectors.

``logits = W @ ((normalize(x) - mean) / std) + b``. The standardisation statistics are part of
the head, so a frozen-encoder logistic head trains like a regularised logistic regression on
standardised features.
"""

from __future__ import annotations

import torch
from torch import nn


class Head(nn.Module):
    """A linear classification head over standardised, normalised sentence embeddings."""

    def __init__(self, dim: int, n_labels: int) -> None:
        super().__init__()
        self.linear = nn.Linear(dim, n_labels)
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("std", torch.ones(dim))

    def features(self, pooled: torch.Tensor) -> torch.Tensor:
        """The head's inputs: ``pooled`` normalised to unit length, then standardised."""
        unit = nn.functional.normalize(pooled.float(), dim=-1)
        return (unit - self.mean) / self.std

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        """The logits for ``pooled``."""
        return self.linear(self.features(pooled))

    def set_standardisation(self, pooled: torch.Tensor) -> None:
        """Set the standardisation's mean and spread from the training embeddings ``pooled``."""
        unit = nn.functional.normalize(pooled.float(), dim=-1)
        self.mean.copy_(unit.mean(dim=0))
        self.std.copy_(unit.std(dim=0).clamp(min=1e-4))


def fit_logistic(
    head: Head, pooled: torch.Tensor, targets: torch.Tensor, l2: float, max_iter: int
) -> float:
    """Full-batch L-BFGS fit of ``head.linear`` (frozen features); returns the final loss."""
    head.set_standardisation(pooled)
    with torch.no_grad():
        feats = head.features(pooled)
        head.linear.weight.zero_()
        head.linear.bias.zero_()
    optimizer = torch.optim.LBFGS(
        head.linear.parameters(), lr=1.0, max_iter=max_iter, line_search_fn="strong_wolfe"
    )

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        logits = head.linear(feats)
        loss = nn.functional.cross_entropy(logits, targets)
        loss = loss + l2 * head.linear.weight.pow(2).sum()
        loss.backward()
        return loss

    loss = optimizer.step(closure)
    return float(loss.detach())
