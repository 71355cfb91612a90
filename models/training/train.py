"""Training: fit a task's classifier from its JSONL file and cache it by content hash.

``train`` fits and returns validation figures; ``ensure_trained`` returns the cached model
folder, training first when the training file, the task's settings or the base model changed.
Training is deterministic: fixed seeds, ``torch.use_deterministic_algorithms`` and
length-sorted batches; the weights' SHA-256 is recorded in ``meta.json``.

Cache layout (``<cache_dir>/<task>-<hash10>/``): ``meta.json`` (labels, languages, version,
validation figures), ``head.safetensors`` and, for the methods that tune the encoder
(``finetune``, ``setfit``), ``encoder/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from safetensors.torch import save_file

from models.article_mix import MIX_FILE, load_article_mix
from models.artifacts import (
    ADAPTER_DIR,
    ENCODER_DIR,
    HEAD,
    META,
    SHIPPED_DIR,
    is_complete,
    model_version,
    read_meta,
)
from models.calibration import calibration_error, fit_temperature
from models.classifier import TextClassifier
from models.config import (
    ENCODER_METHODS,
    LORA_TARGETS,
    ModelsConfig,
    TaskConfig,
    resolve_base_model,
)
from models.encoder import Encoder, configure_threads, pick_device, shared_encoder
from models.head import Head, fit_logistic
from models.metrics import classification_report
from models.training.data import Example, load_examples, split_examples
from pipeline.core.config import ConfigError

log = logging.getLogger(__name__)


@dataclass(slots=True)
class TrainResult:
    """What training a task produced: the model folder and version, the data sizes, the
    validation scores, the time taken and the weights' digest."""

    task: str
    version: str
    path: Path
    method: str
    n_train: int
    n_validation: int
    n_other_language: int  # examples left out: language not covered by the model
    validation: dict  # metrics.Report.as_dict()
    seconds: float
    weights_sha256: str
    temperature: float = 1.0  # folded into the head: scores are softmax(logits / temperature)
    ece_before: float | None = None  # validation ECE before temperature scaling
    ece_after: float | None = None  # and after


@contextlib.contextmanager
def deterministic(seed: int) -> Iterator[None]:
    """Seed every RNG and enable deterministic torch kernels for the block."""
    previous = torch.are_deterministic_algorithms_enabled()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    try:
        yield
    finally:
        torch.use_deterministic_algorithms(previous)


def _progress(enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        disable=not enabled,
    )


def label_ids(task: TaskConfig, examples: list[Example]) -> torch.Tensor:
    """Each example's label as its index in ``task.labels``."""
    return torch.tensor([task.labels.index(e.label) for e in examples])


def _embed(
    encoder: Encoder, examples: list[Example], task: TaskConfig, progress: Progress, label: str
) -> torch.Tensor:
    bar = progress.add_task(label, total=len(examples))
    return encoder.embed(
        [e.text for e in examples],
        task.max_length,
        task.batch_size,
        on_batch=lambda n: progress.advance(bar, n),
        prefix=task.input_prefix,
    )


def _fit_head(
    task: TaskConfig, train: list[Example], config: ModelsConfig, progress: Progress
) -> tuple[Head, Encoder]:
    encoder = shared_encoder(resolve_base_model(task.base_model), pick_device("cpu"))
    pooled = _embed(encoder, train, task, progress, f"{task.name}: embed train")
    targets = label_ids(task, train)
    head = Head(encoder.dim, len(task.labels))
    bar = progress.add_task(f"{task.name}: fit head", total=1)
    fit_logistic(head, pooled, targets, task.l2, task.max_iter)
    progress.advance(bar)
    return head, encoder


BatchLoss = Callable[[Encoder, Head | None, dict[str, torch.Tensor], torch.Tensor], torch.Tensor]


