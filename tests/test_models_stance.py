"""annotate_stance fills the pipeline records; evaluation and CLI run on tiny gold data."""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

import pytest
import torch
from test_models_helpers import make_config, write_jsonl
from typer.testing import CliRunner

from flows.cli.models import evaluate_app, models_app
from models.classifier import Outcome, Prediction, TextClassifier
from models.config import ModelsConfig
from models.stance import (
    annotate_stance,
    annotate_stance_with,
    combine_article_stance,
    decide_article_stance,
    load_annotators,
    quote_weight,
)
from models.training.data import DataError, compose_article_text
from pipeline.core.records import STANCES, AnnotatedArticle, Article, Quote
from pipeline.evaluation.stance import TRAINED, evaluate_stance, render_report


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> ModelsConfig:
    return make_config(tmp_path_factory.mktemp("tiny-stance"))


@pytest.fixture(scope="module")
def classifiers(
    config: ModelsConfig,
) -> tuple[TextClassifier, TextClassifier, TextClassifier | None]:
    return load_annotators(config)


def _article(
    aid: str, title: str, text: str, language: str | None, quotes: list[str]
) -> AnnotatedArticle:
    article = Article(
        article_id=aid,
        url=f"https://example.org/{aid}",
        canonical_url=f"https://example.org/{aid}",
        outlet="Example",
        domain="example.org",
        title=title,
        authors=[],
        published_at=None,
        fetched_at=datetime(2025, 1, 1),
        language=language,
        text=text,
        word_count=len(text.split()),
    )
    items = []
    for k, q in enumerate(quotes):
        start = text.index(q)
        items.append(
            Quote(aid, k, q, "direct", "someone", char_start=start, char_end=start + len(q))
        )
    return AnnotatedArticle(article=article, quotes=items)


def test_annotate_stance_fills_records(
    classifiers: tuple[TextClassifier, TextClassifier, TextClassifier | None],
) -> None:
    stance, relevance, article_clf = classifiers
    items = [
        _article(
            "a1",
            "Government plans faster removals of refugee claimants",
            "The minister said: We must deport them and close the border. Advocates said: "
            "These families fled persecution and deserve protection.",
            "en",
            ["We must deport them and close the border.", "These families fled persecution"],
        ),
        _article("a2", "Maple Leafs beat Sabres", "The team won 4-3 in overtime.", "en", []),
        _article(
            "a3",
            "Ottawa veut expulser les demandeurs d'asile",
            "Le ministre veut expulser les demandeurs d'asile arrivés par le chemin Roxham. "
            "« Il faut les renvoyer », a-t-il dit. Les réfugiés et leurs avocats dénoncent.",
            "fr",
            ["Il faut les renvoyer"],
        ),
    ]
    annotate_stance(items, stance, relevance, article_clf)
    for item in items:
        assert item.article.model_version and stance.version in item.article.model_version
        assert item.article.is_relevant is not None
        for quote in item.quotes:
            assert quote.model_version == stance.version
    a1, a2, a3 = (i.article for i in items)
    for quote in items[0].quotes:
        assert quote.stance in STANCES and 0.0 < quote.stance_score <= 1.0
    if a1.is_relevant:
        assert a1.stance in STANCES and a1.stance_score is not None
    else:
        assert a1.stance is None and a1.stance_note == "not relevant"
    if not a2.is_relevant:
        assert a2.stance is None and a2.stance_note == "not relevant"
    # French: the model covers only en -> NULL quote stance, reason recorded, no guess.
    assert items[2].quotes[0].stance is None and items[2].quotes[0].stance_score is None
    assert a3.relevance_score is None
    assert "language fr not supported" in a3.stance_note
    assert "topic keywords" in a3.stance_note
    assert a3.is_relevant is True and a3.stance is None


class _FixedRelevance:
    """A relevance classifier stand-in with one fixed verdict (the gate is under test)."""

    version = "relevance-fixed"
    languages = ("en",)

    def __init__(self, relevant: bool) -> None:
        self.relevant = relevant

    def predict_detailed(self, texts: list[str], languages: list[str | None]) -> list[Outcome]:
        p = 0.9 if self.relevant else 0.2
        scores = {"relevant": p, "not_relevant": 1.0 - p}
        label = max(scores, key=lambda k: scores[k])
        return [Outcome(Prediction(label, scores[label], scores), None) for _ in texts]


