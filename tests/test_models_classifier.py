"""Training on a handful of examples with a configured local model path, and serving."""

from __future__ import annotations

import dataclasses
import gc
import logging
import shutil
from pathlib import Path

import pytest
import torch
from test_models_helpers import STANCE_ROWS, make_config

from models import classifier
from models.calibration import fit_temperature
from models.classifier import Prediction, TextClassifier
from models.config import CUDA_BATCH_SIZE, ModelsConfig, ServingConfig
from models.encoder import Encoder
from models.head import Head
from models.metrics import expected_calibration_error
from models.training.train import (
    calibrate,
    ensure_trained,
    lora_config,
    model_version,
    read_meta,
    train,
)
from pipeline.core.records import STANCES


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> ModelsConfig:
    return make_config(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="module")
def stance(config: ModelsConfig) -> TextClassifier:
    return TextClassifier.load("stance", config)


def test_train_reports_validation_and_caches(config: ModelsConfig) -> None:
    path = ensure_trained("stance", config, progress=False)
    meta = read_meta(path)
    assert path.parent == config.cache_dir
    assert meta["version"] == path.name == model_version(config.task("stance"))
    assert meta["labels"] == list(STANCES)
    result = meta["train_result"]
    assert result["n_train"] == 9 and result["n_validation"] == 3
    assert result["n_other_language"] == 1  # the French line: the model covers only en
    assert 0.0 <= result["validation"]["macro_f1"] <= 1.0
    stamp = (path / "meta.json").stat().st_mtime_ns
    assert ensure_trained("stance", config, progress=False) == path
    assert (path / "meta.json").stat().st_mtime_ns == stamp  # cached, not retrained


def test_training_is_deterministic(config: ModelsConfig, tmp_path: Path) -> None:
    first = train("stance", config, progress=False, output_dir=tmp_path / "a")
    second = train("stance", config, progress=False, output_dir=tmp_path / "b")
    assert first.weights_sha256 == second.weights_sha256
    assert first.validation == second.validation


def test_changed_data_changes_version(tmp_path: Path) -> None:
    config = make_config(tmp_path / "one")
    before = model_version(config.task("stance"))
    with open(config.task("stance").data, "a", encoding="utf-8") as fh:
        fh.write('{"text": "A new line.", "label": "neutral", "lang": "en"}\n')
    assert model_version(config.task("stance")) != before
    changed = dataclasses.replace(config.task("stance"), l2=0.5)
    assert model_version(changed) != model_version(config.task("stance"))


def assert_same_predictions(
    first: list[Prediction | None], second: list[Prediction | None]
) -> None:
    for a, b in zip(first, second, strict=True):
        assert a is not None and b is not None
        assert a.label == b.label
        assert a.score == pytest.approx(b.score, abs=1e-4)


