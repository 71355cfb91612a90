"""requirements/lock.txt covers every dependency pyproject.toml names, pinned, with hashes.

`make install` installs it with `pip install --require-hashes --no-deps`, so a package missing
from it would be missing from the install; `make lock` regenerates it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def locked() -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) of every pin in the lock file."""
    out: dict[str, tuple[str, int]] = {}
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()  # a hash holds no "#"
        if m := re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", line):
            out[m[1].lower().replace("_", "-")] = (m[2], line.count("--hash=sha256:"))
    return out


def test_every_dependency_is_pinned_with_hashes() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for r in project["optional-dependencies"]["dev"]}
    pins = locked()
    missing = sorted(wanted - set(pins) - {"torch"})  # torch: the CPU build on disk, apart
    assert missing == [], f"not in requirements/lock.txt (run make lock): {missing}"
    unhashed = sorted(name for name, (_, hashes) in pins.items() if hashes == 0)
    assert unhashed == []


def test_torch_is_installed_apart_and_scrapy_is_the_patched_release() -> None:
    pins = locked()
    assert "torch" not in pins
    assert pins["scrapy"][0].startswith("2.19.")
