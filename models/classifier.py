"""Serving: a trained task classifier, loaded once per process, predicting in sorted batches.

``TextClassifier.load(task, config)`` trains the model first if the cache lacks it. ``predict``
returns one ``Prediction`` or ``None`` per text; ``None`` comes with a logged reason (language not
covered by the model, empty text, a failure) that ``predict_detailed`` also returns.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from models.artifacts import ADAPTER_DIR, ENCODER_DIR, find_trained, load_head, read_meta
from models.config import ENCODER_METHODS, ModelsConfig, resolve_base_model
from models.encoder import (
    Batch,
    Encoder,
    configure_threads,
    pick_device,
    pick_dtype,
    shared_encoder,
)
from models.head import Head
from pipeline.core.language import guess_language, normalize_language

log = logging.getLogger(__name__)


# Named tuples rather than frozen dataclasses: serving builds two per text, and two frozen
# dataclasses took about 5 us per text on the 2-core development machine, more than an H200's
# forward pass per quote (about 4 us, docs/performance.md).
class Prediction(NamedTuple):
    """A label, its probability and every label's probability."""

    label: str
    score: float  # probability of ``label``
    scores: dict[str, float]  # probability of every label


class Outcome(NamedTuple):
    """A prediction, or the reason there is none."""

    prediction: Prediction | None
    reason: str | None  # why ``prediction`` is None


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while serving builds its per-text objects.

    Token lists, score dicts and outcomes are created by the ten thousand and hold no cycles;
    with the collector on, its repeated passes over the objects already alive made building the
    results take about 10 us per text instead of 3.5 on the 2-core development machine.
    Reference counting still frees everything; the collector resumes afterwards if it was on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# Batches per pipelined chunk: large enough to sort lengths well, small enough to overlap.
CHUNK_BATCHES = 16
# A launched chunk: (input positions in batch order, scores still on the device), or the error.
Launched = tuple[list[int], torch.Tensor] | Exception


def _merged_lora_encoder(
    path: Path, meta: dict, device: torch.device, dtype: torch.dtype
) -> Encoder:
    """A private copy of the base encoder with the task's LoRA adapter merged into its weights
    (serving then costs exactly a plain forward pass)."""
    from peft import PeftModel

    encoder = Encoder.from_pretrained(resolve_base_model(meta["base_model"]), device, dtype)
    with warnings.catch_warnings():  # peft calls a transformers method deprecated in v5
        warnings.simplefilter("ignore", FutureWarning)
        adapted = PeftModel.from_pretrained(encoder.model, str(path / ADAPTER_DIR))
    merged = adapted.merge_and_unload()
    encoder.model = merged.eval()
    return encoder


