"""Prefect settings for this project, applied before ``prefect`` is imported.

Importing this module sets environment variables only: it keeps Prefect's state (its SQLite
database, logs, profiles) under the ``prefect_home`` setting, by default ``prefect/`` in the
data folder (the checkout's git-ignored ``data/prefect``; see pipeline/core/settings.py), and
raises the start-up timeouts, which the defaults (20 s) are too short for on a small shared
machine. Values already set in the environment win, so a researcher can point
``PREFECT_HOME`` or ``PREFECT_API_URL`` elsewhere. It creates no folder: a command that only
shows its help, or never runs Prefect, leaves the working folder as it was.

Modules that import Prefect import :mod:`flows.prefect_ready` first instead (``import
flows.prefect_ready  # noqa: F401``): that applies these settings and creates the folder
(:func:`ensure_home`), since Prefect, once imported, expects it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from pipeline.core.config import ConfigError
from pipeline.core.settings import FIELDS, resolve


def _prefect_home() -> str:
    """The prefect_home setting (with its data folder from the environment or the project
    file); the default when the project file is broken: the command reports that itself."""
    try:
        return str(resolve()["prefect_home"])
    except ConfigError:
        return str(FIELDS["prefect_home"][1])


PREFECT_HOME = _prefect_home()

# Seconds. Prefect's server takes about 20 s to start on two busy cores.
SERVER_STARTUP_TIMEOUT = 180
API_REQUEST_TIMEOUT = 120

DEFAULTS: dict[str, str] = {
    "PREFECT_HOME": PREFECT_HOME,
    # The temporary server Prefect starts when no API URL is configured (and the test harness).
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": str(SERVER_STARTUP_TIMEOUT),
    "PREFECT_API_REQUEST_TIMEOUT": str(API_REQUEST_TIMEOUT),
    # SQLite under load: give statements and connections time rather than failing.
    "PREFECT_SERVER_DATABASE_TIMEOUT": "60",
    "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT": "30",
    # Nothing leaves the machine.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT": "false",
}


def apply() -> dict[str, str]:
    """Put the project defaults into ``os.environ`` where nothing is set; returns them."""
    if "prefect" in sys.modules and "PREFECT_HOME" not in os.environ:
        # Too late for PREFECT_HOME to take effect in this process: say so loudly.
        print(
            "warning: prefect was imported before flows.prefect_env; PREFECT_HOME may not be "
            "the project's prefect folder",
            file=sys.stderr,
        )
    applied = {}
    for key, value in DEFAULTS.items():
        if key not in os.environ:
            os.environ[key] = value
            applied[key] = value
    return applied


def ensure_home() -> Path:
    """Create Prefect's home folder (``PREFECT_HOME``, with its parents) and return it: for
    the places where Prefect runs, before ``prefect`` is imported (:mod:`flows.prefect_ready`).
    Prefect makes only the last folder itself, so a missing data folder would otherwise
    leave it without its database."""
    home = Path(os.environ.get("PREFECT_HOME") or PREFECT_HOME)
    home.mkdir(parents=True, exist_ok=True)
    return home


apply()
