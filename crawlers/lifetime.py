"""The crawler subprocess lives no longer than the process that started it.

The parent starts the crawler in its own session (process group) and passes its pid in
``AW_PARENT_PID``. The crawler, first thing, asks Linux to send it SIGTERM when its parent
dies (``prctl(PR_SET_PDEATHSIG)``), and also runs a watchdog thread that notices a new parent
pid (for the systems without prctl, and for a parent that died before prctl ran). SIGTERM
makes Scrapy stop cleanly: in-flight requests finish, the WARC and fetch log are closed, and
the next run loads what was archived.

A program that cannot call :func:`die_with_parent` itself (the Prefect server that ``serve``
starts) is started through :func:`tied_to_parent`: ``python -m crawlers.lifetime PID -- CMD``
sets the death signal, then ``exec``s the command, which keeps it (Linux only; elsewhere the
command just runs).

In the parent, :func:`sigterm_raises` turns SIGTERM into :class:`Terminated` (a
``KeyboardInterrupt``) while a crawl runs, so ``run`` stops its crawler, records the run as
interrupted and exits like after Ctrl-C.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

PARENT_ENV = "AW_PARENT_PID"
PR_SET_PDEATHSIG = 1
WATCHDOG_SECONDS = 1.0


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM)."""


def _set_death_signal() -> None:
    """Ask Linux to send this process SIGTERM when its parent dies (elsewhere: nothing)."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def die_with_parent(parent_pid: int | None = None) -> None:
    """Call first thing in the child: SIGTERM ourselves when the parent goes away."""
    if parent_pid is None:
        value = os.environ.get(PARENT_ENV, "")
        if not value.isdigit():
            return
        parent_pid = int(value)
    _set_death_signal()
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os.kill(os.getpid(), signal.SIGTERM)
        return
    watchdog = threading.Thread(
        target=_watch, args=(parent_pid,), name="parent-watchdog", daemon=True
    )
    watchdog.start()


def tied_to_parent(command: list[str]) -> list[str]:
    """``command`` wrapped so that it gets SIGTERM when this process dies."""
    return [sys.executable, "-m", "crawlers.lifetime", str(os.getpid()), "--", *command]


def _exec_tied(argv: list[str]) -> None:
    """``python -m crawlers.lifetime PID -- CMD...``: set the death signal, then become CMD."""
    if len(argv) < 3 or not argv[0].isdigit() or argv[1] != "--":
        sys.exit("usage: python -m crawlers.lifetime PARENT_PID -- COMMAND [ARG...]")
    parent_pid = int(argv[0])
    _set_death_signal()
    if os.getppid() != parent_pid:
        sys.exit(1)  # the parent is already gone
    os.execvp(argv[2], argv[2:])


def _watch(parent_pid: int) -> None:
    stop = threading.Event()
    while not stop.wait(WATCHDOG_SECONDS):
        if os.getppid() != parent_pid:
            os.kill(os.getpid(), signal.SIGTERM)
            stop.wait(30)  # Scrapy stops cleanly on the first SIGTERM...
            os.kill(os.getpid(), signal.SIGKILL)  # ...or not at all
            return


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """While in this block, SIGTERM raises :class:`Terminated` in the main thread (elsewhere,
    where Python cannot install handlers, this does nothing)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    _exec_tied(sys.argv[1:])
