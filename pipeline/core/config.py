"""Loading and validating the user's configuration files.

``data/sources.toml`` lists the outlets to crawl and ``data/topic.toml`` holds the topic profile
for the keyword relevance pre-filter. Every problem raises :class:`ConfigError` whose message
names the file, the line where there is one, and the fix; the CLI prints it and exits with 2.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.core.paths import DEFAULT_DATA_DIR, REFERENCE_DIR
from pipeline.core.since import parse_since

# The defaults without a project file or environment (the commands ask
# pipeline.core.settings.resolve, which also honours the data_dir setting).
DEFAULT_SOURCES = REFERENCE_DIR / "sources.toml"
DEFAULT_TOPIC = REFERENCE_DIR / "topic.toml"
DEFAULT_DB = DEFAULT_DATA_DIR / "asylumwatch.duckdb"
DEFAULT_WARC_DIR = DEFAULT_DATA_DIR / "warc"
# The organisation table of the quote stage (pipeline/quotes/orgs.py): names, aliases, roles.
DEFAULT_ORGANISATIONS = REFERENCE_DIR / "organisations.toml"

FILTERS = ("all", "topic")
# Bounds of the per-source politeness settings (a delay of inf would hang the crawl forever).
MAX_DOWNLOAD_DELAY = 3600.0
MAX_CONCURRENCY = 64


class ConfigError(ValueError):
    """A configuration problem the user can fix (sources, topic, models config, settings file):
    the message names the file, the key and the fix. The one configuration error of the project."""


@dataclass(frozen=True, slots=True)
class Source:
    """One outlet to crawl (a ``[[sources]]`` table of sources.toml)."""

    name: str
    homepage: str
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    language: str = "en"
    country: str = ""
    # Extra hosts the outlet publishes on (e.g. a CDN-free mobile host); homepage's is implied.
    domains: tuple[str, ...] = ()
    filter: str = "all"  # "all": fetch every entry; "topic": only entries matching the topic
    download_delay: float | None = None  # seconds between requests to this outlet
    concurrency: int | None = None  # parallel requests to this outlet
    since: str | None = None  # skip feed/sitemap entries older than this (age or date)

    @property
    def hosts(self) -> tuple[str, ...]:
        """Network locations (host[:port]) that belong to this outlet, without ``www.``."""
        found = [host_key(self.homepage)]
        found += [host_key(d if "//" in d else f"//{d}") for d in self.domains]
        return tuple(dict.fromkeys(h for h in found if h))


def host_key(url: str) -> str:
    """The host[:port] of a URL, lower-cased and without a leading ``www.``."""
    netloc = urlsplit(url).netloc.lower()
    return netloc[4:] if netloc.startswith("www.") else netloc


@dataclass(frozen=True, slots=True)
class TopicProfile:
    """Keywords and phrases that mark an article as on-topic, per language."""

    terms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    min_distinct_terms: int = 3
    title_weight: int = 2

    def terms_for(self, language: str | None) -> tuple[str, ...]:
        """The topic terms for ``language``; every language's terms when it has none of its own."""
        if language and language in self.terms:
            return self.terms[language]
        return tuple(t for ts in self.terms.values() for t in ts)


# --- helpers -------------------------------------------------------------------------------


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    if not path.exists():
        raise ConfigError(f"{path}: file not found. Create it or pass the right path.")
    if not path.is_file():
        raise ConfigError(f"{path}: not a file. Pass the path of a TOML file.")
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte {exc.start} is 0x{exc.object[exc.start]:02x}). "
            "Save the file as UTF-8."
        ) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts "(at line N, column M)" into the message.
        raise ConfigError(f"{path}: TOML syntax error: {exc}. Fix the syntax there.") from None


def _line_of(text: str, table: str, index: int, key: str | None = None) -> int | None:
    """1-based line of the ``index``-th ``[[table]]`` header (or of ``key`` inside it)."""
    header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]")
    any_header = re.compile(r"^\s*\[")
    seen = -1
    inside = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if header.match(line):
            seen += 1
            inside = seen == index
            if inside and key is None:
                return lineno
            continue
        if any_header.match(line):
            inside = False
        if inside and key is not None and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return lineno
    return None


