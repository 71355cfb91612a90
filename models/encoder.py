"""The sentence encoder: a Hugging Face model + tokenizer, mean-pooled, loaded offline.

Texts are tokenized once without padding (by the Rust tokenizer directly when the model has a
fast one: the ``transformers`` wrapper added about 60% to the time per text on short quotes),
sorted by length and cut into batches padded only to the longest text in each batch (dynamic
padding); the forward pass runs under ``torch.inference_mode``. Encoders are cached per
(folder, device, dtype) so a process loads each one once, however many classifiers share it.
"""

from __future__ import annotations

import copy
import itertools
import logging
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import AutoModel, AutoTokenizer, PreTrainedTokenizerBase
from transformers.utils import logging as hf_logging

log = logging.getLogger(__name__)

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def pick_device(setting: str = "auto") -> torch.device:
    """``auto`` picks CUDA when present; ``cuda`` without a GPU is an error."""
    if setting == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device 'cuda' requested but torch sees no CUDA device")
    if setting == "auto":
        setting = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(setting)


DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def pick_dtype(setting: str, device: torch.device) -> torch.dtype:
    """``auto``: bfloat16 on a CUDA device that supports it, float32 otherwise."""
    if setting == "auto":
        if device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float32
    return DTYPES[setting]


def configure_threads(threads: int = 0) -> int:
    """Set torch's intra-op threads (0 = the cores available); returns the count set."""
    count = threads or available_cores()
    if torch.get_num_threads() != count:
        torch.set_num_threads(count)
    return count


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average of token vectors where ``mask`` is 1."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)


@dataclass(slots=True)
class Batch:
    """Tokenised inputs of one batch and their positions in the caller's input."""

    indices: list[int]  # positions in the caller's input
    inputs: dict[str, torch.Tensor]


