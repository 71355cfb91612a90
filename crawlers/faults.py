"""Short reason codes for everything that can go wrong with a fetch (``fetches.error``).

A code names what happened, in a form a researcher can ``GROUP BY``: ``timeout``,
``connection_refused``, ``http_404``, ``robots_txt``, ``too_large``, ``not_html``... Codes in
:data:`SKIPPED` are decisions, not failures (the crawler chose not to fetch); codes in
:data:`TRANSIENT` are worth another try on the next run (both sets are defined in
:mod:`pipeline.core.records`, which the store's queries read too).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# SKIPPED and TRANSIENT are re-exported: the crawler and the stages read them from here.
from pipeline.core.records import ROBOTS_TXT
from pipeline.core.records import SKIPPED as SKIPPED
from pipeline.core.records import TRANSIENT as TRANSIENT

# The spider's close reason when the archive cannot be written (a full disk), and the exit
# code the crawler process then ends with (crawlers/__main__.py, crawlers/runner.py).
ARCHIVE_FAILED = "archive_write_failed"
ARCHIVE_FAILED_EXIT = 3
# Statuses for which RetryMiddleware's Retry-After handling applies.
RETRY_AFTER_STATUSES = frozenset({429, 503})

_PAYWALL = re.compile(
    rb"\"isAccessibleForFree\"\s*:\s*\"?false|class=\"[^\"]*\b(paywall|piano-paywall|"
    rb"subscriber-only|meteredContent)\b",
    re.IGNORECASE,
)
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)


def status_code(status: int) -> str | None:
    """``http_<status>`` for a 4xx/5xx status, None otherwise."""
    return f"http_{status}" if status >= 400 else None


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def looks_like_html(content_type: str | None, body: bytes) -> bool:
    """An HTML page by its Content-Type, or by its first bytes when the type says nothing."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if "html" in ctype:
        return True
    if ctype and ctype not in ("text/plain", "application/octet-stream", "binary/octet-stream"):
        return False
    return _HTML_START.match(body.lstrip(b"\xef\xbb\xbf")[:1024]) is not None


def is_paywalled(body: bytes) -> bool:
    """schema.org ``isAccessibleForFree: false`` or a paywall container in the markup."""
    return _PAYWALL.search(body[:400_000]) is not None


def article_problem(content_type: str | None, body: bytes) -> str | None:
    """Why a 200 response to an article request holds no readable article, if it does not."""
    if not body.strip():
        return "empty_body"
    if not looks_like_html(content_type, body):
        return "not_html"
    if is_paywalled(body):
        return "paywall"
    return None


def exception_code(exc: BaseException) -> str:
    """The reason code of a download exception (or of an IgnoreRequest raised on the way)."""
    name = type(exc).__name__
    if name in ("BadScheme", "Offsite", "BlockedAddress"):  # crawlers.guard
        return str(exc.code)  # type: ignore[attr-defined]  # GuardRefused.code
    text = str(exc).lower()
    if "robots.txt" in text:
        return ROBOTS_TXT
    if "redirect loop" in text:
        return "redirect_loop"
    if "max redirections" in text:
        return "too_many_redirects"
    if "max size" in text or "download_maxsize" in text:
        return "too_large"
    if "retry-after" in text:
        return "retry_after"
    if "Timeout" in name or "timed out" in text:
        return "timeout"
    if "Refused" in name:
        return "connection_refused"
    if "DNS" in name or "Resolve" in name:
        return "dns_error"
    if name in ("SSLError", "OpenSSLError") or "ssl" in text or "certificate" in text:
        return "tls_error"
    if name in (
        "ConnectionLost",
        "ConnectionDone",
        "ResponseFailed",
        "ResponseNeverReceived",
        "ResponseDataLossError",
        "PotentialDataLoss",
        "DownloadFailedError",
        "ConnectionResetError",
    ):
        return "connection_lost"
    if name in ("DownloadCancelledError", "CancelledError"):
        return "cancelled"
    if name == "IgnoreRequest":
        return "ignored"
    return "error_" + re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
