"""One run path: ``asylumwatch run`` and the monitor flow go through the same
:func:`flows.stages.run_once`, which alone orders the steps; the flow only swaps how each
step runs (a Prefect task)."""

from __future__ import annotations

import inspect
from pathlib import Path

from crawlers.job import CrawlOptions
from flows import stages
from pipeline.core.config import TopicProfile
from pipeline.dedup import DedupStats
from pipeline.process import ProcessStats

TOPIC = TopicProfile(terms={"en": ("asylum",)})


class FakeAnnotator:
    topic = TOPIC


class Recording(stages.Steps):
    """Plain steps that only write down what was asked of them."""

    def __init__(self, leftover: list[Path]) -> None:
        super().__init__()
        self.calls: list[tuple] = []
        self.leftover = leftover
        self.crawled = False

    def pending(self, job, wait=0.0):
        self.calls.append(("pending", wait))
        return [Path("new.warc.gz")] if self.crawled else list(self.leftover)

    def process(self, job, files, annotator):
        self.calls.append(("process", [f.name for f in files]))
        return ProcessStats(warc_files=len(files))

    def close_leftovers(self, job, files):
        self.calls.append(("close_leftovers", [f.name for f in files]))

    def crawl(self, job, options):
        self.calls.append(("crawl", options))
        self.crawled = True
        return None

    def dedup(self, job):
        self.calls.append(("dedup",))
        return DedupStats()

    def export(self, job):
        self.calls.append(("export",))
        return "exports"


def _job() -> stages.RunJob:
    return stages.RunJob([], Path("db.duckdb"), Path("warc"), CrawlOptions(polite=False))


def test_the_order_of_a_run() -> None:
    steps = Recording([Path("old.warc.gz")])
    summary = stages.run_once(_job(), FakeAnnotator(), steps)  # type: ignore[arg-type]
    names = [call[0] for call in steps.calls]
    assert names == [
        "pending",
        "process",
        "close_leftovers",
        "dedup",
        "crawl",
        "pending",
        "process",
        "dedup",
        "export",
    ]
    assert steps.calls[0] == ("pending", stages.LEFTOVER_WAIT_SECONDS)
    assert steps.calls[2] == ("close_leftovers", ["old.warc.gz"])
    assert steps.calls[6] == ("process", ["new.warc.gz"])
    # the crawl filters by the topic the run annotates with, and keeps the user's options
    options = steps.calls[4][1]
    assert options.topic is TOPIC and options.polite is False
    assert summary.leftover == [Path("old.warc.gz")] and summary.fresh == [Path("new.warc.gz")]
    assert summary.pending is not None and summary.export_dir == "exports"


def test_nothing_left_over_goes_straight_to_the_crawl() -> None:
    steps = Recording([])
    summary = stages.run_once(_job(), FakeAnnotator(), steps)  # type: ignore[arg-type]
    names = [call[0] for call in steps.calls]
    assert names == ["pending", "crawl", "pending", "process", "dedup", "export"]
    assert summary.pending is None


def test_the_flow_runs_every_step_as_a_task() -> None:
    """TaskSteps overrides each step of Steps: none falls back to a plain call in the flow."""
    from flows.monitor import TaskSteps

    plain = {n for n, f in inspect.getmembers(stages.Steps, inspect.isfunction) if n[0] != "_"}
    assert plain == {"pending", "process", "close_leftovers", "crawl", "dedup", "export"}
    for name in plain:
        assert getattr(TaskSteps, name) is not getattr(stages.Steps, name), name
