"""The four fictional outlets: identity, discovery method and URL conventions."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Outlet:
    slug: str
    name: str
    language: str  # content language, "en" or "fr"
    html_lang: str  # value of <html lang>
    country: str  # "CA" or "US"
    discovery: str  # "rss", "atom", "sitemap" or "html"
    absolute_links: bool  # internal links written as {{BASE_URL}}/... rather than /...
    wire_credit: str  # byline shown when a story has no authors
    about_path: str
    author_base: str  # author pages live at <author_base><author-slug>/
    media_base: str  # article images live under this folder
    report_path: str  # the one non-HTML file, linked from one section page
    report_title: str
    tracked: str  # where article links carry tracking parameters: "feed", "home" or "section"
    tracking_query: str
    timezones: dict[str, str] = field(default_factory=dict)  # UTC offset -> abbreviation
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()


NORTHERN_LEDGER = Outlet(
    slug="northern-ledger",
    name="The Northern Ledger",
    language="en",
    html_lang="en-CA",
    country="CA",
    discovery="rss",
    absolute_links=False,
    wire_credit="The Canadian Press",
    about_path="/about/",
    author_base="/authors/",
    media_base="/media/",
    report_path="/files/annual-report.pdf",
    report_title="The Northern Ledger Annual Report 2025",
    tracked="feed",
    tracking_query="utm_source=rss&utm_medium=feed",
    timezones={"-04:00": "EDT", "-05:00": "EST", "-06:00": "CST", "-07:00": "MST"},
    feeds=("/feeds/latest.xml",),
)

PRAIRIE_POST = Outlet(
    slug="prairie-post",
    name="Prairie Post",
    language="en",
    html_lang="en",
    country="CA",
    discovery="atom",
    absolute_links=True,
    wire_credit="The Canadian Press",
    about_path="/about-us/",
    author_base="/author/",
    media_base="/wp-content/uploads/",
    report_path="/files/media-kit-2026.pdf",
    report_title="Prairie Post Media Kit 2026",
    tracked="home",
    tracking_query="utm_source=homepage&utm_medium=referral&utm_campaign=top-stories",
    timezones={"-04:00": "EDT", "-05:00": "CDT", "-06:00": "CST", "-07:00": "MST"},
    feeds=("/atom.xml",),
)

LAKESHORE_TRIBUNE = Outlet(
    slug="lakeshore-tribune",
    name="Lakeshore Tribune",
    language="en",
    html_lang="en-US",
    country="US",
    discovery="sitemap",
    absolute_links=False,
    wire_credit="The Canadian Press",
    about_path="/about/",
    author_base="/staff/",
    media_base="/resizer/images/",
    report_path="/files/ethics-policy.pdf",
    report_title="Lakeshore Tribune Standards and Ethics Policy",
    tracked="section",
    tracking_query="utm_source=section&utm_medium=web",
    timezones={"-04:00": "EDT", "-05:00": "EST", "-06:00": "CST", "-07:00": "MST"},
    sitemaps=("/sitemap_index.xml",),
)

COURRIER_FRONTALIER = Outlet(
    slug="courrier-frontalier",
    name="Le Courrier frontalier",
    language="fr",
    html_lang="fr-CA",
    country="CA",
    discovery="html",
    absolute_links=True,
    wire_credit="La Presse Canadienne",
    about_path="/a-propos/",
    author_base="/auteurs/",
    media_base="/images/",
    report_path="/fichiers/rapport-annuel-2025.pdf",
    report_title="Le Courrier frontalier - Rapport annuel 2025",
    tracked="section",
    tracking_query="utm_source=rubrique&utm_medium=web",
    timezones={"-04:00": "HAE", "-05:00": "HNE"},
)

OUTLETS: tuple[Outlet, ...] = (
    NORTHERN_LEDGER,
    PRAIRIE_POST,
    LAKESHORE_TRIBUNE,
    COURRIER_FRONTALIER,
)
BY_SLUG: dict[str, Outlet] = {o.slug: o for o in OUTLETS}

SECTION_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "canada": "Canada",
        "politics": "Politics",
        "world": "World",
        "us": "U.S.",
        "us-news": "U.S. News",
        "news": "News",
        "local": "Local",
        "local-news": "Local News",
        "national": "National",
        "immigration": "Immigration",
        "business": "Business",
        "sports": "Sports",
        "weather": "Weather",
        "opinion": "Opinion",
        "community": "Community",
        "arts": "Arts & Life",
        "life": "Life",
        "region": "Region",
        "border": "Border",
    },
    "fr": {
        "actualites": "Actualités",
        "politique": "Politique",
        "regions": "Régions",
        "societe": "Société",
        "justice": "Justice",
        "monde": "Monde",
        "sports": "Sports",
        "economie": "Économie",
        "opinions": "Opinions",
    },
}


def section_name(language: str, section: str) -> str:
    """Display name of a section slug."""
    known = SECTION_NAMES.get(language, {})
    return known.get(section, section.replace("-", " ").capitalize())
