"""A hostile news site on 127.0.0.1 for the crawler tests: every fault the crawler must
survive, on its own path, plus the sanity tests of the server itself.

``Site`` maps paths to ``Route``s; a route is a status, headers and a body, or a callable
that builds them per request (for "fail once, then answer"). Every request is recorded
(path, headers, time), so tests can check what the crawler sent and when.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import brotli

WORDS = (
    "Asylum seekers crossed the border at Lacolle this week, and refugee claimants said the "
    "Safe Third Country Agreement had pushed them onto dangerous routes through the woods. "
    "Officers of the Canada Border Services Agency met families at the crossing overnight. "
)


def article_page(
    title: str,
    body: str = WORDS,
    *,
    published: str = "2026-09-01T14:30:00Z",
    head: str = "",
    extra: str = "",
) -> str:
    paragraphs = "".join(f"<p>{body} Paragraph {i} adds more detail.</p>" for i in range(5))
    return (
        f"<!doctype html><html lang='en'><head>{head}<title>{title}</title>"
        f"<meta property='og:type' content='article'>"
        f"<meta property='article:published_time' content='{published}'></head><body>"
        f"<article><h1>{title}</h1>{paragraphs}{extra}</article></body></html>"
    )


@dataclass
class Route:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    content_type: str | None = "text/html; charset=utf-8"


Handler = Callable[["Request"], Route]


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float
    count: int  # how many times this path was requested, this one included


class Site:
    """A threaded HTTP server on 127.0.0.1 with a route per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Handler] = {}
        self.log: list[Request] = []
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.in_flight = 0
        self.max_in_flight = 0  # most requests being answered at once

    @property
    def base(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def requests_for(self, path: str) -> list[Request]:
        with self._lock:
            return [r for r in self.log if r.path == path]

    def add(self, path: str, route: Route | Handler) -> str:
        self.routes[path] = route
        return path

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = urlsplit(handler.path).path
        with self._lock:
            count = sum(1 for r in self.log if r.path == path) + 1
            request = Request(path, dict(handler.headers.items()), time.monotonic(), count)
            self.log.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            self._respond(handler, path, request)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _respond(self, handler: BaseHTTPRequestHandler, path: str, request: Request) -> None:
        route = self.routes.get(path)
        if route is None:
            route = Route(404, b"not found", content_type="text/plain")
        elif callable(route):
            route = route(request)
        if route.delay:
            time.sleep(route.delay)
        body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
        body = body.replace(b"{{BASE_URL}}", self.base.encode())
        try:
            handler.send_response(route.status)
            if route.content_type:
                handler.send_header("Content-Type", route.content_type)
            for key, value in route.headers.items():
                handler.send_header(key, value.replace("{{BASE_URL}}", self.base))
            if "Content-Length" not in route.headers:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            site._answer(self)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    site.server = server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def dead_port() -> int:
    """A port nobody listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss(items: list[tuple[str, str]], version: str = "2.0") -> str:
    """An RSS 2.0 feed of (title, url) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{u}</link>"
        f"<pubDate>Tue, 01 Sep 2026 18:30:00 GMT</pubDate></item>"
        for t, u in items
    )
    return (
        f'<?xml version="1.0"?><rss version="{version}"><channel><title>Fault Times</title>'
        f"{entries}</channel></rss>"
    )


def compressed(data: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(data)
    if encoding == "deflate":
        return zlib.compress(data)
    if encoding == "br":
        return brotli.compress(data)
    raise ValueError(encoding)


# --- sanity tests of the server itself ---------------------------------------------------


def test_site_routes_and_records_requests() -> None:
    site = Site()
    site.add("/a", Route(200, "hello"))
    site.add("/b", lambda r: Route(503 if r.count == 1 else 200, "x"))
    with serve(site):
        assert urllib.request.urlopen(site.url("/a"), timeout=5).read() == b"hello"
        try:
            urllib.request.urlopen(site.url("/b"), timeout=5)
            raise AssertionError("expected a 503")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503
        assert urllib.request.urlopen(site.url("/b"), timeout=5).status == 200
    assert [r.count for r in site.requests_for("/b")] == [1, 2]


def test_compressed_bodies_round_trip() -> None:
    for encoding in ("gzip", "deflate", "br"):
        data = compressed(b"x" * 1000, encoding)
        assert len(data) < 1000