@pytest.mark.parametrize("relevant", [False, True])
def test_quotes_of_off_topic_articles_are_neutral(
    classifiers: tuple[TextClassifier, TextClassifier, TextClassifier | None], relevant: bool
) -> None:
    stance = classifiers[0]
    asked: list[str] = []

    class Spy:  # the stance classifier, recording what it is asked to classify
        version = stance.version

        def predict_detailed(self, texts: list[str], languages: list[str | None]) -> list:
            asked.extend(texts)
            return stance.predict_detailed(texts, languages)

    quote = "We must deport them all and close the border for good."
    items = [_article("s1", "Storm closes highway", f"The mayor said: {quote}", "en", [quote])]
    annotate_stance(items, Spy(), _FixedRelevance(relevant))  # type: ignore[arg-type]
    q = items[0].quotes[0]
    if relevant:
        assert q.model_version == stance.version and asked == [quote]
        assert q.stance == stance.predict([quote], ["en"])[0].label
    else:
        assert (q.stance, q.model_version) == ("neutral", "relevance-fixed")
        assert q.stance_score == pytest.approx(0.8)
        assert items[0].article.stance is None
        assert asked == []  # the stance model is not run on quotes whose verdict is set


def test_combine_article_stance_weights_quotes_by_length() -> None:
    article = {"restrictive": 0.2, "protective": 0.2, "neutral": 0.6}
    quotes = [
        ({"restrictive": 1.0, "protective": 0.0, "neutral": 0.0}, 30.0),
        ({"restrictive": 0.0, "protective": 1.0, "neutral": 0.0}, 10.0),
    ]
    mixed = combine_article_stance(article, quotes, 0.5)
    assert mixed == pytest.approx({"restrictive": 0.475, "protective": 0.225, "neutral": 0.3})
    assert combine_article_stance(None, quotes, 0.5)["restrictive"] == pytest.approx(0.75)
    assert combine_article_stance(article, [], 0.5) == article
    assert combine_article_stance(None, [], 0.5) is None


def test_balanced_articles_are_neutral() -> None:
    lean = {"restrictive": 0.5, "protective": 0.2, "neutral": 0.3}
    assert decide_article_stance(lean, 1.0) == ("restrictive", 0.5)
    assert decide_article_stance(lean, 0.5) == ("restrictive", 0.5)  # 0.2 < 0.5 x 0.5
    label, score = decide_article_stance(lean, 0.4)  # 0.2 >= 0.4 x 0.5: comparable weight
    assert label == "neutral" and score == pytest.approx(0.7)
    calm = {"restrictive": 0.2, "protective": 0.1, "neutral": 0.7}
    assert decide_article_stance(calm, 0.1) == ("neutral", 0.7)
    tilted = {"restrictive": 0.1, "protective": 0.6, "neutral": 0.3}
    assert decide_article_stance(tilted, 0.5) == ("protective", 0.6)


def _gold(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "gold.jsonl",
        [
            {
                "id": "g1",
                "title": "Minister vows faster deportations",
                "text": "The minister said: We will deport them all. Critics said it was cruel.",
                "language": "en",
                "relevant": True,
                "article_stance": "restrictive",
                "quotes": [{"text": "We will deport them all.", "stance": "restrictive"}],
            },
            {
                "id": "g2",
                "title": "Lions win",
                "text": "The Lions won 31-28. It was a great game, the coach said.",
                "language": "en",
                "relevant": False,
                "article_stance": None,
                "quotes": [{"text": "It was a great game", "stance": "neutral"}],
            },
            {
                "id": "g3",
                "title": "Des familles craignent l'expulsion",
                "text": "Des familles de demandeurs d'asile craignent d'être expulsées. "
                "« Nous avons fui la guerre », dit-elle.",
                "language": "fr",
                "relevant": True,
                "article_stance": "protective",
                "quotes": [{"text": "Nous avons fui la guerre", "stance": "protective"}],
            },
        ],
    )


def test_evaluate_stance_side_by_side(config: ModelsConfig, tmp_path: Path) -> None:
    report = evaluate_stance(_gold(tmp_path), config)
    names = [m.name for m in report.methods]
    assert names[:4] == [
        "majority class",
        "keyword lexicon",
        "embedding similarity (untrained)",
        TRAINED,
    ]
    assert report.n_articles == 3 and report.n_quotes == 3
    trained = report.method(TRAINED)
    assert trained.quote.n == 3 and trained.quote.covered == 2  # the French quote is NULL
    assert trained.quote.confusion["protective"]["NULL"] == 1
    assert trained.article.n == 2 and trained.relevance.n == 3
    assert trained.article_ece is not None and 0.0 <= trained.article_ece <= 1.0
    assert report.as_dict()["methods"][3]["article_stance_ece"] == round(trained.article_ece, 4)
    assert trained.article_mean_score is not None and 1 / 3 <= trained.article_mean_score <= 1
    assert trained.quote_mean_score is not None and 1 / 3 <= trained.quote_mean_score <= 1
    assert report.as_dict()["methods"][3]["article_stance_mean_score"] == round(
        trained.article_mean_score, 4
    )
    for m in report.methods[:4]:
        assert 0.0 <= m.quote.macro_f1 <= 1.0 and m.relevance is not None
    json.dumps(report.as_dict())
    render_report(report)