def _tune_encoder(
    task: TaskConfig,
    train: list[Example],
    progress: Progress,
    description: str,
    make_head: Callable[[Encoder], Head | None],
    batch_loss: BatchLoss,
    adapt: Callable[[Encoder], None] | None = None,
) -> tuple[Encoder, Head | None]:
    """Train a private copy of the base encoder (and ``make_head``'s head, if any) on
    ``batch_loss`` with AdamW, linear warm-up and decay, length-bucketed batches in seeded order.
    ``adapt`` may change the copy first (``_lora`` wraps it in adapters and freezes the rest)."""
    # A private copy: the shared (frozen) encoder must stay untouched.
    encoder = Encoder.from_pretrained(resolve_base_model(task.base_model), pick_device("cpu"))
    if adapt is not None:
        adapt(encoder)
    head = make_head(encoder)
    targets = label_ids(task, train)
    token_ids = encoder.tokenize([e.text for e in train], task.max_length, task.input_prefix)
    _freeze_lower_layers(encoder.model, task.train_layers)
    params = [p for p in encoder.model.parameters() if p.requires_grad]
    params += list(head.parameters()) if head is not None else []
    optimizer = torch.optim.AdamW(params, lr=task.learning_rate, weight_decay=0.01)
    steps = task.epochs * -(-len(train) // task.train_batch_size)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / steps)
    )
    bar = progress.add_task(f"{task.name}: {description}", total=steps)
    encoder.model.train()
    for epoch in range(task.epochs):
        for batch in encoder.batches(token_ids, task.train_batch_size, task.seed + epoch):
            loss = batch_loss(encoder, head, batch.inputs, targets[batch.indices])
            if loss.requires_grad:  # a batch may hold nothing to learn from (see _setfit)
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 1.0)
                optimizer.step()
            schedule.step()
            progress.advance(bar)
    encoder.model.eval()
    return encoder, head


def _softmax_head(encoder: Encoder, task: TaskConfig) -> Head:
    head = Head(encoder.dim, len(task.labels))
    head.std.fill_(encoder.dim**-0.5)  # unit-scale inputs for the linear layer
    return head


def _cross_entropy(
    encoder: Encoder, head: Head | None, inputs: dict[str, torch.Tensor], y: torch.Tensor
) -> torch.Tensor:
    assert head is not None
    return torch.nn.functional.cross_entropy(head(encoder.forward(inputs)), y)


def class_weights(task: TaskConfig, train: list[Example]) -> torch.Tensor:
    """Inverse class frequency in ``train``, scaled so the weights average 1 over examples
    (``N / (K * n_c)``; a label without examples gets 1)."""
    counts = torch.bincount(label_ids(task, train), minlength=len(task.labels)).float()
    weights = len(train) / (len(task.labels) * counts.clamp(min=1))
    return torch.where(counts > 0, weights, torch.ones_like(weights))


def _loss_for(task: TaskConfig, train: list[Example]) -> BatchLoss:
    """Plain cross-entropy, or class-weighted with ``class_weighted``."""
    if not task.class_weighted:
        return _cross_entropy
    weights = class_weights(task, train)

    def weighted(
        encoder: Encoder, head: Head | None, inputs: dict[str, torch.Tensor], y: torch.Tensor
    ) -> torch.Tensor:
        assert head is not None
        logits = head(encoder.forward(inputs))
        return torch.nn.functional.cross_entropy(logits, y, weight=weights)

    return weighted


def _fine_tune(
    task: TaskConfig, train: list[Example], config: ModelsConfig, progress: Progress
) -> tuple[Head, Encoder]:
    """Softmax fine-tuning: encoder and head trained together on cross-entropy."""
    encoder, head = _tune_encoder(
        task, train, progress, "fine-tune", lambda e: _softmax_head(e, task), _loss_for(task, train)
    )
    assert head is not None
    return head, encoder


def lora_config(task: TaskConfig, model_type: str) -> Any:
    """peft's LoRA configuration for ``task`` over an encoder of ``model_type`` (a
    transformers ``config.model_type``)."""
    from peft import LoraConfig

    if model_type not in LORA_TARGETS:
        raise ConfigError(
            f"task {task.name!r}: method 'lora' has no attention modules known for "
            f"{model_type!r} encoders (known: {', '.join(sorted(LORA_TARGETS))})"
        )
    return LoraConfig(
        r=task.lora_rank,
        lora_alpha=task.lora_alpha,
        lora_dropout=0.1,
        target_modules=list(LORA_TARGETS[model_type]),
        bias="none",
    )


