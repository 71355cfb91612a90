"""Build the bundled demo news site from ``content/<outlet>/*.md``.

Writes ``site/<outlet-slug>/`` (one static site root per outlet), ``manifest.json`` (ground
truth for tests) and ``sources.toml`` (the demo's crawl configuration). The output is
byte-for-byte deterministic. Invalid content files are reported as ``path: problem`` and the
build exits with status 1 without writing anything (unless ``--skip-invalid``).

    .venv/bin/python data/demo_site/build_site.py [--check] [--skip-invalid]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:  # importable from tests, not only runnable as a script
    sys.path.insert(0, str(ROOT))

from sitegen.content import ContentError, Story, split_file  # noqa: E402
from sitegen.manifest import build_manifest  # noqa: E402
from sitegen.outlets import OUTLETS  # noqa: E402
from sitegen.render import render_site  # noqa: E402
from sitegen.site import Site  # noqa: E402
from sitegen.sources import sources_toml  # noqa: E402
from sitegen.validate import WORDS_MAX, WORDS_MIN, build_story  # noqa: E402

CONTENT = ROOT / "content"
SITE = ROOT / "site"


def load_stories(content: Path) -> tuple[dict[str, list[Story]], list[ContentError]]:
    """Read and validate every content file; return the stories per outlet and the errors."""
    stories: dict[str, list[Story]] = {o.slug: [] for o in OUTLETS}
    errors: list[ContentError] = []
    known = {o.slug for o in OUTLETS}
    for folder in sorted(p for p in content.iterdir() if p.is_dir()) if content.is_dir() else []:
        if folder.name not in known:
            errors.append(
                ContentError(folder, [f"unknown outlet folder (expected {sorted(known)})"])
            )
    for outlet in OUTLETS:
        for path in sorted((content / outlet.slug).glob("*.md")):
            source = path.relative_to(content.parent).as_posix()
            try:
                raw = split_file(path)
                story = build_story(path, source, outlet.slug, outlet.language, raw)
            except ContentError as error:
                errors.append(error)
                continue
            stories[outlet.slug].append(story)
    return stories, errors


def build_outputs(stories: dict[str, list[Story]]) -> dict[str, bytes]:
    """Every output file, keyed by path relative to the demo_site folder."""
    sites = [Site(outlet, stories[outlet.slug]) for outlet in OUTLETS]
    outputs: dict[str, bytes] = {}
    for site in sites:
        for path, data in render_site(site).items():
            outputs[f"site/{site.outlet.slug}/{path}"] = data
    outputs["manifest.json"] = build_manifest(sites).encode("utf-8")
    outputs["sources.toml"] = sources_toml(sites).encode("utf-8")
    return outputs


def write_outputs(outputs: dict[str, bytes], root: Path) -> None:
    """Replace ``root/site`` entirely, then write every file."""
    if (root / "site").exists():
        shutil.rmtree(root / "site")
    for relative, data in sorted(outputs.items()):
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def stale_files(outputs: dict[str, bytes], root: Path) -> list[str]:
    """Output paths whose file on disk differs from what a build would write."""
    stale = [
        p
        for p, data in outputs.items()
        if not (root / p).is_file() or (root / p).read_bytes() != data
    ]
    on_disk = (
        {p.relative_to(root).as_posix() for p in (root / "site").rglob("*") if p.is_file()}
        if (root / "site").is_dir()
        else set()
    )
    stale += sorted(on_disk - set(outputs))
    return sorted(stale)


def _display(path: Path) -> str:
    """A path relative to the repository root when it is inside it."""
    try:
        return path.resolve().relative_to(ROOT.parent.parent).as_posix()
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="validate and compare with the files on disk; write nothing",
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="build from the valid files anyway (still exits 1 on errors)",
    )
    args = parser.parse_args(argv)

    stories, errors = load_stories(CONTENT)
    for error in errors:
        for problem in error.problems:
            print(f"{_display(error.path)}: {problem}", file=sys.stderr)
    for story in (s for group in stories.values() for s in group if not s.private):
        if not WORDS_MIN <= story.word_count <= WORDS_MAX:
            print(
                f"warning: {story.source}: body has {story.word_count} words "
                f"(articles should have {WORDS_MIN}-{WORDS_MAX})",
                file=sys.stderr,
            )
    if errors and not args.skip_invalid:
        print(f"{len(errors)} invalid content file(s); nothing written", file=sys.stderr)
        return 1
    outputs = build_outputs(stories)
    public = sum(1 for group in stories.values() for s in group if not s.private)
    private = sum(1 for group in stories.values() for s in group if s.private)
    if args.check:
        stale = stale_files(outputs, ROOT)
        for path in stale:
            print(f"out of date: {path}", file=sys.stderr)
        return 1 if stale or errors else 0
    write_outputs(outputs, ROOT)
    print(
        f"built {public} articles and {private} private page(s): "
        f"{len(outputs)} files under {_display(ROOT)}"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