def _where(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line else str(path)


# --- sources.toml --------------------------------------------------------------------------

_SOURCE_KEYS: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "homepage": str,
    "feeds": list,
    "sitemaps": list,
    "start_urls": list,
    "language": str,
    "country": str,
    "domains": list,
    "allowed_hosts": list,  # the same as domains: extra hosts the outlet serves pages from
    "filter": str,
    "download_delay": (int, float),
    "concurrency": int,
    "since": str,
}
_REQUIRED = ("name", "homepage")


def load_sources(
    path: Path | None = None, substitutions: dict[str, str] | None = None
) -> list[Source]:
    """Read and validate a sources file.

    ``substitutions`` replaces ``{{KEY}}`` placeholders in string values (the demo site uses
    ``{{BASE_URL:outlet}}`` for addresses that are only known once its servers are up).
    """
    path = Path(path or DEFAULT_SOURCES)
    doc, text = _read_toml(path)
    unknown_top = set(doc) - {"sources"}
    if unknown_top:
        key = sorted(unknown_top)[0]
        line = next(
            (i for i, ln in enumerate(text.splitlines(), 1) if re.match(rf"^\s*\[?{key}\b", ln)),
            None,
        )
        raise ConfigError(
            f"{_where(path, line)}: unknown top-level key '{key}'. "
            "Each outlet goes in its own [[sources]] table."
        )
    tables = doc.get("sources")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: no [[sources]] tables. Add one [[sources]] table per outlet.")
    sources: list[Source] = []
    names: set[str] = set()
    for index, table in enumerate(tables):
        if not isinstance(table, dict):
            raise ConfigError(
                f"{path}: sources entry #{index + 1} is {_type_name(type(table))}, not a table. "
                "Write each outlet as a [[sources]] table with name = ..., homepage = ..."
            )
        sources.append(_source(path, text, index, table, substitutions or {}))
        if sources[-1].name in names:
            line = _line_of(text, "sources", index, "name")
            raise ConfigError(
                f"{_where(path, line)}: duplicate source name '{sources[-1].name}'. "
                "Give every outlet a distinct name."
            )
        names.add(sources[-1].name)
    return sources


def _substitute(value: Any, subs: dict[str, str]) -> Any:
    if isinstance(value, str):
        return re.sub(r"\{\{([^}]+)\}\}", lambda m: subs.get(m.group(1), m.group(0)), value)
    if isinstance(value, list):
        return [_substitute(v, subs) for v in value]
    return value


def _source(path: Path, text: str, index: int, table: dict, subs: dict[str, str]) -> Source:
    def fail(key: str | None, message: str) -> ConfigError:
        line = _line_of(text, "sources", index, key)
        if line is None:
            line = _line_of(text, "sources", index)
        return ConfigError(f"{_where(path, line)}: {message}")

    for key, value in table.items():
        if key not in _SOURCE_KEYS:
            allowed = ", ".join(_SOURCE_KEYS)
            raise fail(key, f"unknown key '{key}' in [[sources]]. Allowed keys: {allowed}.")
        expected = _SOURCE_KEYS[key]
        if not isinstance(value, expected) or isinstance(value, bool):
            kind = "a list of strings" if expected is list else _type_name(expected)
            raise fail(key, f"'{key}' must be {kind}, not {type(value).__name__}.")
        if expected is list and not all(isinstance(v, str) for v in value):
            raise fail(key, f"'{key}' must be a list of strings (URLs in quotes).")
    for key in _REQUIRED:
        if not table.get(key):
            raise fail(None, f"[[sources]] table #{index + 1} has no '{key}'. Add {key} = \"...\".")
    values = {k: _substitute(v, subs) for k, v in table.items()}
    name = values["name"]
    if not (values.get("feeds") or values.get("sitemaps") or values.get("start_urls")):
        raise fail(
            None,
            f"source '{name}' has no feeds, sitemaps or start_urls: nothing to crawl. "
            "Add at least one feed, sitemap or start URL.",
        )
    for key in ("homepage", "feeds", "sitemaps", "start_urls"):
        urls = values.get(key, [])
        for url in [urls] if isinstance(urls, str) else urls:
            if not _is_http_url(url):
                raise fail(key, f"'{url}' in '{key}' of source '{name}' is not an http(s) URL.")
    for key in ("domains", "allowed_hosts"):
        for host in values.get(key, []):
            if not _is_http_url(host if "//" in host else f"http://{host}"):
                raise fail(key, f"'{host}' in '{key}' of source '{name}' is not a host[:port].")
    delay = values.get("download_delay")
    if delay is not None and not (math.isfinite(delay) and 0 <= delay <= MAX_DOWNLOAD_DELAY):
        raise fail(
            "download_delay",
            f"'download_delay' must be a number of seconds from 0 to {MAX_DOWNLOAD_DELAY:g}, "
            f"not {delay}.",
        )
    if values.get("filter", "all") not in FILTERS:
        raise fail("filter", f"'filter' must be one of {', '.join(FILTERS)}.")
    concurrency = values.get("concurrency")
    if concurrency is not None and not 1 <= concurrency <= MAX_CONCURRENCY:
        raise fail("concurrency", f"'concurrency' must be from 1 to {MAX_CONCURRENCY}.")
    if values.get("since") is not None:
        try:
            parse_since(values["since"])
        except ValueError as exc:
            raise fail("since", f"'since': {exc}") from None
    return Source(
        name=name,
        homepage=values["homepage"],
        feeds=tuple(values.get("feeds", ())),
        sitemaps=tuple(values.get("sitemaps", ())),
        start_urls=tuple(values.get("start_urls", ())),
        language=values.get("language", "en"),
        country=values.get("country", ""),
        domains=tuple(
            dict.fromkeys([*values.get("domains", ()), *values.get("allowed_hosts", ())])
        ),
        filter=values.get("filter", "all"),
        download_delay=values.get("download_delay"),
        concurrency=values.get("concurrency"),
        since=values.get("since"),
    )


