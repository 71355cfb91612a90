"""URL canonicalisation, shared by the crawler (deduplication) and extraction (article ids)."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from courlan import normalize_url

# Query parameters that identify a campaign or a click, never a page.
_TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|cmp|cmpid|ncid|"
    r"ocid|ito|sr_share|smid|taid|partner|ref|ref_src|src|at_medium|at_campaign|outputType)$",
    re.IGNORECASE,
)
_AMP_PATH = re.compile(r"(/amp/?$|/amp(?=/)|\.amp(?=\.html?$|$))", re.IGNORECASE)
_MOBILE_HOST = re.compile(r"^(m|mobile|amp)\.", re.IGNORECASE)


def canonicalize(url: str) -> str:
    """A stable form of ``url``: lower-case host without ``www.``/``m.``/``amp.``, no
    fragment, no tracking parameters, no AMP suffix, sorted query, trailing slash kept as is.
    """
    try:
        url = normalize_url(url.strip(), strict=False)
    except ValueError:
        return url.strip()
    parts = urlsplit(url)
    host = parts.netloc.lower()
    if host.startswith("www."):
        host = host[4:]
    host = _MOBILE_HOST.sub("", host)
    # ".../story/amp/" is the AMP twin of ".../story/": keep the slash the page has
    path = _AMP_PATH.sub(lambda m: "/" if m.group(0) == "/amp/" else "", parts.path) or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _TRACKING.match(k) and k.lower() != "amp"
    ]
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(sorted(query)), ""))


def resolve_canonical(page_url: str, declared: str | None) -> str:
    """The page's canonical URL: its ``rel=canonical`` when that stays on the same site,
    otherwise the page URL itself, canonicalised either way."""
    own = canonicalize(page_url)
    if declared:
        target = canonicalize(urljoin(page_url, declared.strip()))
        if _site(target) == _site(own):
            return target
    return own


def _site(url: str) -> str:
    return urlsplit(url).netloc


def article_id(canonical_url: str) -> str:
    """Stable article key: the first 16 hex digits of the SHA-1 of the canonical URL."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


def domain_of(url: str) -> str:
    """Registered host of a URL (host[:port], no ``www.``), as stored in ``articles.domain``."""
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host
