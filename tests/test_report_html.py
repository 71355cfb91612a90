"""report.html rendered by headless Chromium with every network lookup refused: the page and
its charts must show. Skipped where no Chromium is installed (``apt-get install chromium``)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from matplotlib.image import imread
from test_report_fixtures import WEEK, build_db

from flows.reports.build import build_report
from flows.reports.charts import OKABE_ITO, STANCE_COLOURS
from flows.reports.week import IsoWeek

BROWSER = next(
    (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
)
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(BROWSER is None, reason="no headless Chromium on this machine"),
]


def screenshot(html: Path, png: Path, profile: Path) -> None:
    subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
         "--hide-scrollbars", "--window-size=1200,2200", f"--screenshot={png}", html.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


def _has_colour(image: np.ndarray, hex_colour: str, tolerance: float = 0.02) -> bool:
    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return bool((np.abs(image[..., :3] - rgb).max(axis=-1) < tolerance).any())


def test_report_renders_offline_in_chromium(tmp_path: Path) -> None:
    db = build_db(tmp_path / "aw.duckdb")
    out = Path(build_report(db, IsoWeek.parse(WEEK), tmp_path / "report").out_dir)
    png = tmp_path / "shot.png"
    screenshot(out / "report.html", png, tmp_path / "profile")
    image = imread(png)
    assert image.shape[:2] == (2200, 1200)
    # the stance chart's colours are on screen: the PNG files next to the page were loaded
    assert _has_colour(image, STANCE_COLOURS["restrictive"])
    assert _has_colour(image, STANCE_COLOURS["protective"])
    assert _has_colour(image, OKABE_ITO["orange"])  # the coverage bars' second outlet
    # and it is not a blank or an error page: plenty of distinct colours
    assert len(np.unique(image[..., :3].reshape(-1, 3), axis=0)) > 500
