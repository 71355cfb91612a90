"""Every path the project reads or writes, each from one place, with where it came from.

A value comes from the first of: a command-line flag; an environment variable
(``ASYLUMWATCH_<NAME>``, and ``PREFECT_HOME`` / ``ASYLUMWATCH_MODELS_CONFIG`` as before); the
project file (``asylumwatch.toml`` in the working folder, a ``[paths]`` table whose relative
paths are read from the file's folder); the default under the checkout's ``data/``. This is
the only place that applies the order: every command hands its path flags (None when not given)
to :func:`resolve` through ``flows.cli.options.resolve_paths``, and ``asylumwatch config show``
prints each value and its origin.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.config import ConfigError
from pipeline.core.paths import DATA_DIR

PROJECT_FILE = "asylumwatch.toml"
# What the project file may set: the paths the commands take as flags, and the models config
# (which the commands read through ASYLUMWATCH_MODELS_CONFIG).
PROJECT_FILE_KEYS = ("sources", "topic", "db", "warc_dir", "models_config", "organisations")

# name -> (environment variable, or None where only the default applies; default)
FIELDS: dict[str, tuple[str | None, Path]] = {
    "sources": ("ASYLUMWATCH_SOURCES", DATA_DIR / "sources.toml"),
    "topic": ("ASYLUMWATCH_TOPIC", DATA_DIR / "topic.toml"),
    "db": ("ASYLUMWATCH_DB", DATA_DIR / "asylumwatch.duckdb"),
    "warc_dir": ("ASYLUMWATCH_WARC_DIR", DATA_DIR / "warc"),
    "models_config": ("ASYLUMWATCH_MODELS_CONFIG", DATA_DIR / "models.toml"),
    # the quote stage's organisation table, handed to it by build_annotator (--organisations)
    "organisations": ("ASYLUMWATCH_ORGANISATIONS", DATA_DIR / "organisations.toml"),
    "prefect_home": ("PREFECT_HOME", DATA_DIR / "prefect"),
}


@dataclass(frozen=True, slots=True)
class Setting:
    """One resolved value and where it came from (``flag``, ``environment NAME``,
    ``project file PATH`` or ``default``)."""

    value: Path
    origin: str


@dataclass(frozen=True, slots=True)
class Settings:
    """The project's paths, resolved once at the edge (a command, a flow run)."""

    values: Mapping[str, Setting]

    def __getitem__(self, name: str) -> Path:
        return self.values[name].value

    def rows(self) -> list[tuple[str, str, str]]:
        """``(name, value, origin)`` for each setting, in :data:`FIELDS` order."""
        return [(n, str(self.values[n].value), self.values[n].origin) for n in FIELDS]


def read_project_file(path: Path) -> dict[str, Path]:
    """The ``[paths]`` table of a project file (relative paths from the file's folder)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    paths = raw.get("paths", {})
    if not isinstance(paths, dict):
        raise ConfigError(f"{path}: 'paths' must be a table ([paths])")
    out: dict[str, Path] = {}
    for key, value in paths.items():
        if key not in PROJECT_FILE_KEYS:
            known = ", ".join(PROJECT_FILE_KEYS)
            raise ConfigError(f"{path}: [paths] {key}: unknown; known: {known}")
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{path}: [paths] {key} must be a path (a non-empty string)")
        out[key] = path.parent / Path(value).expanduser()
    return out


def resolve(
    flags: Mapping[str, Path | None] | None = None,
    environ: Mapping[str, str] | None = None,
    project_file: Path | None = None,
) -> Settings:
    """Each setting from the flag given, else the environment, else the project file (by
    default ``./asylumwatch.toml`` when it exists), else the default."""
    flags = flags or {}
    environ = os.environ if environ is None else environ
    if project_file is None and Path(PROJECT_FILE).is_file():
        project_file = Path(PROJECT_FILE)
    from_file = read_project_file(project_file) if project_file is not None else {}
    unknown = set(flags) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    values: dict[str, Setting] = {}
    for name, (env, default) in FIELDS.items():
        if (flag := flags.get(name)) is not None:
            values[name] = Setting(Path(flag), "flag")
        elif env is not None and environ.get(env) and Path(environ[env]) != default:
            # (equal to the default: flows.prefect_env puts PREFECT_HOME there on import)
            values[name] = Setting(Path(environ[env]), f"environment {env}")
        elif name in from_file:
            values[name] = Setting(from_file[name], f"project file {project_file}")
        else:
            values[name] = Setting(default, "default")
    return Settings(values)