class Encoder:
    """A transformer encoder and its tokenizer, producing mean-pooled sentence vectors."""

    def __init__(
        self, model: torch.nn.Module, tokenizer: PreTrainedTokenizerBase, device: torch.device
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self._truncating: dict[int, Tokenizer] = {}  # max_length -> Rust tokenizer
        self._lock = threading.Lock()

    @classmethod
    def from_pretrained(
        cls,
        name_or_path: str,
        device: torch.device | None = None,
        dtype: torch.dtype = torch.float32,
    ) -> Encoder:
        """Load from a local folder or the local Hugging Face cache; never downloads."""
        device = device or torch.device("cpu")
        local = Path(name_or_path).expanduser()
        source = str(local) if local.exists() else name_or_path
        hf_logging.disable_progress_bar()
        verbosity = hf_logging.get_verbosity()
        # The load report would list the pooler that sentence encoders do not ship (and this
        # project never uses: vectors are mean-pooled); errors still raise.
        hf_logging.set_verbosity_error()
        try:
            tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
            model = AutoModel.from_pretrained(source, local_files_only=True, dtype=dtype)
        except OSError as exc:
            raise OSError(
                f"cannot load model {name_or_path!r} offline: {exc}. Configure a local folder "
                "or a model already in the Hugging Face cache."
            ) from exc
        finally:
            hf_logging.set_verbosity(verbosity)
        model.eval()
        model.to(device)
        return cls(model, tokenizer, device)

    @property
    def dim(self) -> int:
        """The size of the encoder's embeddings."""
        return int(self.model.config.hidden_size)

    def tokenize(self, texts: Sequence[str], max_length: int, prefix: str = "") -> list[list[int]]:
        """Token ids per text (after ``prefix``), special tokens included, truncated to
        ``max_length``, unpadded."""
        if prefix:
            texts = [prefix + text for text in texts]
        rust = self._rust_tokenizer(max_length)
        if rust is None:  # a slow (Python) tokenizer
            encoded = self.tokenizer(
                list(texts), truncation=True, max_length=max_length, padding=False
            )
            return encoded["input_ids"]
        return [e.ids for e in rust.encode_batch_fast(list(texts))]

    def _rust_tokenizer(self, max_length: int) -> Tokenizer | None:
        """The fast tokenizer's Rust core, set to truncate at ``max_length`` (one per length).

        It gives the ids that ``self.tokenizer(texts, truncation=True, max_length=...)`` gives,
        without the wrapper's per-text Python work; ``encode_batch_fast`` skips offsets.
        """
        if not getattr(self.tokenizer, "is_fast", False):
            return None
        with self._lock:
            if max_length not in self._truncating:
                rust = copy.deepcopy(self.tokenizer.backend_tokenizer)
                rust.no_padding()
                rust.enable_truncation(max_length)
                self._truncating[max_length] = rust
            return self._truncating[max_length]

    def batches(
        self, token_ids: Sequence[list[int]], batch_size: int, shuffle_seed: int | None = None
    ) -> Iterator[Batch]:
        """Length-sorted batches padded to their own longest text."""
        order = sorted(range(len(token_ids)), key=lambda i: len(token_ids[i]))
        chunks = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
        if shuffle_seed is not None:  # training: shuffle batch order, keep length buckets
            gen = torch.Generator().manual_seed(shuffle_seed)
            chunks = [chunks[i] for i in torch.randperm(len(chunks), generator=gen).tolist()]
        for chunk in chunks:
            yield Batch(indices=chunk, inputs=self.pad([token_ids[i] for i in chunk]))

    def pad(self, sequences: Sequence[list[int]]) -> dict[str, torch.Tensor]:
        """Right-pad ``sequences`` to the longest one: ``input_ids`` and ``attention_mask``."""
        lengths = np.fromiter(map(len, sequences), dtype=np.int64, count=len(sequences))
        width = int(lengths.max())
        columns = np.arange(width)
        if getattr(self.tokenizer, "padding_side", "right") == "left":
            keep = columns >= (width - lengths)[:, None]
        else:
            keep = columns < lengths[:, None]
        flat = np.full((len(sequences), width), self.tokenizer.pad_token_id or 0, dtype=np.int64)
        # row-major boolean assignment: each row's tokens land in its kept columns, in order
        flat[keep] = np.fromiter(
            itertools.chain.from_iterable(sequences), dtype=np.int64, count=int(lengths.sum())
        )
        mask = keep.astype(np.int64)
        inputs = {"input_ids": torch.from_numpy(flat), "attention_mask": torch.from_numpy(mask)}
        if self.device.type == "cuda":
            return {k: v.pin_memory().to(self.device, non_blocking=True) for k, v in inputs.items()}
        return inputs

    def forward(self, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        """Mean-pooled float32 vectors for one padded batch (gradients follow the caller's mode).

        Pooling runs in float32 whatever the model's dtype, so a bfloat16 model's vectors are not
        summed in 8 bits of mantissa.
        """
        output = self.model(**inputs)
        return mean_pool(output.last_hidden_state.float(), inputs["attention_mask"])

    def embed(
        self,
        texts: Sequence[str],
        max_length: int,
        batch_size: int = 32,
        on_batch: Callable[[int], None] | None = None,
        prefix: str = "",
    ) -> torch.Tensor:
        """``(len(texts), dim)`` float32 CPU tensor of mean-pooled vectors, in input order
        (each text read after ``prefix``)."""
        token_ids = self.tokenize(texts, max_length, prefix)
        out = torch.zeros(len(texts), self.dim, dtype=torch.float32)
        with torch.inference_mode():
            for batch in self.batches(token_ids, batch_size):
                out[batch.indices] = self.forward(batch.inputs).cpu()
                if on_batch is not None:
                    on_batch(len(batch.indices))
        return out


_ENCODERS: dict[tuple[str, str, torch.dtype], Encoder] = {}


def shared_encoder(
    name_or_path: str, device: torch.device, dtype: torch.dtype = torch.float32
) -> Encoder:
    """The process-wide encoder for ``name_or_path`` on ``device`` in ``dtype`` (loaded once)."""
    key = (name_or_path, str(device), dtype)
    if key not in _ENCODERS:
        log.info("loading encoder %s on %s (%s)", name_or_path, device, dtype)
        _ENCODERS[key] = Encoder.from_pretrained(name_or_path, device, dtype)
    return _ENCODERS[key]