def _train_missing(task: str, config: ModelsConfig, progress: bool) -> Path:
    """Train ``task``'s model when neither a shipped nor a cached one exists (a new config or
    new data). Training lies a layer above serving: it is loaded by name, here only, so that
    serving never imports it (tests/test_architecture.py) and a served model costs no trainer."""
    training = importlib.import_module("models.training.train")
    path: Path = training.ensure_trained(task, config, progress=progress)
    return path


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
        quote_context: int = 0,
        author_text: bool = False,
        input_prefix: str = "",
    ) -> None:
        self.task = task
        self.labels = tuple(labels)
        self.languages = tuple(languages)
        self.version = version
        self.encoder = encoder
        self.head = head.to(encoder.device)
        self.max_length = max_length
        self.batch_size = batch_size
        # Quote models: characters of article context read beside the span (models.inputs).
        self.quote_context = quote_context
        # Article models: read the article with its quotes cut out (models.inputs.without_quotes).
        self.author_text = author_text
        # Read before every text, as in training (the task's ``input_prefix``).
        self.input_prefix = input_prefix

    @classmethod
    def load(cls, task: str, config: ModelsConfig, progress: bool = False) -> TextClassifier:
        """Load ``task``'s trained model (training and caching it first if needed)."""
        path = find_trained(task, config)
        if path is None:
            path = _train_missing(task, config, progress)
        return cls.from_path(path, config)

    @classmethod
    def from_path(cls, path: Path, config: ModelsConfig) -> TextClassifier:
        """Load the trained model folder ``path`` for serving, on the device and in the precision
        ``config`` asks for."""
        meta = read_meta(path)
        configure_threads(config.serving.threads)
        device = pick_device(config.serving.device)
        dtype = pick_dtype(config.serving.dtype, device)
        if meta["method"] in ENCODER_METHODS:
            encoder = shared_encoder(str(path / ENCODER_DIR), device, dtype)
        elif meta["method"] == "lora":
            encoder = _merged_lora_encoder(path, meta, device, dtype)
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
            quote_context=meta["settings"].get("quote_context", 0),
            author_text=meta["settings"].get("author_text", False),
            input_prefix=meta["settings"].get("input_prefix", ""),
        )

    def supports(self, language: str | None) -> bool:
        """Whether the model was trained for ``language`` (None: unknown, tried anyway)."""
        return language is None or language in self.languages

    def predict(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[Prediction | None]:
        """One prediction per text; ``None`` (reason logged) where it cannot classify."""
        return [o.prediction for o in self.predict_detailed(texts, languages)]

    def predict_detailed(
        self, texts: Sequence[str], languages: Sequence[str | None] | None = None
    ) -> list[Outcome]:
        """A prediction per text, or the reason there is none (empty, or a language the model does
        not cover); raises ValueError when ``languages`` does not match ``texts``."""
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
        """Classify in chunks of ``CHUNK_BATCHES`` length-sorted batches, pipelined.

        A worker thread tokenises chunk k+1 (the Rust tokenizer releases the GIL) while this
        thread launches chunk k's forward passes, and chunk k-1's scores are copied back only
        once chunk k is queued, so neither the tokenizer nor the device waits for the other.
        A chunk that fails is retried text by text: only the failing text gets no label.
        """
        if not texts:
            return []
        size = self.batch_size * CHUNK_BATCHES
        chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
        outcomes: list[Outcome] = []
        with paused_gc(), ThreadPoolExecutor(max_workers=1) as tokenizer_thread:
            upcoming = tokenizer_thread.submit(self._prepare, chunks[0])
            waiting: tuple[list[str], Launched] | None = None
            for k, chunk in enumerate(chunks):
                ready = upcoming
                if k + 1 < len(chunks):
                    upcoming = tokenizer_thread.submit(self._prepare, chunks[k + 1])
                launched = self._launch(ready)
                if waiting is not None:
                    outcomes.extend(self._collect(*waiting))
                waiting = (chunk, launched)
            assert waiting is not None
            outcomes.extend(self._collect(*waiting))
        return outcomes

    def _prepare(self, texts: list[str]) -> list[Batch]:
        """Tokenise, sort by length, pad, and move to the device (runs in the worker thread)."""
        token_ids = self.encoder.tokenize(texts, self.max_length, self.input_prefix)
        return list(self.encoder.batches(token_ids, self.batch_size))

    def _launch(self, prepared: Future[list[Batch]]) -> Launched:
        """Queue a chunk's forward passes; on a GPU this returns before they finish."""
        try:
            order: list[int] = []
            parts: list[torch.Tensor] = []
            with torch.inference_mode():
                for batch in prepared.result():
                    parts.append(self.head(self.encoder.forward(batch.inputs)))
                    order.extend(batch.indices)
                return order, torch.softmax(torch.cat(parts), dim=-1)
        except Exception as exc:  # noqa: BLE001 - isolated in _collect
            return exc

    def _collect(self, texts: list[str], launched: Launched) -> list[Outcome]:
        """Outcomes of a launched chunk, in input order (waits for its scores only)."""
        if not isinstance(launched, Exception):
            order, scores = launched
            try:
                sorted_probs = scores.cpu().numpy()
            except Exception as exc:  # noqa: BLE001 - a device error surfaces here
                launched = exc
            else:
                probs = np.empty_like(sorted_probs, dtype=np.float64)
                probs[np.asarray(order)] = sorted_probs
                return self._outcomes(probs)
        if len(texts) == 1:
            reason = f"classification failed: {type(launched).__name__}: {launched}"
            return [Outcome(None, reason)]
        log.warning("%s: batch failed (%s); retrying one by one", self.version, launched)
        return [self._classify([t])[0] for t in texts]

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
