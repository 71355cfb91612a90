"""Keep every request on its source's own hosts and off internal addresses.

``HostGuardMiddleware`` is a downloader middleware placed before every other one, so it sees
each request before it goes out: the spider's, robots.txt's, and every redirect hop (Scrapy
sends a redirect back through the whole chain). It refuses, with an ``IgnoreRequest`` whose
reason becomes the fetch log's code:

- ``bad_scheme``: anything but ``http``/``https`` (``file:``, ``data:``, ``ftp:``...);
- ``offsite``: a host that is not one of the source's hosts (its homepage's and those listed
  in ``domains``); a request that names no source must be on some source's hosts;
- ``blocked_address``: a host that resolves to a private, loopback, link-local, reserved,
  multicast or unspecified address, unless the source's homepage itself resolves to an
  address of that class (so a site served on 127.0.0.1 can still be crawled, and only its
  class of address).

Addresses are resolved once per host and crawl (``socket.getaddrinfo`` in a thread). The
check runs before the connection, so a DNS answer that changes between the check and the
connection (DNS rebinding) is not caught; see docs/crawling.md.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

from crawlers.job import CrawlJob
from pipeline.core.config import Source, host_key

SCHEMES = frozenset({"http", "https"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class GuardRefused(IgnoreRequest):
    """A request the guard refused; ``code`` is its fetch-log reason."""

    code = "refused"


class BadScheme(GuardRefused):
    """A URL whose scheme is neither http nor https."""

    code = "bad_scheme"


class Offsite(GuardRefused):
    """A URL on a host no configured source names."""

    code = "offsite"


class BlockedAddress(GuardRefused):
    """A host that resolves to a private, loopback or otherwise internal address."""

    code = "blocked_address"


def address_class(address: IPAddress) -> str | None:
    """``loopback``, ``link_local``, ``private``, ``reserved`` or None for a public address."""
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link_local"
    if address.is_multicast or address.is_unspecified or address.is_reserved:
        return "reserved"
    if address.is_private or not address.is_global:
        return "private"
    return None


def resolve(host: str, port: int | None) -> list[IPAddress]:
    """Addresses of ``host`` (an IP literal is its own answer); [] when it does not resolve
    (the download then fails with ``dns_error`` as usual)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port or 80, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    found: list[IPAddress] = []
    for *_, sockaddr in infos:
        try:
            found.append(ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0]))
        except ValueError:
            continue
    return found


def scheme_problem(url: str) -> str | None:
    """``bad_scheme`` for a URL that is not http(s) or has no host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        return "bad_scheme"
    if parts.scheme.lower() not in SCHEMES or not host:
        return "bad_scheme"
    return None


def host_problem(url: str, source: Source) -> str | None:
    """``bad_scheme`` or ``offsite`` for a URL the source may not fetch, else None."""
    if problem := scheme_problem(url):
        return problem
    return None if host_key(url) in source.hosts else "offsite"


class HostGuardMiddleware:
    """Downloader middleware that refuses requests off the sources' hosts, to schemes other than
    http(s), and to internal addresses."""

    def __init__(self, job: CrawlJob) -> None:
        self.sources = {s.name: s for s in job.sources}
        self.all_hosts = frozenset(h for s in job.sources for h in s.hosts)
        self._addresses: dict[tuple[str, int | None], list[IPAddress]] = {}
        self._allowed_classes: dict[str, frozenset[str]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGuardMiddleware:
        """Scrapy's constructor: the guard for the crawl's job."""
        return cls(CrawlJob.load(crawler.settings.get("AW_JOB_FILE")))

    async def process_request(self, request: Request) -> None:
        """Raise a :class:`GuardRefused` for a request the guard refuses; let the others through."""
        url = request.url
        if scheme_problem(url):
            raise BadScheme(f"refused {url}: only http and https are fetched")
        source = self.sources.get(request.meta.get("aw_source", ""))
        hosts = source.hosts if source is not None else self.all_hosts
        if host_key(url) not in hosts:
            raise Offsite(f"refused {url}: not one of the source's hosts {sorted(hosts)}")
        parts = urlsplit(url)
        addresses = await self._resolve(parts.hostname or "", parts.port)
        allowed = await self._classes_allowed(source)
        for address in addresses:
            kind = address_class(address)
            if kind is not None and kind not in allowed:
                raise BlockedAddress(f"refused {url}: {address} is a {kind} address")

    async def _resolve(self, host: str, port: int | None) -> list[IPAddress]:
        key = (host, port)
        if key not in self._addresses:
            self._addresses[key] = await maybe_deferred_to_future(deferToThread(resolve, *key))
        return self._addresses[key]

    async def _classes_allowed(self, source: Source | None) -> frozenset[str]:
        """The non-public address classes the source's homepage itself resolves to (for a
        request naming no source: those of any source's homepage)."""
        homepages = [source] if source is not None else list(self.sources.values())
        allowed: set[str] = set()
        for item in homepages:
            if item.name not in self._allowed_classes:
                parts = urlsplit(item.homepage)
                addresses = await self._resolve(parts.hostname or "", parts.port)
                self._allowed_classes[item.name] = frozenset(
                    kind for a in addresses if (kind := address_class(a)) is not None
                )
            allowed |= self._allowed_classes[item.name]
        return frozenset(allowed)
