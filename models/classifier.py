"""Serving: a trained task classifier, loaded once per process, predicting in sorted batches.

``TextClassifier.load(task, config)`` trains the model first if the cache lacks it. ``predict``
returns one ``Prediction`` or ``None`` per text; ``None`` comes with a logged reason (language not
covered by the model, empty text, a failure) that ``predict_detailed`` also returns.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from models.config import ENCODER_METHODS, ModelsConfig, resolve_base_model
from models.encoder import Encoder, configure_threads, pick_device, pick_dtype, shared_encoder
from models.head import Head
from models.train import ENCODER_DIR, ensure_trained, load_head, read_meta
from pipeline.language import guess_language, normalize_language

log = logging.getLogger(__name__)


# Named tuples rather than frozen dataclasses: serving builds two per text, and a frozen
# dataclass's __init__ costs more per text than a GPU's forward pass (docs/performance.md).
class Prediction(NamedTuple):
    label: str
    score: float  # probability of ``label``
    scores: dict[str, float]  # probability of every label


class Outcome(NamedTuple):
    prediction: Prediction | None
    reason: str | None  # why ``prediction`` is None


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while serving builds its per-text objects.

    Token lists, score dicts and outcomes are created by the ten thousand and hold no cycles;
    with the collector on, its repeated passes over the loaded model's objects cost more per text
    than the rest of serving (measured in bench/bench_classifier.py). Reference counting still
    frees everything; the collector resumes afterwards if it was on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class TextClassifier:
    """One task's classifier: encoder + head, its labels, languages and version."""

    def __init__(
        self,
        task: str,
        labels: Sequence[str],
        languages: Sequence[str],
        version: str,
        encoder: Encoder,
        head: Head,
        max_length: int,
        batch_size: int = 32,
    ) -> None:
        self.task = task
        self.labels = tuple(labels)
        self.languages = tuple(languages)
        self.version = version
        self.encoder = encoder
        self.head = head.to(encoder.device)
        self.max_length = max_length
        self.batch_size = batch_size

    @classmethod
    def load(cls, task: str, config: ModelsConfig, progress: bool = False) -> TextClassifier:
        """Load ``task``'s trained model (training and caching it first if needed)."""
        path = ensure_trained(task, config, progress=progress)
        return cls.from_path(path, config)

    @classmethod
    def from_path(cls, path: Path, config: ModelsConfig) -> TextClassifier:
        meta = read_meta(path)
        configure_threads(config.serving.threads)
        device = pick_device(config.serving.device)
        dtype = pick_dtype(config.serving.dtype, device)
        if meta["method"] in ENCODER_METHODS:
            encoder = shared_encoder(str(path / ENCODER_DIR), device, dtype)
        else:
            encoder = shared_encoder(resolve_base_model(meta["base_model"]), device, dtype)
        head = load_head(path, len(meta["labels"]), meta["dim"])
        return cls(
            task=meta["task"],
            labels=meta["labels"],
            languages=meta["languages"],
            version=meta["version"],
            encoder=encoder,
            head=head,
            max_length=meta["max_length"],
            batch_size=config.serving.batch_size_for(
                device.type, meta["settings"].get("batch_size", 32)
            ),
        )

    def supports(self, language: str | None) -> bool:
        return language is None or language in self.languages

    def predict(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[Prediction | None]:
        """One prediction per text; ``None`` (reason logged) where it cannot classify."""
        return [o.prediction for o in self.predict_detailed(texts, languages)]

    def predict_detailed(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[Outcome]:
        if languages is not None and len(languages) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(languages)} languages")
        outcomes: list[Outcome | None] = [None] * len(texts)
        todo: list[int] = []
        for i, text in enumerate(texts):
            reason = self._skip_reason(text, languages[i] if languages is not None else None)
            if reason is None:
                todo.append(i)
            else:
                outcomes[i] = Outcome(None, reason)
        for i, outcome in zip(todo, self._classify([texts[i] for i in todo]), strict=True):
            outcomes[i] = outcome
        for outcome in outcomes:
            if outcome is not None and outcome.reason:
                log.info("%s: no label: %s", self.version, outcome.reason)
        return [o if o is not None else Outcome(None, "not classified") for o in outcomes]

    def _skip_reason(self, text: str, language: str | None) -> str | None:
        if not isinstance(text, str) or not text.strip():
            return "empty text"
        lang = normalize_language(language) or guess_language(text)
        if not self.supports(lang):
            covered = ", ".join(self.languages)
            return f"language {lang} not supported by model {self.version} (covers {covered})"
        return None

    def _classify(self, texts: list[str]) -> list[Outcome]:
        """Classify in length-sorted batches; a failing batch is retried text by text."""
        if not texts:
            return []
        try:
            return self._run(texts)
        except Exception as exc:  # noqa: BLE001 - isolate the failing texts below
            if len(texts) == 1:
                return [Outcome(None, f"classification failed: {type(exc).__name__}: {exc}")]
            log.warning("%s: batch failed (%s); retrying one by one", self.version, exc)
            return [self._classify([t])[0] for t in texts]

    def _run(self, texts: list[str]) -> list[Outcome]:
        with paused_gc():
            return self._run_batches(texts)

    def _run_batches(self, texts: list[str]) -> list[Outcome]:
        token_ids = self.encoder.tokenize(texts, self.max_length)
        order: list[int] = []
        parts: list[torch.Tensor] = []
        with torch.inference_mode():
            for batch in self.encoder.batches(token_ids, self.batch_size):
                parts.append(self.head(self.encoder.forward(batch.inputs)))
                order.extend(batch.indices)
            # one device-to-host copy for the whole call; nothing waits on the GPU before it
            sorted_probs = torch.softmax(torch.cat(parts), dim=-1).cpu().numpy()
        probs = np.empty_like(sorted_probs, dtype=np.float64)
        probs[np.asarray(order)] = sorted_probs
        return self._outcomes(probs)

    def _outcomes(self, probs: np.ndarray) -> list[Outcome]:
        """One outcome per row of ``probs`` (float64), with whole-array numpy work."""
        failed = np.isnan(probs).any(axis=1).tolist()
        best = np.nan_to_num(probs, nan=-1.0).argmax(axis=1).tolist()
        rows = probs.tolist()
        rounded = probs.round(6).tolist()
        labels = self.labels
        return [
            Outcome(None, "classification failed: NaN scores")
            if bad
            else Outcome(Prediction(labels[b], row[b], dict(zip(labels, r, strict=True))), None)
            for bad, b, row, r in zip(failed, best, rows, rounded, strict=True)
        ]
