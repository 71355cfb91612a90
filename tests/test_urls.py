from pipeline.core.urls import article_id, canonicalize, resolve_canonical


def test_tracking_fragment_www_and_mobile_are_dropped() -> None:
    assert (
        canonicalize("https://WWW.Example.com/news/a-story/?utm_source=rss&fbclid=x&id=7#top")
        == "https://example.com/news/a-story/?id=7"
    )
    assert (
        canonicalize("https://m.example.com/news/a-story/") == "https://example.com/news/a-story/"
    )


def test_amp_variant_maps_to_the_article() -> None:
    assert canonicalize("https://amp.example.com/news/story.amp") == canonicalize(
        "https://example.com/news/story"
    )


def test_rel_canonical_only_when_on_the_same_site() -> None:
    page = "https://example.com/news/story/?utm_medium=feed"
    assert resolve_canonical(page, "/news/story/") == "https://example.com/news/story/"
    assert resolve_canonical(page, "https://elsewhere.org/x") == "https://example.com/news/story/"


def test_article_id_is_stable() -> None:
    assert article_id("https://example.com/a") == article_id("https://example.com/a")
    assert len(article_id("https://example.com/a")) == 16
