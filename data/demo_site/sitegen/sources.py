"""The demo's crawl configuration (``sources.toml``), one table per outlet."""

from __future__ import annotations

import json

from .manifest import start_paths
from .site import Site


def _list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in values) + "]"


def sources_toml(sites: list[Site]) -> str:
    """Every URL uses ``{{BASE_URL:<outlet-slug>}}``, replaced by the demo server's address."""
    blocks = [
        "# Sources of the bundled demo site, written by data/demo_site/build_site.py.\n"
        "# {{BASE_URL:<outlet-slug>}} stands for the address the demo server gives each outlet.\n"
    ]
    for site in sites:
        outlet = site.outlet
        base = f"{{{{BASE_URL:{outlet.slug}}}}}"
        blocks.append(
            "\n".join(
                [
                    "[[sources]]",
                    f"name = {json.dumps(outlet.name, ensure_ascii=False)}",
                    f'homepage = "{base}/"',
                    f"feeds = {_list([base + p for p in outlet.feeds])}",
                    f"sitemaps = {_list([base + p for p in outlet.sitemaps])}",
                    f"start_urls = {_list([base + p for p in start_paths(site)])}",
                    f'language = "{outlet.language}"',
                    f'country = "{outlet.country}"',
                ]
            )
            + "\n"
        )
    return "\n".join(blocks)
