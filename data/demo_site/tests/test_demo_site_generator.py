"""Tests of the demo-site generator: validation, structure, determinism, clean extraction.

Run with ``.venv/bin/python -m pytest data/demo_site/tests``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(DEMO))

import build_site  # noqa: E402
from sitegen.content import ContentError  # noqa: E402

BODY = (
    "OTTAWA — The committee met on Tuesday to study the bill, and members questioned officials "
    "for three hours about how the new deadlines would work in practice.\n\n"
    "“We will make sure every claim is heard fairly,” the chair said. “Nobody should fall "
    "through the cracks.”\n\n"
    "Officials said the department had hired 200 new decision-makers this year."
)
QUOTES = """
[[quotes]]
text = "We will make sure every claim is heard fairly"
quote_type = "direct"
speaker = "the chair"
speaker_role = "politician"
speaker_org = ""
stance = "protective"

[[quotes]]
text = "Nobody should fall through the cracks."
quote_type = "direct"
speaker = "the chair"
speaker_role = "politician"
speaker_org = ""
stance = "protective"

[[quotes]]
text = "the department had hired 200 new decision-makers this year"
quote_type = "indirect"
speaker = "officials"
speaker_role = "official"
speaker_org = ""
stance = "neutral"
"""


def article(
    *,
    title: str = "Committee studies asylum bill",
    published: str = "2026-09-08T14:30:00-04:00",
    section: str = "canada",
    language: str = "en",
    extra: str = 'relevant = true\nstance = "neutral"',
    quotes: str = QUOTES,
    body: str = BODY,
) -> str:
    return (
        f'+++\ntitle = "{title}"\npublished = "{published}"\nauthors = ["Ana Silva"]\n'
        f'section = "{section}"\nlanguage = "{language}"\n{extra}\n'
        f'summary = "A short deck."\n{quotes}+++\n{body}\n'
    )


def write(root: Path, outlet: str, slug: str, text: str) -> Path:
    path = root / "content" / outlet / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str, outlet: str = "northern-ledger") -> list[str]:
    write(tmp_path, outlet, "story", text)
    _, errors = build_site.load_stories(tmp_path / "content")
    return [p for e in errors for p in e.problems]


def test_valid_article_builds_page_feed_and_manifest(tmp_path: Path) -> None:
    write(tmp_path, "northern-ledger", "committee-studies-bill", article())
    stories, errors = build_site.load_stories(tmp_path / "content")
    assert errors == []
    outputs = build_site.build_outputs(stories)
    page = "site/northern-ledger/canada/2026/09/08/committee-studies-bill/index.html"
    html = outputs[page].decode()
    assert '<meta property="og:type" content="article">' in html
    canonical = "{{BASE_URL}}/canada/2026/09/08/committee-studies-bill/"
    assert f'<link rel="canonical" href="{canonical}">' in html
    assert 'content="2026-09-08T14:30:00-04:00"' in html
    feed = outputs["site/northern-ledger/feeds/latest.xml"].decode()
    assert "committee-studies-bill/?utm_source=rss&amp;utm_medium=feed</link>" in feed
    manifest = json.loads(outputs["manifest.json"])
    (entry,) = manifest["articles"]
    assert entry["published"] == "2026-09-08T18:30:00"
    assert entry["word_count"] == len(BODY.split())
    assert [q["quote_type"] for q in entry["quotes"]] == ["direct", "direct", "indirect"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"quotes": QUOTES.replace("heard fairly", "heard quickly")}, "not an exact substring"),
        ({"quotes": QUOTES.replace('"politician"', '"lawmaker"', 1)}, "speaker_role 'lawmaker'"),
        ({"quotes": QUOTES.replace('"indirect"', '"reported"')}, "quote_type 'reported'"),
        ({"extra": 'relevant = true\nstance = "hostile"'}, "stance 'hostile'"),
        ({"extra": "relevant = true"}, "stance is required"),
        ({"extra": 'relevant = false\nstance = "neutral"'}, "stance must be omitted"),
        ({"published": "2026-12-01T10:00:00-05:00"}, "outside 2026-08-31..2026-11-15"),
        ({"published": "2026-09-08T14:30:00"}, "has no UTC offset"),
        ({"language": "fr"}, "does not match the outlet's language"),
        ({"section": "private"}, "reserved"),
        ({"extra": 'relevant = true\nstance = "neutral"\nauthor = "X"'}, "unknown key 'author'"),
    ],
)
def test_invalid_content_is_reported(tmp_path: Path, change: dict[str, str], expected: str) -> None:
    problems = problems_of(tmp_path, article(**change))
    assert any(expected in p for p in problems), problems


def test_quotes_out_of_order_are_reported(tmp_path: Path) -> None:
    first, second, third = QUOTES.strip().split("\n\n")
    problems = problems_of(
        tmp_path, article(quotes="\n" + "\n\n".join([second, first, third]) + "\n")
    )
    assert any("out of order" in p for p in problems), problems


def test_broken_front_matter_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "prairie-post", "broken", '+++\ntitle = "unterminated\n+++\nBody.\n')
    _, errors = build_site.load_stories(tmp_path / "content")
    assert len(errors) == 1
    assert isinstance(errors[0], ContentError)
    assert errors[0].path == path
    assert "not valid TOML" in errors[0].problems[0]


def test_main_exits_nonzero_and_writes_nothing_on_invalid_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "northern-ledger", "bad", article(extra="relevant = maybe"))
    monkeypatch.setattr(build_site, "CONTENT", tmp_path / "content")
    monkeypatch.setattr(build_site, "ROOT", tmp_path)
    assert build_site.main([]) == 1
    assert "bad.md: front matter is not valid TOML" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def test_sections_paginate_and_private_pages_are_linked_but_not_listed(tmp_path: Path) -> None:
    for day in range(1, 13):
        write(
            tmp_path,
            "courrier-frontalier",
            f"texte-{day:02d}",
            article(published=f"2026-10-{day:02d}T10:00:00-04:00", language="fr", quotes=""),
        )
    write(
        tmp_path,
        "courrier-frontalier",
        "brouillon",
        article(
            language="fr", quotes="", extra='relevant = true\nstance = "neutral"\nprivate = true'
        ),
    )
    stories, errors = build_site.load_stories(tmp_path / "content")
    assert errors == []
    outputs = build_site.build_outputs(stories)
    first = outputs["site/courrier-frontalier/canada/index.html"].decode()
    second = outputs["site/courrier-frontalier/canada/page/2/index.html"].decode()
    assert first.count('class="liste__element"') == 10
    assert second.count('class="liste__element"') == 2
    assert "{{BASE_URL}}/canada/page/2/" in first
    assert "{{BASE_URL}}/private/brouillon/" in first
    assert "site/courrier-frontalier/private/brouillon/index.html" in outputs
    assert "/private/" not in outputs["site/courrier-frontalier/index.html"].decode()
    manifest = json.loads(outputs["manifest.json"])
    assert [p["path"] for p in manifest["private_pages"]] == ["/private/brouillon/"]
    assert all("/private/" not in a["path"] for a in manifest["articles"])
    robots = outputs["site/courrier-frontalier/robots.txt"].decode()
    assert robots == "User-agent: *\nDisallow: /private/\n"


def test_build_is_deterministic_and_the_committed_site_is_current() -> None:
    stories, errors = build_site.load_stories(build_site.CONTENT)
    assert [str(e) for e in errors] == []
    once = build_site.build_outputs(stories)
    again = build_site.build_outputs(build_site.load_stories(build_site.CONTENT)[0])
    assert once == again
    assert build_site.stale_files(once, build_site.ROOT) == []


def test_trafilatura_extracts_clean_bodies_from_every_outlet() -> None:
    trafilatura = pytest.importorskip("trafilatura")
    manifest = json.loads((DEMO / "manifest.json").read_text(encoding="utf-8"))
    seen: set[str] = set()
    for entry in manifest["articles"]:
        if entry["outlet"] in seen:
            continue
        seen.add(entry["outlet"])
        page = DEMO / "site" / entry["outlet"] / entry["path"].lstrip("/") / "index.html"
        raw = trafilatura.extract(
            page.read_text(encoding="utf-8"), with_metadata=True, output_format="json"
        )
        result = json.loads(raw)
        assert result["text"] == entry["body"].replace("\n\n", "\n"), entry["path"]
        assert result["title"] == entry["title"]
        assert result["author"] == "; ".join(entry["authors"] or [entry["byline"]])
        assert result["date"] == entry["published_local"][:10]
    assert seen == {o["slug"] for o in manifest["outlets"]}
