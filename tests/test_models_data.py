"""Training data loading and the reproducible train/validation split."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from test_models_helpers import write_jsonl

from models.config import TaskConfig, load_model_config
from models.inputs import (
    compose_quote_text,
    quote_context,
    quote_input,
    quote_spans,
    without_quotes,
)
from models.training.data import (
    DataError,
    Example,
    hash_split,
    load_examples,
    split_examples,
)


def _task(path: Path, **kw: object) -> TaskConfig:
    return TaskConfig(
        name="stance", data=path, labels=("restrictive", "protective", "neutral"), **kw
    )


def test_hash_split_is_deterministic_and_near_the_share() -> None:
    texts = [f"statement number {i} about the border" for i in range(2000)]
    first = [hash_split(t, 20) for t in texts]
    assert first == [hash_split(t, 20) for t in texts]
    share = first.count("validation") / len(first)
    assert 0.17 < share < 0.23
    # whitespace differences do not move a text between splits
    assert hash_split("a  b\nc", 20) == hash_split("a b c", 20)


def test_explicit_split_wins_and_languages_filter(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"text": "one", "label": "neutral", "lang": "en", "split": "validation"},
            {"text": "two", "label": "neutral", "lang": "fr", "split": "train"},
            {"text": "three", "label": "protective", "lang": "en-CA", "split": "train"},
        ],
    )
    examples = load_examples(_task(path))
    assert [e.split for e in examples] == ["validation", "train", "train"]
    assert examples[2].lang == "en"
    train, validation = split_examples(examples, ("en",))
    assert [e.text for e in train] == ["three"]
    assert [e.text for e in validation] == ["one"]


def test_boolean_and_null_labels(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"title": "T", "text": "body", "relevant": True, "article_stance": None},
            {"text": "other", "relevant": False, "article_stance": None},
        ],
    )
    task = TaskConfig(
        name="relevance", data=path, labels=("relevant", "not_relevant"), label_field="relevant"
    )
    examples = load_examples(task)
    assert [e.label for e in examples] == ["relevant", "not_relevant"]
    assert examples[0].text == "T\n\nbody"
    stance = TaskConfig(
        name="article_stance",
        data=path,
        labels=("restrictive", "protective", "neutral"),
        label_field="article_stance",
    )
    with pytest.raises(DataError, match="no labelled examples"):
        load_examples(stance)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", ":2: invalid JSON"),
        ('{"text": "x", "label": "angry"}', ":2: label 'angry'"),
        ('{"text": "", "label": "neutral"}', ":2: missing or empty 'text'"),
        ('{"text": "x"}', ":2: missing label field"),
        ('{"text": "x", "label": "neutral", "split": "holdout"}', ":2: 'split'"),
        ("[1, 2]", ":2: expected a JSON object"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "fine", "label": "neutral"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_examples(_task(path))
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_shipped_stance_data_covers_the_issue() -> None:
    config = load_model_config()
    examples = load_examples(config.task("stance"))
    assert len(examples) >= 600
    assert {e.label for e in examples} == {"restrictive", "protective", "neutral"}
    assert {e.lang for e in examples} == {"en", "fr"}
    share = sum(e.split == "validation" for e in examples) / len(examples)
    assert 0.12 < share < 0.3
    relevance = load_examples(config.task("relevance"))
    assert {e.label for e in relevance} == {"relevant", "not_relevant"}
    assert len(load_examples(config.task("article_stance"))) >= 90


def _article_file(folder: Path, name: str, quotes: list[tuple[str, str | None]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    blocks = "".join(
        f'\n[[quotes]]\ntext = "{text}"\nquote_type = "direct"\nspeaker = "Ann Lee"\n'
        + (f'stance = "{stance}"\n' if stance else "")
        for text, stance in quotes
    )
    body = " ".join(f'"{text}," she said.' for text, _ in quotes)
    (folder / name).write_text(
        f'+++\ntitle = "T"\nlanguage = "en"\n{blocks}+++\n\n{body}\n', encoding="utf-8"
    )


def test_extra_data_reads_annotated_article_quotes(tmp_path: Path) -> None:
    from models.artifacts import task_hash

    path = write_jsonl(
        tmp_path / "s.jsonl", [{"text": "one", "label": "neutral", "split": "train"}]
    )
    content = tmp_path / "content"
    _article_file(content / "outlet", "a.md", [("Send them back", "restrictive"), ("Hi", None)])
    task = _task(path, extra_data=(content,))
    examples = load_examples(task)
    assert [(e.text, e.label) for e in examples] == [
        ("one", "neutral"),
        ("Send them back", "restrictive"),
    ]
    before = task_hash(task)
    _article_file(content / "outlet", "a.md", [("Send them back", "protective")])
    assert task_hash(task) != before  # an edited article file retrains
    _article_file(content / "outlet", "b.md", [("x", "angry")])
    with pytest.raises(DataError, match="b.md"):
        load_examples(task)
    with pytest.raises(DataError, match="nowhere"):
        load_examples(_task(path, extra_data=(tmp_path / "nowhere",)))


def test_demo_half_split_is_stable_and_disjoint(tmp_path: Path) -> None:
    from pipeline.evaluation.experiments import split_halves

    content = tmp_path / "content"
    for i in range(12):
        _article_file(content / f"outlet{i % 2}", f"story-{i}.md", [("Text", "neutral")])
    first = split_halves(content, tmp_path / "one")
    second = split_halves(content, tmp_path / "two")

    def names(half: Path) -> set[str]:
        return {p.relative_to(half).as_posix() for p in half.rglob("*.md")}

    a, b = names(first[0]), names(first[1])
    assert a and b and not a & b and len(a | b) == 12
    assert (names(second[0]), names(second[1])) == (a, b)


def test_quote_data_reads_corpus_quotes_with_their_split(tmp_path: Path) -> None:
    """Corpus-format gold files feed the stance task quote by quote; test lines never train."""
    rows = [
        {
            "id": f"c-{i}",
            "text": f"Text {i}: “We must act now,” she said.",
            "language": lang,
            "relevant": True,
            "article_stance": "neutral",
            "split": split,
            "quotes": [
                {
                    "text": "We must act now",
                    "quote_type": "direct",
                    "speaker": "A B",
                    "speaker_role": "official",
                    "speaker_org": "",
                    "stance": stance,
                    "confident": True,
                }
            ],
        }
        for i, (lang, split, stance) in enumerate(
            [
                ("en", "train", "restrictive"),
                ("fr", "validation", "neutral"),
                ("en", "test", "protective"),
            ]
        )
    ]
    corpus = tmp_path / "news.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    path = tmp_path / "stance.jsonl"
    path.write_text('{"text": "a", "label": "neutral", "split": "train"}\n', encoding="utf-8")
    task = _task(path, quote_data=(corpus,))
    examples = load_examples(task)
    corpus_examples = [e for e in examples if e.text == "We must act now"]
    assert [(e.lang, e.split, e.label) for e in corpus_examples] == [
        ("en", "train", "restrictive"),
        ("fr", "validation", "neutral"),
        ("en", "test", "protective"),
    ]
    train, validation = split_examples(examples, ("en", "fr"))
    assert all(e.split != "test" for e in train + validation)
    assert len(train) == 2 and len(validation) == 1


def test_quote_context_stays_in_the_paragraph_and_cuts_whole_words() -> None:
    text = "First paragraph.\nThe minister said: “Close it now,” adding more words here.\nNext."
    start = text.index("Close it now")
    end = start + len("Close it now")
    assert quote_context(text, start, end, 0) == ("", "")
    before, after = quote_context(text, start, end, 200)
    assert before == "The minister said: “"
    assert after == ",” adding more words here."
    before, after = quote_context(text, start, end, 12)
    assert before == "said: “"  # "minister" was cut: dropped
    assert after == ",” adding"
    assert compose_quote_text("Close it now", before, after) == (
        "Close it now\n\nsaid: “ … ,” adding"
    )
    assert compose_quote_text("Close it now") == "Close it now"
    # offsets that do not point at the quote: found in the text; absent: the span alone
    assert quote_input("Close it now", text, 0, 0, 200).startswith("Close it now\n\nThe minister")
    assert quote_input("Not there", text, 0, 0, 200) == "Not there"
    assert quote_input("Close it now", text, start, end, 0) == "Close it now"


def test_quote_data_with_context_and_author_text(tmp_path: Path) -> None:
    row = {
        "id": "c-1",
        "title": "T",
        "text": "Intro.\nThe minister said: “We must act now,” to reporters.",
        "language": "en",
        "relevant": True,
        "article_stance": "restrictive",
        "split": "train",
        "quotes": [{"text": "We must act now", "quote_type": "direct", "stance": "restrictive"}],
    }
    corpus = write_jsonl(tmp_path / "news.jsonl", [row])
    path = write_jsonl(tmp_path / "s.jsonl", [{"text": "a", "label": "neutral"}])
    plain = load_examples(_task(path, quote_data=(corpus,)))
    assert "We must act now" in [e.text for e in plain]
    with_context = load_examples(_task(path, quote_data=(corpus,), quote_context=100))
    assert "a" in [e.text for e in with_context]  # lines without an article: the text alone
    assert "We must act now\n\nThe minister said: “ … ,” to reporters." in [
        e.text for e in with_context
    ]
    article_task = TaskConfig(
        name="article_stance",
        data=corpus,
        labels=("restrictive", "protective", "neutral"),
        label_field="article_stance",
        author_text=True,
    )
    (article,) = load_examples(article_task)
    assert article.text == "T\n\nIntro.\nThe minister said: “…,” to reporters."


def test_without_quotes_and_quote_spans() -> None:
    text = "A said “x y” and B said “x y” then “z”."
    spans = quote_spans(text, ["x y", "x y", "z", "absent"])
    assert [text[s:e] for s, e in spans] == ["x y", "x y", "z"]
    assert spans[0] != spans[1]
    assert without_quotes(text, spans) == "A said “…” and B said “…” then “…”."
    assert without_quotes(text, [(5, 3)]) == text  # a bad span keeps the text


def test_class_weights_are_inverse_frequency_with_mean_one() -> None:
    from models.training.train import class_weights

    task = _task(Path("unused.jsonl"))
    examples = [
        Example("t", label, "en", "train") for label in ["neutral"] * 6 + ["protective"] * 2
    ]
    weights = class_weights(task, examples)
    assert weights.tolist() == pytest.approx([1.0, 8 / 6, 8 / 18])  # restrictive absent: 1


def test_outlet_folds_keep_each_outlet_in_one_fold_and_balance_sizes() -> None:
    from pipeline.evaluation.experiments import outlet_folds

    outlets = ["a"] * 6 + ["b"] * 4 + ["c"] * 3 + ["d"] * 3 + ["e"] * 2 + ["f"]
    folds = outlet_folds(outlets, 3)
    assert set(folds) == set(outlets) and set(folds.values()) == {0, 1, 2}
    sizes = Counter(folds[o] for o in outlets)
    assert sorted(sizes.values()) == [6, 6, 7]  # a+f | b+e | c+d
    assert folds == outlet_folds(list(reversed(outlets)), 3)  # order of the input is irrelevant