def _lora(
    task: TaskConfig, train: list[Example], config: ModelsConfig, progress: Progress
) -> tuple[Head, Encoder]:
    """LoRA: the base encoder stays frozen; low-rank updates of its attention query and value
    projections train with a softmax head on cross-entropy. Only the adapter and the head are
    saved (well under 1 MB for a 12-layer, 384-wide encoder at rank 8)."""
    from peft import get_peft_model

    def adapt(encoder: Encoder) -> None:
        model_type = encoder.model.config.model_type
        encoder.model = get_peft_model(encoder.model, lora_config(task, model_type))

    encoder, head = _tune_encoder(
        task,
        train,
        progress,
        "LoRA",
        lambda e: _softmax_head(e, task),
        _loss_for(task, train),
        adapt,
    )
    assert head is not None
    return head, encoder


def _setfit(
    task: TaskConfig, train: list[Example], config: ModelsConfig, progress: Progress
) -> tuple[Head, Encoder]:
    """SetFit-style: contrastive fine-tuning of the sentence encoder, then a logistic head.

    The encoder learns to put same-label texts close and different-label texts apart (cosine
    similarity regressed to 1 or 0, as SetFit's CosineSimilarityLoss), over every pair within
    each batch, so one forward per text yields ``batch_size**2 / 2`` pairs. The head is then fit
    on the tuned encoder's frozen vectors exactly as the ``head`` method does. Unlike a softmax
    fine-tune, the encoder keeps its sentence-similarity geometry.
    """

    def loss(
        encoder: Encoder, head: Head | None, inputs: dict[str, torch.Tensor], y: torch.Tensor
    ) -> torch.Tensor:
        if len(y) < 2:  # no pair in a batch of one
            return torch.zeros(())
        vectors = torch.nn.functional.normalize(encoder.forward(inputs), dim=-1)
        same = (y[:, None] == y[None, :]).float()
        pairs = torch.triu(torch.ones_like(same, dtype=torch.bool), diagonal=1)
        return torch.nn.functional.mse_loss((vectors @ vectors.T)[pairs], same[pairs])

    encoder, _ = _tune_encoder(task, train, progress, "contrastive tuning", lambda e: None, loss)
    pooled = _embed(encoder, train, task, progress, f"{task.name}: embed train")
    targets = label_ids(task, train)
    head = Head(encoder.dim, len(task.labels))
    fit_logistic(head, pooled, targets, task.l2, task.max_iter)
    return head, encoder


def _freeze_lower_layers(model: torch.nn.Module, train_layers: int) -> None:
    """Train only the top ``train_layers`` transformer layers (0 = train everything)."""
    if train_layers <= 0:
        return
    layers = getattr(getattr(model, "encoder", None), "layer", None)
    if layers is None:
        raise ValueError("train_layers needs a BERT-style model (model.encoder.layer)")
    for param in model.parameters():
        param.requires_grad_(False)
    for layer in list(layers)[-train_layers:]:
        for param in layer.parameters():
            param.requires_grad_(True)


def _validation_logits(
    head: Head, encoder: Encoder, examples: list[Example], task: TaskConfig
) -> torch.Tensor:
    if not examples:
        return torch.zeros((0, len(task.labels)))
    pooled = encoder.embed(
        [e.text for e in examples], task.max_length, task.batch_size, prefix=task.input_prefix
    )
    with torch.inference_mode():
        return head(pooled).float()


def calibrate(head: Head, temperature: float) -> None:
    """Fold ``1 / temperature`` into the head's linear layer: the served probabilities become
    ``softmax(logits / temperature)``; the predicted labels do not change."""
    with torch.no_grad():
        head.linear.weight.div_(temperature)
        head.linear.bias.div_(temperature)


