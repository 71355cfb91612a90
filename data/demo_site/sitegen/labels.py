"""Codebook labels, taken from the pipeline's record contract (``pipeline/core/records.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[3]
if str(_REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(_REPO_ROOT))

from pipeline.core.records import QUOTE_TYPES, SPEAKER_ROLES, STANCES  # noqa: E402

__all__ = ["QUOTE_TYPES", "SPEAKER_ROLES", "STANCES"]
