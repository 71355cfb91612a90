"""Every path the project reads or writes, each from one place, with where it came from.

A value comes from the first of: a command-line flag; an environment variable
(``ASYLUMWATCH_<NAME>``, and ``PREFECT_HOME`` / ``ASYLUMWATCH_MODELS_CONFIG`` as before); the
project file (``asylumwatch.toml`` in the working folder, a ``[paths]`` table whose relative
paths are read from the file's folder); the default. Every value comes back absolute: a
relative flag or environment value is read from the working folder, here at the edge, so that
no later step (the crawler subprocess runs in the checkout) reads it against another folder.
The defaults of the reference files lie in :data:`pipeline.core.paths.REFERENCE_DIR` (the
checkout's ``data/`` or the installed package's copy); those of the writable state (database,
WARC archives, Prefect's state) in the data folder, itself the ``data_dir`` setting. This is
the only place that applies the order: every command hands its path flags (None when not
given) to :func:`resolve` through ``flows.cli.options.resolve_paths``, the Prefect flows the
path parameters they were given (``flows.monitor.flow_paths``), and ``asylumwatch config
show`` prints each value and its origin.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.core.config import ConfigError
from pipeline.core.paths import DEFAULT_DATA_DIR, REFERENCE_DIR

PROJECT_FILE = "asylumwatch.toml"
# What the project file may set: the paths the commands take as flags, the models config
# (which the classifiers ask for: models.config.load_model_config) and the data folder.
PROJECT_FILE_KEYS = (
    "data_dir",
    "sources",
    "topic",
    "db",
    "warc_dir",
    "models_config",
    "organisations",
)

# The writable state: file names in the data folder, so their defaults follow data_dir.
IN_DATA_DIR = {"db": "asylumwatch.duckdb", "warc_dir": "warc", "prefect_home": "prefect"}

# name -> (environment variable, or None where only the default applies; default). data_dir
# comes first: the defaults of the IN_DATA_DIR settings lie in the folder it resolves to.
FIELDS: dict[str, tuple[str | None, Path]] = {
    "data_dir": ("ASYLUMWATCH_DATA_DIR", DEFAULT_DATA_DIR),
    "sources": ("ASYLUMWATCH_SOURCES", REFERENCE_DIR / "sources.toml"),
    "topic": ("ASYLUMWATCH_TOPIC", REFERENCE_DIR / "topic.toml"),
    "db": ("ASYLUMWATCH_DB", DEFAULT_DATA_DIR / IN_DATA_DIR["db"]),
    "warc_dir": ("ASYLUMWATCH_WARC_DIR", DEFAULT_DATA_DIR / IN_DATA_DIR["warc_dir"]),
    "models_config": ("ASYLUMWATCH_MODELS_CONFIG", REFERENCE_DIR / "models.toml"),
    # the quote stage's organisation table, handed to it by build_annotator (--organisations)
    "organisations": ("ASYLUMWATCH_ORGANISATIONS", REFERENCE_DIR / "organisations.toml"),
    "prefect_home": ("PREFECT_HOME", DEFAULT_DATA_DIR / IN_DATA_DIR["prefect_home"]),
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


def _absolute(value: str | os.PathLike[str]) -> Path:
    """``value`` as an absolute path (``~`` expanded), relative ones from the working folder."""
    return Path(value).expanduser().absolute()


def resolve(
    flags: Mapping[str, Path | None] | None = None,
    environ: Mapping[str, str] | None = None,
    project_file: Path | None = None,
) -> Settings:
    """Each setting from the flag given, else the environment, else the project file (by
    default ``./asylumwatch.toml`` when it exists), else the default. ``data_dir`` is resolved
    first: the defaults of the database, the WARC folder and Prefect's home lie in it.

    Every value is absolute: a relative flag or environment value (``--warc-dir rel``,
    ``ASYLUMWATCH_WARC_DIR=rel``; ``~`` expanded) is read from the current working folder."""
    flags = flags or {}
    environ = os.environ if environ is None else environ
    if project_file is None and Path(PROJECT_FILE).is_file():
        project_file = Path(PROJECT_FILE)
    # Its relative paths are read from its folder, made absolute; the origin names it as given.
    from_file = read_project_file(project_file.absolute()) if project_file is not None else {}
    unknown = set(flags) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    values: dict[str, Setting] = {}
    for name, (env, default) in FIELDS.items():
        if name in IN_DATA_DIR:  # absolute: the crawler subprocess runs in another folder
            default = values["data_dir"].value.absolute() / IN_DATA_DIR[name]
        if (flag := flags.get(name)) is not None:
            values[name] = Setting(_absolute(flag), "flag")
        elif env is not None and environ.get(env) and _absolute(environ[env]) != default:
            # (equal to the default: flows.prefect_env puts PREFECT_HOME there on import)
            values[name] = Setting(_absolute(environ[env]), f"environment {env}")
        elif name in from_file:
            values[name] = Setting(from_file[name], f"project file {project_file}")
        else:
            values[name] = Setting(default, "default")
    return Settings(values)
