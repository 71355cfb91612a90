"""Every override of Scrapy internals, in one place.

Scrapy has no public hook for these fixes, so each module here subclasses a Scrapy class and
replaces a private method (its docstring says what and why). Private code changes between
Scrapy releases without notice: each module lists in ``REPLACES`` the Scrapy functions it
copies, overrides or calls, with the SHA-256 of their source in the release it was written
for (:data:`WRITTEN_FOR`, the version ``pyproject.toml`` pins). ``tests/test_scrapy_patches.py``
fails when the installed Scrapy is another release or any of that code changed: read the
new code, update the patch (or drop it when Scrapy fixed the problem), then the digests
(``python -m crawlers.patches`` prints them).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect

WRITTEN_FOR = "2.19"
PATCH_MODULES = ("crawlers.patches.downloader", "crawlers.patches.throttle")


def scrapy_source(qualified: str) -> str:
    """The source of a Scrapy function or method, by its dotted name
    (``scrapy.core.downloader.Downloader._process_queue``)."""
    parts = qualified.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            target: object = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            target = getattr(target, attr)
        return inspect.getsource(target)  # type: ignore[arg-type]  # a function or class
    raise ImportError(f"{qualified}: no such module")


def source_digest(qualified: str) -> str:
    """SHA-256 of :func:`scrapy_source`."""
    return hashlib.sha256(scrapy_source(qualified).encode()).hexdigest()


def main() -> None:
    """Print each patched Scrapy function's current digest, to paste into ``REPLACES``."""
    for name in PATCH_MODULES:
        for qualified in importlib.import_module(name).REPLACES:
            print(f'"{qualified}": "{source_digest(qualified)}",')


if __name__ == "__main__":
    main()
