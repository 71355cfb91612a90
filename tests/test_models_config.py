"""Config parsing and validation for data/models.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.config import ConfigError, load_model_config, resolve_base_model
from pipeline.core.records import SPEAKER_ROLES, STANCES


def test_repo_config_loads_with_codebook_labels() -> None:
    config = load_model_config()
    assert config.task("stance").labels == STANCES
    assert set(config.task("role").labels) == set(SPEAKER_ROLES)
    assert config.task("relevance").label_field == "relevant"
    assert config.task("stance").data.name == "stance.jsonl"
    assert config.cache_dir.name == "model_cache"


def test_bundled_token_resolves_to_packaged_folder() -> None:
    folder = Path(resolve_base_model("bundled:minilm"))
    assert (folder / "config.json").is_file()
    assert resolve_base_model("/some/local/model") == "/some/local/model"
    with pytest.raises(ConfigError, match="unknown bundled model"):
        resolve_base_model("bundled:nope")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "models.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[tasks.stance]\nlabels = ["a",\nbroken = \n')
    with pytest.raises(ConfigError) as err:
        load_model_config(path)
    assert str(path) in str(err.value)
    assert "line" in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_model_config(tmp_path / "absent.toml")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('[tasks.stance]\nlabels = ["restrictive", "protective", "neutral"]\nl2 = "x"\n', "'l2'"),
        ('[tasks.stance]\nlabels = ["restrictive", "protective", "neutral"]\nfoo = 1\n', "'foo'"),
        ('[tasks.stance]\nlabels = ["pro", "anti"]\n', "codebook labels"),
        (
            '[tasks.stance]\nlabels = ["restrictive", "protective", "neutral"]\nmethod = "svm"\n',
            "'method'",
        ),
        ("[tasks.relevance]\ndata = 'x.jsonl'\n", "'labels'"),
        ('[serving]\ndevice = "tpu"\n[tasks.x]\nlabels = ["a", "b"]\n', "device"),
        ('[serving]\ndtype = "int4"\n[tasks.x]\nlabels = ["a", "b"]\n', "dtype"),
        ('[article]\nauthor_weight = 2.0\n[tasks.x]\nlabels = ["a", "b"]\n', "author_weight"),
        ('[article]\nbalance = 0\n[tasks.x]\nlabels = ["a", "b"]\n', "balance"),
        ('[tasks.x]\nlabels = ["a", "b"]\nepochs = true\n', "'epochs'"),
        ("nonsense = 1\n[tasks.x]\nlabels = ['a', 'b']\n", "'nonsense'"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, body: str, expected: str) -> None:
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_model_config(path)
    assert expected in str(err.value)
    assert str(path) in str(err.value)


def test_defaults_fill_tasks_and_paths_resolve_against_root(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'root = "."\n[defaults]\nbase_model = "/models/x"\nlanguages = ["en", "fr"]\n'
        '[tasks.topic]\nlabels = ["a", "b"]\nmax_length = 32\n',
    )
    task = load_model_config(path).task("topic")
    assert task.base_model == "/models/x"
    assert task.languages == ("en", "fr")
    assert task.max_length == 32
    assert task.data == tmp_path / "models/training_data/topic.jsonl"
    with pytest.raises(ConfigError, match="no \\[tasks.other\\]"):
        load_model_config(path).task("other")


def test_input_and_loss_keys_parse_and_stay_out_of_old_fingerprints(tmp_path: Path) -> None:
    labels = 'labels = ["restrictive", "protective", "neutral"]'
    plain = load_model_config(_write(tmp_path, f"[tasks.stance]\n{labels}\n")).task("stance")
    assert (plain.quote_context, plain.class_weighted, plain.author_text) == (0, False, False)
    fingerprint = plain.fingerprint()
    assert plain.input_prefix == ""
    assert not {"quote_context", "class_weighted", "author_text", "input_prefix"} & set(fingerprint)
    body = f"[tasks.stance]\n{labels}\nquote_context = 200\nclass_weighted = true\n"
    body += 'input_prefix = "query: "\n'
    task = load_model_config(_write(tmp_path, body + "author_text = true\n")).task("stance")
    assert (task.quote_context, task.class_weighted, task.author_text) == (200, True, True)
    assert task.input_prefix == "query: "
    assert task.fingerprint() == {
        **fingerprint,
        "quote_context": 200,
        "class_weighted": True,
        "author_text": True,
        "input_prefix": "query: ",
    }
    with pytest.raises(ConfigError, match="quote_context"):
        load_model_config(_write(tmp_path, f"[tasks.stance]\n{labels}\nquote_context = -1\n"))
    with pytest.raises(ConfigError, match="class_weighted"):
        load_model_config(_write(tmp_path, f"[tasks.stance]\n{labels}\nclass_weighted = 1\n"))