def test_evaluate_stance_reads_demo_site_article_files(
    config: ModelsConfig, tmp_path: Path
) -> None:
    folder = tmp_path / "content" / "outlet"
    folder.mkdir(parents=True)
    (folder / "a.md").write_text(
        '+++\ntitle = "Ottawa vows faster deportations"\nlanguage = "en"\nrelevant = true\n'
        'stance = "restrictive"\n\n[[quotes]]\ntext = "We will deport them all."\n'
        'quote_type = "direct"\nspeaker = "Ann Lee"\nstance = "restrictive"\n+++\n\n'
        'The minister said: "We will deport them all." Advocates objected.\n',
        encoding="utf-8",
    )
    (folder / "b.md").write_text(
        '+++\ntitle = "Lions win"\nlanguage = "en"\nrelevant = false\n+++\n\n'
        "The Lions won 31-28 on Sunday.\n",
        encoding="utf-8",
    )
    report = evaluate_stance(tmp_path / "content", config)
    assert (report.n_articles, report.n_quotes) == (2, 1)
    trained = report.method(TRAINED)
    assert trained.article.n == 1 and trained.relevance.n == 2
    (folder / "c.md").write_text('+++\nrelevant = true\nstance = "angry"\n+++\nText.\n')
    with pytest.raises(DataError, match="c.md"):
        evaluate_stance(tmp_path / "content", config)