def train(
    task_name: str,
    config: ModelsConfig,
    progress: bool = True,
    output_dir: Path | None = None,
) -> TrainResult:
    """Fit ``task_name``'s classifier and save it to ``output_dir`` (default: its cache folder)."""
    task = config.task(task_name)
    started = time.perf_counter()
    examples = load_examples(task)
    train_set, validation = split_examples(examples, task.languages)
    other = len(examples) - len(train_set) - len(validation)
    missing = sorted(set(task.labels) - {e.label for e in train_set})
    if missing:
        raise ValueError(f"{task.data}: no training examples for labels {missing}")
    version = model_version(task)
    target = Path(output_dir) if output_dir is not None else config.cache_dir / version
    configure_threads(config.serving.threads)
    with deterministic(task.seed), _progress(progress) as bars:
        fit = {"head": _fit_head, "finetune": _fine_tune, "setfit": _setfit, "lora": _lora}[
            task.method
        ]
        head, encoder = fit(task, train_set, config, bars)
        logits = _validation_logits(head, encoder, validation, task)
        targets = label_ids(task, validation)
        temperature = fit_temperature(logits, targets)
        calibrate(head, temperature)
    predicted = [task.labels[i] for i in logits.argmax(dim=-1).tolist()]
    report = classification_report([e.label for e in validation], predicted, task.labels)
    weights = {f"head.{k}": v.detach().contiguous() for k, v in head.state_dict().items()}
    digest = hashlib.sha256()
    for k in sorted(weights):
        digest.update(weights[k].numpy().tobytes())
    if task.method in (*ENCODER_METHODS, "lora"):  # the encoder is part of the trained model
        state = encoder.model.state_dict()
        for k in sorted(state):
            digest.update(state[k].detach().cpu().contiguous().numpy().tobytes())
    weights_sha = digest.hexdigest()
    result = TrainResult(
        task=task.name,
        version=version,
        path=target,
        method=task.method,
        n_train=len(train_set),
        n_validation=len(validation),
        n_other_language=other,
        validation=report.as_dict(),
        seconds=round(time.perf_counter() - started, 2),
        weights_sha256=weights_sha,
        temperature=round(temperature, 4),
        ece_before=calibration_error(logits, targets, 1.0),
        ece_after=calibration_error(logits, targets, temperature),
    )
    _save(result, task, head, encoder, weights)
    return result


def _save(
    result: TrainResult, task: TaskConfig, head: Head, encoder: Encoder, weights: dict
) -> None:
    target = result.path
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        save_file(weights, str(tmp / HEAD))
        if task.method in ENCODER_METHODS:
            encoder.model.save_pretrained(tmp / ENCODER_DIR)
            encoder.tokenizer.save_pretrained(tmp / ENCODER_DIR)
        elif task.method == "lora":
            encoder.model.save_pretrained(tmp / ADAPTER_DIR)
        meta = {
            "task": task.name,
            "version": result.version,
            "labels": list(task.labels),
            "languages": list(task.languages),
            "method": task.method,
            "base_model": task.base_model,
            "max_length": task.max_length,
            "dim": encoder.dim,
            "settings": task.fingerprint(),
            "train_result": {k: v for k, v in asdict(result).items() if k != "path"},
        }
        (tmp / META).write_text(json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def ensure_trained(task: str, config: ModelsConfig, progress: bool = True) -> Path:
    """The model folder for ``task``: the one shipped in the repository (``models/shipped/``)
    when its version matches the configuration and data, else the cached one, training it first
    if it is missing or stale."""
    version = model_version(config.task(task))
    if is_complete(SHIPPED_DIR / version):
        return SHIPPED_DIR / version
    path = config.cache_dir / version
    if is_complete(path):
        return path
    log.info("training %s (no cached model at %s)", task, path)
    return train(task, config, progress=progress).path


def ship(path: Path, shipped_dir: Path = SHIPPED_DIR) -> Path:
    """Copy a trained model folder into ``shipped_dir`` (replacing older versions of its task).

    Only models whose parts are small ship: a head, and a LoRA adapter; a fine-tuned encoder
    (hundreds of MB) is refused."""
    meta = read_meta(path)
    if meta["method"] in ENCODER_METHODS:
        raise ValueError(f"{path}: a {meta['method']} model carries its whole encoder: not shipped")
    shipped_dir.mkdir(parents=True, exist_ok=True)
    for old in shipped_dir.glob(f"{meta['task']}-*"):
        shutil.rmtree(old)
    target = shipped_dir / meta["version"]
    shutil.copytree(path, target)
    return target


def ship_article_mix(config: ModelsConfig, shipped_dir: Path = SHIPPED_DIR) -> Path | None:
    """Fit (or find) the learned article model of ``config`` over its configured classifiers and
    copy it into ``shipped_dir``, replacing older ones; None when ``[article] method`` is not
    ``learned``."""
    stance = TextClassifier.load("stance", config)
    article = None
    if "article_stance" in config.tasks:
        article = TextClassifier.load("article_stance", config)
    mix = load_article_mix(config, stance, article)
    if mix is None:
        return None
    target = shipped_dir / mix.version
    if (target / MIX_FILE).is_file():
        return target
    for old in shipped_dir.glob("article_mix-*"):
        shutil.rmtree(old)
    shutil.copytree(config.cache_dir / mix.version, target)
    return target
