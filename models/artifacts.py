"""Trained model folders: their layout, their version, and where a served model is found.

A model's version is ``<task>-<hash10>``: a hash of its training data, its settings, its base
model and the trainer's version (:data:`TRAINER_VERSION`), so a change to any of them asks for a
new model. The folder holds ``meta.json`` (labels, languages, version, validation figures),
``head.safetensors`` and, by method, ``encoder/`` (``finetune``, ``setfit``) or ``adapter/``
(``lora``). Serving reads folders through this module; :mod:`models.training` writes them.
Importing it loads no torch: the command line computes versions and reports errors quickly.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.config import ModelsConfig, TaskConfig, resolve_base_model

if TYPE_CHECKING:
    from models.head import Head


class DataError(ValueError):
    """A training or gold file is missing or has a bad line (message names file and line)."""


# Bump when the training algorithm changes, so cached models are retrained.
TRAINER_VERSION = "2"  # 2: temperature scaling folded into the head
META = "meta.json"
HEAD = "head.safetensors"
ENCODER_DIR = "encoder"
ADAPTER_DIR = "adapter"  # lora: the peft adapter over the base encoder
# Trained models committed to the repository (heads and adapters only: small), so a fresh clone
# serves without training. A model is used only when its version (the hash of its data, settings
# and base model) is the configured one; `asylumwatch train --ship` writes them.
SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _source_sha256(path: Path, task: str) -> str:
    """A training source's content hash: the file, or a folder's .md files (names and bytes)."""
    if path.is_file():
        return _file_sha256(path)
    if not path.is_dir():
        raise DataError(f"{path}: training source for task {task!r} not found")
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*.md")):
        digest.update(file.relative_to(path).as_posix().encode())
        digest.update(_file_sha256(file).encode())
    return digest.hexdigest()


_MODEL_IDENTITY: dict[str, str] = {}


def base_model_identity(base_model: str) -> str:
    """Content identity of the base model: the config name plus its files' sizes and config."""
    if base_model in _MODEL_IDENTITY:
        return _MODEL_IDENTITY[base_model]
    resolved = Path(resolve_base_model(base_model))
    parts = [base_model]
    if resolved.is_dir():
        for file in sorted(resolved.rglob("*")):
            if file.is_file():
                parts.append(f"{file.relative_to(resolved)}:{file.stat().st_size}")
        config = resolved / "config.json"
        if config.exists():
            parts.append(_file_sha256(config))
    identity = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    _MODEL_IDENTITY[base_model] = identity
    return identity


def task_hash(task: TaskConfig) -> str:
    """Hash of training data + task settings + base model + trainer version."""
    digest = hashlib.sha256()
    digest.update(TRAINER_VERSION.encode())
    digest.update(json.dumps(task.fingerprint(), sort_keys=True).encode())
    if not task.data.is_file():
        raise DataError(f"{task.data}: training file for task {task.name!r} not found")
    for source in task.sources:
        digest.update(_source_sha256(source, task.name).encode())
    digest.update(base_model_identity(task.base_model).encode())
    return digest.hexdigest()


def model_version(task: TaskConfig) -> str:
    """``<task>-<hash10>``: the version a model of this task, data and settings has."""
    return f"{task.name}-{task_hash(task)[:10]}"


def is_complete(path: Path) -> bool:
    """Whether a model folder holds its ``meta.json`` and its head."""
    return (path / META).exists() and (path / HEAD).exists()


def find_trained(task: str, config: ModelsConfig) -> Path | None:
    """The folder of ``task``'s model at its configured version: the one shipped in the
    repository (``models/shipped/``) first, else the cached one; None when neither exists."""
    version = model_version(config.task(task))
    for folder in (SHIPPED_DIR / version, config.cache_dir / version):
        if is_complete(folder):
            return folder
    return None


def load_head(path: Path, n_labels: int, dim: int) -> Head:
    """A model folder's classification head, ready for inference."""
    from safetensors.torch import load_file  # torch: only when a model is served

    from models.head import Head

    head = Head(dim, n_labels)
    state = {k.removeprefix("head."): v for k, v in load_file(str(path / HEAD)).items()}
    head.load_state_dict(state)
    head.eval()
    return head


def read_meta(path: Path) -> dict[str, Any]:
    """A model folder's ``meta.json``."""
    meta: dict[str, Any] = json.loads((path / META).read_text(encoding="utf-8"))
    return meta