def test_cli_user_errors_exit_2_with_one_message(config: ModelsConfig, tmp_path: Path) -> None:
    runner = CliRunner()
    cfg = ["--config", str(config.path)]
    missing = tmp_path / "nope.jsonl"
    result = runner.invoke(evaluate_app, ["--gold", str(missing), *cfg])
    assert result.exit_code == 2
    assert str(missing) in result.output and "Traceback" not in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "relevant": true}\n{oops\n', encoding="utf-8")
    result = runner.invoke(evaluate_app, ["--gold", str(bad), *cfg])
    assert result.exit_code == 2 and f"{bad}:2" in result.output
    result = runner.invoke(models_app, ["--task", "nosuch", *cfg])
    assert result.exit_code == 2 and "nosuch" in result.output
    result = runner.invoke(models_app, ["--config", str(tmp_path / "none.toml")])
    assert result.exit_code == 2 and "not found" in result.output


def test_cli_train_and_evaluate(config: ModelsConfig, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(models_app, ["--task", "relevance", "--config", str(config.path)])
    assert result.exit_code == 0, result.output
    assert "macro-F1=" in result.output and "relevance-" in result.output
    out = tmp_path / "report.json"
    result = runner.invoke(
        evaluate_app,
        ["--gold", str(_gold(tmp_path)), "--config", str(config.path), "--json", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "Summary" in result.output
    assert json.loads(out.read_text())["n_quotes"] == 3


def test_article_features_read_the_article_and_its_quotes() -> None:
    from models.article_mix import FEATURES, article_features

    none = article_features(None, [])
    assert len(none) == len(FEATURES) and none[3] == 0.0 and none[-2] == 0.0
    r = {"restrictive": 0.8, "protective": 0.1, "neutral": 0.1}
    p = {"restrictive": 0.1, "protective": 0.7, "neutral": 0.2}
    feats = dict(zip(FEATURES, article_features(r, [(r, 30.0), (p, 10.0)]), strict=True))
    assert feats["has_article"] == 1.0 and feats["article_restrictive"] == 0.8
    assert feats["share_restrictive"] == pytest.approx(0.75)  # 30 of 40 quote words
    assert feats["quotes_protective"] == pytest.approx((0.1 * 30 + 0.7 * 10) / 40)


def test_learned_article_model_fits_once_and_decides(
    classifiers: tuple[TextClassifier, TextClassifier, TextClassifier | None], tmp_path: Path
) -> None:
    import dataclasses

    from models import article_mix

    stance, relevance, article = classifiers
    rows = []
    for i in range(12):
        side = ("restrictive", "protective", "neutral")[i % 3]
        quote = {"restrictive": "We will deport them all.", "protective": "They fled war and "
                 "need safety.", "neutral": "The hearing is on Monday."}[side]  # fmt: skip
        rows.append({"id": f"m{i}", "title": "Border story", "text": f"Intro {i}. {quote}",
                     "language": "en", "relevant": True, "article_stance": side,
                     "split": "train" if i < 9 else "validation",
                     "quotes": [{"text": quote, "quote_type": "direct",
                                 "stance": side}]})  # fmt: skip
    data = write_jsonl(tmp_path / "corpus.jsonl", rows)
    base = make_config(tmp_path / "cfg")
    cfg = dataclasses.replace(
        base, article=dataclasses.replace(base.article, method="learned", data=(data,))
    )
    mix = article_mix.load_article_mix(cfg, stance, article)
    assert mix is not None
    version = article_mix.mix_version(cfg, stance, article)
    assert (cfg.cache_dir / version / article_mix.MIX_FILE).is_file()
    assert article_mix.load_article_mix(cfg, stance, article) == mix  # cached, not refitted
    item = _article("x", "Border story", "Intro. We will deport them all.", "en",
                    ["We will deport them all."])  # fmt: skip
    annotate_stance_with(
        [item], stance, relevance, article, cfg.article, stance_for=[True], mix=mix
    )
    (quote,) = item.quotes
    article_scores = article.predict([compose_article_text("Border story", item.article.text)])
    expected = mix.scores(
        article_mix.article_features(
            article_scores[0].scores if article else None,
            [(stance.predict([quote.text])[0].scores, quote_weight(quote))],
        )
    )
    assert item.article.stance == max(expected, key=lambda k: expected[k])
    assert item.article.stance_score == pytest.approx(max(expected.values()), abs=1e-4)
    assert item.article.model_version.endswith("+" + version)  # the row names the mix
    assert mix.version == version
    assert mix.calibration is not None and mix.calibration.articles == 3  # the validation rows
    assert article_mix.load_article_mix(base, stance, article) is None  # "weighted"


def test_article_mix_temperature_keeps_labels_and_fits_held_out_articles(
    tmp_path: Path,
) -> None:
    from models import article_mix

    rng = torch.Generator().manual_seed(5)
    features = torch.rand((60, len(article_mix.FEATURES)), generator=rng).tolist()
    labels = [STANCES[int(torch.tensor(f[:3]).argmax())] for f in features]
    mix = article_mix.fit_mix(features, labels, l2=1e-3)  # near-separable: very confident
    noisy = [STANCES[(STANCES.index(lab) + (i % 3 == 0)) % 3] for i, lab in enumerate(labels)]
    calibrated = article_mix.calibrate_mix(mix, features, noisy)  # right two times in three
    cal = calibrated.calibration
    assert cal is not None and cal.articles == 60 and cal.temperature > 1.5  # softened

    def nll(m: article_mix.ArticleMix) -> float:
        return -sum(math.log(m.scores(f)[g]) for f, g in zip(features, noisy, strict=True))

    assert nll(calibrated) < nll(mix)
    assert cal.ece_after is not None and cal.ece_before is not None
    assert cal.ece_after < cal.ece_before
    for f in features:  # the decision is the uncalibrated one
        before, after = mix.scores(f), calibrated.scores(f)
        assert max(before, key=before.__getitem__) == max(after, key=after.__getitem__)
        assert max(after.values()) < max(before.values())
    calibrated.save(tmp_path / "mix.json")
    assert article_mix.ArticleMix.load(tmp_path / "mix.json") == calibrated
    assert article_mix.calibrate_mix(mix, [], []).calibration == article_mix.MixCalibration(
        0, 1.0, None, None
    )


def test_train_ship_copies_the_learned_article_model(tmp_path: Path) -> None:
    import dataclasses

    from models import article_mix
    from models.training.train import ship_article_mix

    rows = [
        {"id": f"m{i}", "title": "Border story", "text": f"Intro {i}. {quote}", "language": "en",
         "relevant": True, "article_stance": side, "split": "train",
         "quotes": [{"text": quote, "quote_type": "direct", "stance": side}]}
        for i, (side, quote) in enumerate(
            [("restrictive", "We will deport them all."), ("protective", "They need safety."),
             ("neutral", "The hearing is on Monday.")] * 3
        )
    ]  # fmt: skip
    base = make_config(tmp_path / "cfg")
    data = write_jsonl(tmp_path / "corpus.jsonl", rows)
    cfg = dataclasses.replace(
        base, article=dataclasses.replace(base.article, method="learned", data=(data,))
    )
    shipped = tmp_path / "shipped"
    (shipped / "article_mix-0000000000").mkdir(parents=True)  # an older one: replaced
    target = ship_article_mix(cfg, shipped)
    assert target is not None and (target / article_mix.MIX_FILE).is_file()
    assert [p.name for p in shipped.iterdir()] == [target.name]
    assert target.name.startswith("article_mix-")
    assert ship_article_mix(base, shipped) is None  # "weighted": nothing to ship
