"""Where the project's files lie: the reference files it reads, the data folder it writes, and
the checkout with its shared folder beside it.

The one place that decides; everything else asks here (or, for data that ships inside a
package, that package's own folder).

* Reference files (read only: ``sources.toml``, ``topic.toml``, ``organisations.toml``,
  ``models.toml``, ``quotes/``, and in a checkout the corpus and the demo site) lie in
  :data:`REFERENCE_DIR`: the checkout's ``data/`` when running from a checkout, else the
  ``asylumwatch_data`` package an installed wheel carries (``pyproject.toml`` maps ``data/``
  to it and ships the small files only).
* Writable state (the database, WARC archives, Prefect's state, trained models) lies in the
  data folder: the ``data_dir`` setting (``--data-dir`` of ``config show``,
  ``$ASYLUMWATCH_DATA_DIR``, ``data_dir`` in the project file), by default
  :data:`DEFAULT_DATA_DIR`: the checkout's ``data/``, else ``./data`` under the working folder.
  :func:`pipeline.core.settings.resolve` applies that order.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

# The folder holding the four packages: the checkout, or site-packages of an installed wheel.
PACKAGE_ROOT = Path(__file__).resolve().parents[2]
# The checkout this code runs from; None when it runs from an installed wheel.
CHECKOUT: Path | None = PACKAGE_ROOT if (PACKAGE_ROOT / "pyproject.toml").is_file() else None
# The name older modules import: the checkout, or where the packages are installed.
PROJECT_ROOT = PACKAGE_ROOT
# The package an installed wheel keeps the reference files in (data/ in the checkout).
RESOURCES_PACKAGE = "asylumwatch_data"


def _installed_reference_dir() -> Path:
    """The folder of the installed ``asylumwatch_data`` package (where it would be when it is
    missing: every file then reads as not found, with its path)."""
    spec = importlib.util.find_spec(RESOURCES_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return PACKAGE_ROOT / RESOURCES_PACKAGE


# Read-only reference files: the checkout's data/, else the installed package's copy.
REFERENCE_DIR = (
    CHECKOUT / "data"
    if CHECKOUT is not None and (CHECKOUT / "data").is_dir()
    else _installed_reference_dir()
)
# The name older modules import for the reference files (pipeline/quotes still does).
DATA_DIR = REFERENCE_DIR
# Writable state, unless the data_dir setting names another folder.
DEFAULT_DATA_DIR = CHECKOUT / "data" if CHECKOUT is not None else Path.cwd() / "data"
# ../shared: the team's benchmarks, devset and tools, beside the checkout
SHARED_DIR = PACKAGE_ROOT.parent / "shared"
