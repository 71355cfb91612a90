"""Prefect is about to run here: its settings applied and its home folder created.

Import this module first (``import flows.prefect_ready  # noqa: F401``) in every module that
imports Prefect (the flows, ``serve``), before ``prefect`` itself: it applies
:mod:`flows.prefect_env` (``PREFECT_HOME`` and the timeouts, which Prefect reads when it is
imported) and creates ``PREFECT_HOME`` (:func:`flows.prefect_env.ensure_home`). Importing
:mod:`flows.prefect_env` alone sets the environment and creates nothing, so the command line
(``asylumwatch --help``, or any command that runs no flow) never creates the folder.
"""

from __future__ import annotations

from flows.prefect_env import ensure_home

PREFECT_HOME = ensure_home()
