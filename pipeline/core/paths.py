"""Where the project's files lie: the checkout, its data folder, and the shared folder beside it.

The one place that computes the project root from this file's location; everything else asks
here (or, for data that ships inside a package, that package's own folder).
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = PROJECT_ROOT / "data"
# ../shared: the team's benchmarks, devset and tools, beside the checkout
SHARED_DIR = PROJECT_ROOT.parent / "shared"
