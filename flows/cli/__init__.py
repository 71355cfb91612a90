"""The ``asylumwatch`` command line: one Typer app (:mod:`flows.cli.root`) and its sub-apps."""

from flows.cli.root import _mount_subcommands, app, first_cause, main

__all__ = ["_mount_subcommands", "app", "first_cause", "main"]