def _is_http_url(url: str) -> bool:
    """An http(s) URL with a host (and, if any, a valid port): IPv6 brackets that do not
    close or a port out of range make it invalid, not an exception."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError when out of range
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _type_name(expected: type | tuple[type, ...]) -> str:
    if isinstance(expected, tuple):
        return "a number"
    return {str: "a string in quotes", int: "a whole number"}.get(expected, expected.__name__)


# --- topic.toml ----------------------------------------------------------------------------


def load_topic(path: Path | None = None) -> TopicProfile:
    """Read the topic profile: ``[languages.<code>] terms = [...]`` plus ``[scoring]``."""
    path = Path(path or DEFAULT_TOPIC)
    doc, text = _read_toml(path)

    def line_of(key: str) -> int | None:
        pattern = re.compile(rf"^\s*\[?[\w.]*\b{re.escape(key)}\b")
        return next((i for i, ln in enumerate(text.splitlines(), 1) if pattern.match(ln)), None)

    for key in doc:
        if key not in ("languages", "scoring"):
            raise ConfigError(
                f"{_where(path, line_of(key))}: unknown key '{key}'. "
                "Use [languages.<code>] tables and an optional [scoring] table."
            )
    languages = doc.get("languages")
    if not isinstance(languages, dict) or not languages:
        raise ConfigError(f"{path}: no [languages.<code>] tables. Add e.g. [languages.en].")
    terms: dict[str, tuple[str, ...]] = {}
    for lang, table in languages.items():
        if not isinstance(table, dict) or set(table) != {"terms"}:
            raise ConfigError(
                f"{_where(path, line_of(lang))}: [languages.{lang}] must hold exactly one key, "
                'terms = ["...", ...].'
            )
        values = table["terms"]
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            raise ConfigError(
                f"{_where(path, line_of('terms'))}: terms of [languages.{lang}] must be a "
                "non-empty list of strings."
            )
        terms[lang] = tuple(v.lower() for v in values)
    scoring = doc.get("scoring", {})
    allowed = {"min_distinct_terms", "title_weight"}
    for key, value in scoring.items():
        if key not in allowed:
            raise ConfigError(
                f"{_where(path, line_of(key))}: unknown key '{key}' in [scoring]. "
                f"Allowed: {', '.join(sorted(allowed))}."
            )
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{_where(path, line_of(key))}: '{key}' must be a whole number >= 1.")
    return TopicProfile(
        terms=terms,
        min_distinct_terms=scoring.get("min_distinct_terms", 3),
        title_weight=scoring.get("title_weight", 2),
    )
