"""The crawl job: everything the crawler subprocess needs, written to a JSON file by the
parent process (the CLI or a Prefect task) and read by the spider, the archive and the
dupefilter."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.config import Source


@dataclass(slots=True)
class CrawlJob:
    run_id: str
    warc_file: str  # path of the WARC file this run writes
    fetch_log: str  # path of the JSON-lines fetch log written next to it
    sources: list[Source]
    seen_file: str | None = None  # canonical URLs of articles fetched by earlier runs
    polite: bool = True
    contact_url: str | None = None
    max_articles: int | None = None  # stop after this many article responses (tests, demos)
    extra_settings: dict = field(default_factory=dict)

    def save(self, path: Path) -> None:
        data = asdict(self)
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> CrawlJob:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        data["sources"] = [
            Source(**{k: tuple(v) if isinstance(v, list) else v for k, v in s.items()})
            for s in data["sources"]
        ]
        return cls(**data)

    def seen_urls(self) -> set[str]:
        if not self.seen_file or not Path(self.seen_file).exists():
            return set()
        with open(self.seen_file, encoding="utf-8") as handle:
            return {line.strip() for line in handle if line.strip()}
