"""Serve the bundled demo news site on 127.0.0.1: one HTTP server per fictional outlet.

Each outlet folder under ``data/demo_site/site/`` is a site root. Files hold the placeholder
``{{BASE_URL}}`` wherever an absolute address is needed; the server fills in its own address
while serving, so the same files work on any port.
"""

from __future__ import annotations

import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.config import DATA_DIR

DEMO_DIR = DATA_DIR / "demo_site"
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


class _SiteHandler(BaseHTTPRequestHandler):
    server_version = "DemoNews/1.0"

    def __init__(self, *args, root: Path, **kwargs):  # type: ignore[no-untyped-def]
        self.root = root
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        return  # quiet: the crawler logs every fetch itself

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        path = unquote(urlsplit(self.path).path)
        target = (self.root / path.lstrip("/")).resolve()
        if self.root not in target.parents and target != self.root:
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
            base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
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
    """The running demo servers: outlet slug -> base URL."""

    base_urls: dict[str, str]

    @property
    def substitutions(self) -> dict[str, str]:
        return {f"BASE_URL:{slug}": url for slug, url in self.base_urls.items()}


def outlet_slugs(site_dir: Path = SITE_DIR) -> list[str]:
    return sorted(p.name for p in site_dir.iterdir() if p.is_dir())


@contextmanager
def serve_demo_site(
    port_base: int = DEFAULT_PORT_BASE, site_dir: Path = SITE_DIR, host: str = "127.0.0.1"
) -> Iterator[DemoSite]:
    """Serve every outlet; ``port_base`` 0 picks free ports. Stops on exit."""
    if not site_dir.is_dir():
        raise FileNotFoundError(f"{site_dir}: the demo site is missing from this checkout.")
    servers: list[ThreadingHTTPServer] = []
    try:
        for offset, slug in enumerate(outlet_slugs(site_dir)):
            port = port_base + offset if port_base else 0
            handler = partial(_SiteHandler, root=(site_dir / slug).resolve())
            try:
                server = ThreadingHTTPServer((host, port), handler)
            except OSError as exc:
                raise OSError(
                    f"cannot serve the demo site on {host}:{port} ({exc.strerror}); "
                    "another program uses that port: pass --port-base with a free port"
                ) from None
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
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