def fail_long_batches(stance: TextClassifier, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make the encoder raise on batches wider than 20 tokens; returns each call's batch size."""
    real_forward = stance.encoder.forward
    calls: list[int] = []

    def flaky(inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        calls.append(inputs["input_ids"].shape[0])
        if inputs["input_ids"].shape[1] > 20:
            raise RuntimeError("boom")
        return real_forward(inputs)

    monkeypatch.setattr(stance.encoder, "forward", flaky)
    return calls


def test_predict_returns_codebook_labels(stance: TextClassifier) -> None:
    assert stance.labels == STANCES
    assert stance.languages == ("en",)
    assert stance.version.startswith("stance-")
    texts = ["Deport them and close the border now.", "Refugees deserve safety.", "It is Monday."]
    predictions = stance.predict(texts, ["en", "en", None])
    assert all(isinstance(p, Prediction) for p in predictions)
    for p in predictions:
        assert p.label in STANCES
        assert set(p.scores) == set(STANCES)
        assert abs(sum(p.scores.values()) - 1.0) < 1e-3
        assert p.score == pytest.approx(max(p.scores.values()), abs=1e-5)


def test_batch_order_does_not_change_results(stance: TextClassifier) -> None:
    texts = [f"Claim number {i} was heard{' at length' * i}." for i in range(7)]
    assert_same_predictions(stance.predict(texts), stance.predict(texts[::-1])[::-1])


def test_unsupported_language_gives_none_with_reason(
    stance: TextClassifier, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="models.classifier"):
        outcomes = stance.predict_detailed(
            ["Il faut les renvoyer chez eux.", "Send them back.", "  ", "Les réfugiés ont fui."],
            ["fr", "en", "en", None],  # the last is untagged: guessed French
        )
    assert outcomes[0].prediction is None and "language fr not supported" in outcomes[0].reason
    assert outcomes[1].prediction is not None and outcomes[1].reason is None
    assert outcomes[2].prediction is None and outcomes[2].reason == "empty text"
    assert outcomes[3].prediction is None and "fr" in outcomes[3].reason
    assert "language fr not supported" in caplog.text


def test_configured_multilingual_languages_lift_the_restriction(tmp_path: Path) -> None:
    config = make_config(tmp_path / "multi", languages=("en", "fr"))
    clf = TextClassifier.load("stance", config)
    assert clf.languages == ("en", "fr")
    (prediction,) = clf.predict(["Il faut les renvoyer chez eux."], ["fr"])
    assert prediction is not None and prediction.label in STANCES
    assert read_meta(ensure_trained("stance", config))["train_result"]["n_other_language"] == 0


def test_failure_is_isolated_to_the_failing_text(
    stance: TextClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_long_batches(stance, monkeypatch)
    long_text = "The border " * 30
    outcomes = stance.predict_detailed(["Send them back.", long_text, "Safety for refugees."])
    assert outcomes[0].prediction is not None
    assert outcomes[1].prediction is None and "classification failed" in outcomes[1].reason
    assert outcomes[2].prediction is not None


@pytest.mark.parametrize("method", ["finetune", "setfit"])
def test_encoder_methods_save_and_serve_their_encoder(tmp_path: Path, method: str) -> None:
    config = make_config(
        tmp_path / "ft", method=method, epochs=1, train_batch_size=8, train_layers=1
    )
    path = ensure_trained("stance", config, progress=False)
    assert (path / "encoder" / "config.json").is_file()
    again = train("stance", config, progress=False, output_dir=tmp_path / "again")
    assert again.weights_sha256 == read_meta(path)["train_result"]["weights_sha256"]
    clf = TextClassifier.load("stance", config)
    assert clf.encoder.model.training is False
    (prediction,) = clf.predict(["Deport them all."])
    assert prediction is not None and prediction.label in STANCES


def test_lora_saves_a_small_adapter_and_serves_it_merged(tmp_path: Path) -> None:
    config = make_config(
        tmp_path / "lora", method="lora", epochs=2, train_batch_size=4, learning_rate=1e-3
    )
    path = ensure_trained("stance", config, progress=False)
    adapter = path / "adapter"
    size = sum(f.stat().st_size for f in adapter.rglob("*") if f.is_file())
    assert 0 < size < 1_000_000 and not (path / "encoder").exists()
    again = train("stance", config, progress=False, output_dir=tmp_path / "again")
    assert again.weights_sha256 == read_meta(path)["train_result"]["weights_sha256"]
    clf = TextClassifier.load("stance", config)
    base = make_config(tmp_path / "base")
    plain = TextClassifier.load("stance", base).encoder
    tuned = clf.encoder.model.state_dict()
    name = next(k for k in tuned if k.endswith("attention.self.query.weight"))
    assert not torch.equal(tuned[name], plain.model.state_dict()[name])  # adapter merged in
    assert "lora" not in " ".join(tuned)  # a plain model: no adapter layers left at serving
    (prediction,) = clf.predict(["Deport them all."])
    assert prediction is not None and prediction.label in STANCES


def test_rust_tokenizer_gives_the_wrappers_ids(stance: TextClassifier) -> None:
    texts = ["Send them back.", "", "Réfugiés « oui » 中文", "[SEP] odd [PAD]", "word " * 300]
    encoder = stance.encoder
    for max_length in (8, 128):
        expected = encoder.tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]
        assert encoder.tokenize(texts, max_length) == expected


@pytest.mark.parametrize("side", ["right", "left"])
def test_padding_matches_the_tokenizers_own(
    stance: TextClassifier, side: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    encoder = stance.encoder
    monkeypatch.setattr(encoder.tokenizer, "padding_side", side)
    sequences = encoder.tokenize(["A.", "A longer one here.", "Mid length text"], 32)
    ours = encoder.pad(sequences)
    theirs = encoder.tokenizer.pad({"input_ids": sequences}, padding=True, return_tensors="pt")
    assert torch.equal(ours["input_ids"], theirs["input_ids"])
    assert torch.equal(ours["attention_mask"], theirs["attention_mask"])


def test_bfloat16_serving_keeps_labels(config: ModelsConfig, stance: TextClassifier) -> None:
    serving = dataclasses.replace(config.serving, dtype="bfloat16")
    half = TextClassifier.load("stance", dataclasses.replace(config, serving=serving))
    assert next(half.encoder.model.parameters()).dtype == torch.bfloat16
    assert half.encoder is not stance.encoder  # one shared encoder per dtype
    texts = ["Deport them and close the border now.", "Refugees deserve safety.", "It is Monday."]
    for full, low in zip(stance.predict(texts), half.predict(texts), strict=True):
        assert low.label == full.label
        assert low.score == pytest.approx(full.score, abs=0.05)


def test_nan_scores_give_none_with_reason(
    stance: TextClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_forward = stance.encoder.forward

    def nan_for_long(inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        pooled = real_forward(inputs)
        pooled[inputs["attention_mask"].sum(dim=1) > 20] = float("nan")  # the long text's row
        return pooled

    monkeypatch.setattr(stance.encoder, "forward", nan_for_long)
    outcomes = stance.predict_detailed(["Send them back.", "The border " * 30])
    assert outcomes[0].prediction is not None
    assert outcomes[1].prediction is None and outcomes[1].reason.endswith("NaN scores")


def test_serving_leaves_the_garbage_collector_as_it_found_it(stance: TextClassifier) -> None:
    assert gc.isenabled()
    stance.predict(["Send them back."])
    assert gc.isenabled()
    gc.disable()
    try:
        stance.predict(["Send them back."])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_cuda_serves_in_larger_batches() -> None:
    serving = ServingConfig()
    assert serving.batch_size_for("cpu", 32) == 32
    assert serving.batch_size_for("cuda", 32) == CUDA_BATCH_SIZE
    assert ServingConfig(batch_size=64).batch_size_for("cuda", 32) == 64


def test_setfit_pulls_same_label_texts_together(tmp_path: Path) -> None:
    config = make_config(
        tmp_path / "sf", method="setfit", epochs=4, train_batch_size=9, learning_rate=1e-4
    )
    texts = [t for t, _, split in STANCE_ROWS if split == "train"]
    labels = [label for _, label, split in STANCE_ROWS if split == "train"]

    def gap(encoder: Encoder) -> float:
        unit = torch.nn.functional.normalize(encoder.embed(texts, 64), dim=-1)
        sims = unit @ unit.T
        same = torch.tensor([[a == b for b in labels] for a in labels])
        off_diagonal = ~torch.eye(len(texts), dtype=torch.bool)
        return float(sims[same & off_diagonal].mean() - sims[~same].mean())

    before = gap(Encoder.from_pretrained(config.task("stance").base_model))
    tuned = TextClassifier.load("stance", config)
    assert gap(tuned.encoder) > before + 0.05


def test_pipelined_chunks_give_the_same_results(
    stance: TextClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [
        f"Claim {i}: {'send them back' if i % 2 else 'they need safety'}{'!' * i}" for i in range(9)
    ]
    whole = stance.predict(texts)
    monkeypatch.setattr(classifier, "CHUNK_BATCHES", 1)
    monkeypatch.setattr(stance, "batch_size", 2)  # five chunks of one batch each
    assert_same_predictions(whole, stance.predict(texts))


def test_a_failing_chunk_does_not_touch_the_others(
    stance: TextClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = fail_long_batches(stance, monkeypatch)
    monkeypatch.setattr(classifier, "CHUNK_BATCHES", 1)
    monkeypatch.setattr(stance, "batch_size", 2)
    texts = ["Send them back.", "Safety now.", "The border " * 30, "Close it.", "Help them."]
    outcomes = stance.predict_detailed(texts)
    assert [o.prediction is None for o in outcomes] == [False, False, True, False, False]
    assert "boom" in outcomes[2].reason
    assert sum(calls) == len(texts) + 2  # only the failing chunk's two texts ran again


def test_temperature_scaling_keeps_labels_and_is_recorded(tmp_path: Path) -> None:
    logits = torch.tensor([[4.0, 0.0, 0.0], [3.0, 0.5, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 6.0]])
    targets = torch.tensor([0, 1, 1, 2])  # overconfident: one confident mistake
    temperature = fit_temperature(logits, targets)
    assert temperature > 1.0
    head = Head(3, 3)
    x = torch.randn(5, 3)
    with torch.no_grad():
        before = torch.softmax(head(x), -1)
        calibrate(head, temperature)
        after = torch.softmax(head(x), -1)
    assert torch.equal(after.argmax(-1), before.argmax(-1))
    assert (after.max(-1).values <= before.max(-1).values + 1e-6).all()  # flatter
    config = make_config(tmp_path / "cal")
    result = train("stance", config, progress=False, output_dir=tmp_path / "out")
    assert result.temperature > 0 and result.ece_after is not None
    assert read_meta(tmp_path / "out")["train_result"]["temperature"] == result.temperature


def test_expected_calibration_error() -> None:
    assert expected_calibration_error([1.0, 1.0], [True, True]) == 0.0
    assert expected_calibration_error([0.9, 0.9], [False, False]) == pytest.approx(0.9)
    assert expected_calibration_error([], []) == 0.0


def test_shipped_models_serve_without_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.training import train as train_module

    shipped = tmp_path / "shipped"
    monkeypatch.setattr(train_module, "SHIPPED_DIR", shipped)
    config = make_config(tmp_path / "ship")
    trained = ensure_trained("stance", config, progress=False)
    target = train_module.ship(trained, shipped)
    shutil.rmtree(trained)
    ft = make_config(tmp_path / "ft", method="finetune", epochs=1, train_layers=1)
    with pytest.raises(ValueError, match="not shipped"):
        train_module.ship(train_module.train("stance", ft, progress=False).path, shipped)
    monkeypatch.setattr(train_module, "train", lambda *a, **k: pytest.fail("retrained"))
    assert ensure_trained("stance", config, progress=False) == target


def test_input_prefix_is_read_in_training_and_serving(tmp_path: Path) -> None:
    config = make_config(tmp_path / "prefix", input_prefix="query: ")
    path = ensure_trained("stance", config, progress=False)
    assert read_meta(path)["settings"]["input_prefix"] == "query: "
    clf = TextClassifier.load("stance", config)
    assert clf.input_prefix == "query: "
    text = "Send them back."
    prefixed = clf.encoder.tokenize([text], 32, "query: ")
    assert prefixed == clf.encoder.tokenize(["query: " + text], 32)
    assert prefixed != clf.encoder.tokenize([text], 32)
    # Serving reads the prefix: the scores are the head's over the prefixed text's vector.
    (served,) = clf.predict([text])
    vector = clf.encoder.embed([text], clf.max_length, prefix="query: ")
    with torch.inference_mode():
        expected = torch.softmax(clf.head(vector), -1)[0]
    assert served is not None
    assert served.score == pytest.approx(float(expected.max()), abs=1e-5)


@pytest.mark.parametrize("model_type", ["bert", "mpnet"])
def test_lora_targets_the_attention_projections_of_each_encoder_family(model_type: str) -> None:
    import transformers
    from peft import get_peft_model

    from models.config import TaskConfig

    small = {"hidden_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2,
             "intermediate_size": 32, "vocab_size": 50}  # fmt: skip
    model = transformers.AutoModel.from_config(
        transformers.AutoConfig.for_model(model_type, **small)
    )
    task = TaskConfig(name="stance", data=Path("unused.jsonl"), labels=STANCES, method="lora")
    adapted = get_peft_model(model, lora_config(task, model.config.model_type))
    lora = [n for n, _ in adapted.named_parameters() if "lora_A" in n]
    assert len(lora) == 2  # query and value of the one layer


def test_lora_names_the_encoder_type_it_cannot_adapt() -> None:
    from models.config import TaskConfig
    from pipeline.core.config import ConfigError

    task = TaskConfig(name="stance", data=Path("unused.jsonl"), labels=STANCES, method="lora")
    with pytest.raises(ConfigError, match="'stance'.*'gpt2'"):
        lora_config(task, "gpt2")
