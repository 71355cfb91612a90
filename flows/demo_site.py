"""Serve the bundled demo news site on 127.0.0.1: one HTTP server per fictional outlet.

Each outlet folder under ``data/demo_site/site/`` is a site root. Files hold the placeholder
``{{BASE_URL}}`` wherever an absolute address is needed; the server fills in its own address
while serving, so the same files work on any port.

With ``fixed_hosts=True`` (what ``asylumwatch demo`` uses) every outlet has a fixed address,
``http://<slug>.example`` (RFC 2606 names, never looked up), and one server on 127.0.0.1 acts
as the HTTP proxy the crawler sends every request to; it serves the outlet named in the
request. The articles' URLs, and so their ids, are then the same whatever port the server got:
running the demo twice, on any ports, stores every article once.
"""

from __future__ import annotations

import errno
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pipeline.core.paths import REFERENCE_DIR

DEMO_DIR = REFERENCE_DIR / "demo_site"
SITE_DIR = DEMO_DIR / "site"
DEMO_SOURCES = DEMO_DIR / "sources.toml"
DEFAULT_PORT_BASE = 8701
_TEXT_TYPES = (
    "text/",
    "application/xml",
    "application/rss",
    "application/atom",
    "application/json",
)


FIXED_HOST = "{slug}.example"  # an outlet's address with fixed_hosts=True


class _SiteHandler(BaseHTTPRequestHandler):
    server_version = "DemoNews/1.0"

    def __init__(
        self,
        *args: Any,
        root: Path | None = None,
        roots: dict[str, Path] | None = None,
        access_log: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        self.root = root  # one outlet per server; or, as a proxy, host -> outlet root:
        self.roots = roots or {}
        self.access_log = access_log  # every request's base URL + path, in order
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        return  # quiet: the crawler logs every fetch itself

    def _site(self) -> tuple[Path | None, str]:
        """The outlet's root and its base URL for this request."""
        if self.root is not None:
            host, port = self.server.server_address[:2]
            return self.root, f"http://{host}:{port}"
        host = (urlsplit(self.path).netloc or self.headers.get("Host", "")).lower()
        host = host.split(":")[0]
        return self.roots.get(host), f"http://{host}"

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        root, base = self._site()
        if self.access_log is not None:
            self.access_log.append(base + urlsplit(self.path).path)
        if root is None:
            self.send_error(404, "not a demo outlet")
            return
        path = unquote(urlsplit(self.path).path)
        target = (root / path.lstrip("/")).resolve()
        if root not in target.parents and target != root:
            self.send_error(404)
            return
        if target.is_dir():
            if not path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", path + "/")
                self.end_headers()
                return
            target = target / "index.html"
        if not target.is_file():
            self.send_error(404)
            return
        ctype = _content_type(target)
        body = target.read_bytes()
        if ctype.startswith(_TEXT_TYPES):
            body = body.replace(b"{{BASE_URL}}", base.encode())
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _content_type(path: Path) -> str:
    if path.name == "robots.txt":
        return "text/plain; charset=utf-8"
    if path.suffix == ".xml":
        if path.name.startswith("atom"):
            return "application/atom+xml; charset=utf-8"
        return "application/xml; charset=utf-8"
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


@dataclass(slots=True)
class DemoSite:
    """The running demo servers: outlet slug -> base URL; with fixed hosts, ``proxy`` is the
    address the crawler must send its requests to, and ``port`` the port it got."""

    base_urls: dict[str, str]
    proxy: str | None = None
    port: int | None = None
    note: str | None = None  # e.g. the asked port was taken and another was used

    @property
    def substitutions(self) -> dict[str, str]:
        """The ``{{BASE_URL:<outlet>}}`` placeholders of the demo's sources file, filled with the
        served addresses."""
        return {f"BASE_URL:{slug}": url for slug, url in self.base_urls.items()}


def outlet_slugs(site_dir: Path = SITE_DIR) -> list[str]:
    """The outlets of the demo site: its folder's subfolders, sorted."""
    return sorted(p.name for p in site_dir.iterdir() if p.is_dir())


def _start(server: ThreadingHTTPServer) -> ThreadingHTTPServer:
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextmanager
def serve_demo_site(
    port_base: int = DEFAULT_PORT_BASE,
    site_dir: Path = SITE_DIR,
    host: str = "127.0.0.1",
    *,
    fixed_hosts: bool = False,
    access_log: list[str] | None = None,
) -> Iterator[DemoSite]:
    """Serve every outlet; ``port_base`` 0 picks free ports. Stops on exit.

    ``fixed_hosts``: one proxy server on ``port_base`` (a free port when that one is taken)
    serves every outlet under its fixed address (see the module's docstring).
    ``access_log``: a list that gets each request's base URL and path (tests, benchmarks)."""
    if not site_dir.is_dir():
        raise FileNotFoundError(f"{site_dir}: the demo site is missing from this checkout.")
    servers: list[ThreadingHTTPServer] = []
    if fixed_hosts:
        slugs = outlet_slugs(site_dir)
        names = {slug: FIXED_HOST.format(slug=slug) for slug in slugs}
        handler = partial(
            _SiteHandler,
            roots={names[s]: (site_dir / s).resolve() for s in slugs},
            access_log=access_log,
        )
        note = None
        try:
            server = ThreadingHTTPServer((host, port_base), handler)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            server = ThreadingHTTPServer((host, 0), handler)
            note = f"port {port_base} is taken: using {server.server_address[1]} instead"
        _start(server)
        port = server.server_address[1]
        try:
            yield DemoSite(
                {slug: f"http://{name}" for slug, name in names.items()},
                proxy=f"http://{host}:{port}",
                port=port,
                note=note,
            )
        finally:
            server.shutdown()
            server.server_close()
        return
    try:
        for offset, slug in enumerate(outlet_slugs(site_dir)):
            port = port_base + offset if port_base else 0
            handler = partial(_SiteHandler, root=(site_dir / slug).resolve(), access_log=access_log)
            try:
                server = ThreadingHTTPServer((host, port), handler)
            except OSError as exc:
                raise OSError(
                    f"cannot serve the demo site on {host}:{port} ({exc.strerror}); "
                    "another program uses that port: pass --port-base with a free port"
                ) from None
            servers.append(_start(server))
        yield DemoSite(
            {
                slug: f"http://{host}:{server.server_address[1]}"
                for slug, server in zip(outlet_slugs(site_dir), servers, strict=True)
            }
        )
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
