"""Temperature scaling (Guo et al. 2017): one scalar that softens or sharpens a model's
probabilities so they match how often it is right, chosen on held-out data. The predicted
labels do not change. Used by every trained head and by the learned article mix."""

from __future__ import annotations

import torch

from models.metrics import expected_calibration_error

TEMPERATURES = torch.exp(torch.linspace(-1.5, 1.5, 61))  # about 0.22 to 4.5; 1.0 included


def fit_temperature(logits: torch.Tensor, targets: torch.Tensor) -> float:
    """The temperature minimising the negative log-likelihood of ``targets`` under
    ``softmax(logits / t)`` (a 1-D grid search); 1.0 without data."""
    if len(targets) == 0:
        return 1.0
    nll = [torch.nn.functional.cross_entropy(logits / t, targets).item() for t in TEMPERATURES]
    return float(TEMPERATURES[int(torch.tensor(nll).argmin())])


def calibration_error(
    logits: torch.Tensor, targets: torch.Tensor, temperature: float
) -> float | None:
    """Expected calibration error (15 bins) of ``softmax(logits / temperature)``, rounded to
    four places; None without data."""
    if len(targets) == 0:
        return None
    probs = torch.softmax(logits / temperature, dim=-1)
    conf, pred = probs.max(dim=-1)
    return round(expected_calibration_error(conf.tolist(), (pred == targets).tolist()), 4)
