"""The Scrapy internals crawlers/patches/ override are those of the Scrapy it was written for.

Fails on any other Scrapy release, and on a build whose patched code differs: the patches
would then copy or call code that no longer exists in that form (crawlers/patches/__init__.py
says what to do).
"""

from __future__ import annotations

import importlib

import pytest
import scrapy

from crawlers.patches import PATCH_MODULES, WRITTEN_FOR, source_digest


def test_installed_scrapy_is_the_release_the_patches_were_written_for() -> None:
    major_minor = ".".join(scrapy.__version__.split(".")[:2])
    assert major_minor == WRITTEN_FOR, (
        f"Scrapy {scrapy.__version__} installed; crawlers/patches/ was written for "
        f"{WRITTEN_FOR}.* (pyproject.toml pins it)"
    )


@pytest.mark.parametrize("module", PATCH_MODULES)
def test_patched_scrapy_code_is_unchanged(module: str) -> None:
    replaces = importlib.import_module(module).REPLACES
    assert replaces, f"{module}: REPLACES names no Scrapy code"
    changed = [name for name, digest in replaces.items() if source_digest(name) != digest]
    assert changed == [], f"{module}: Scrapy changed {changed}: review the patch"


def test_settings_install_every_patch() -> None:
    from crawlers import settings

    installed = {settings.DOWNLOADER, *settings.EXTENSIONS}
    for module in PATCH_MODULES:
        assert any(path.startswith(module + ".") for path in installed), module
