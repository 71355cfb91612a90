"""Role-classifier training lines from the corpus: how the quote stage describes real speakers.

    python -m pipeline.role_data            # write models/training_data/roles_corpus.jsonl
    python -m pipeline.role_data --show     # print each line with the rules' verdict
    python -m pipeline.role_data --extensions   # also the corpus's train-only batches

The role classifier reads the description the quote stage builds for a speaker
(:func:`pipeline.quotes.roles.describe_speaker`). Team-written descriptions teach it how a
careful writer introduces people; these lines teach it what the stage actually produces on
real news, in English and French. For every quote the stage finds that matches a gold quote
with the right speaker (the evaluator's own matching), the speaker's description becomes one
line labelled with the gold role, once per article, speaker and description. Lines keep their
article's split: ``train`` trains, ``validation`` calibrates and chooses; the corpus's ``test``
part is never read here. ``--extensions`` adds the train-only batches
(``data/corpus/extensions/``) as train lines, as ``python -m pipeline.corpus build
--extensions`` would keep them (none from a held-out outlet or story).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline import corpus
from pipeline.core.gold import GoldArticle, load_gold
from pipeline.core.paths import PROJECT_ROOT, REFERENCE_DIR
from pipeline.corpus import CorpusError
from pipeline.quotes.speaker_match import COVERAGE, counted, covered, same_speaker
from pipeline.quotes.stage import Attributed, QuoteStage

# The corpus lies in a checkout only (a wheel does not carry it).
CORPUS = REFERENCE_DIR / "corpus" / "news.jsonl"
OUTPUT = PROJECT_ROOT / "models" / "training_data" / "roles_corpus.jsonl"
SPLITS = ("train", "validation")


@dataclass(frozen=True, slots=True)
class RoleLine:
    """One training line: a speaker description and the role the annotators gave."""

    text: str
    label: str
    lang: str
    split: str
    article: str
    rule_role: str
    rule_score: float

    def as_json(self) -> dict[str, str]:
        """The fields the training file keeps (the rules' verdict is left out)."""
        return {
            "text": self.text,
            "label": self.label,
            "lang": self.lang,
            "split": self.split,
            "article": self.article,
        }


def _gold_match(art: GoldArticle, found: Attributed) -> str | None:
    """The gold role of the quote ``found`` matches, when its speaker is the gold one."""
    q = found.quote
    best, best_cov = None, 0
    for g in art.quotes:
        if g.quote_type != q.quote_type:
            continue
        cov = covered(art.text, (g.start, g.end), (q.char_start, q.char_end))
        need = counted(art.text, g.start, g.end)
        if need and cov / need >= COVERAGE and cov > best_cov:
            best, best_cov = g, cov
    if best is None or not best.speaker_role or not same_speaker(best.speaker, q.speaker):
        return None
    return best.speaker_role


def role_lines(stage: QuoteStage, articles: Iterable[GoldArticle]) -> Iterator[RoleLine]:
    """Distinct (description, role) lines of each article whose split is train or validation."""
    for art in articles:
        if art.split not in SPLITS:
            continue
        seen: set[tuple[str, str]] = set()
        for found in stage.analyse(art.text, art.language, art.id):
            m = found.mention
            if m.kind == "none" or not m.description:
                continue
            label = _gold_match(art, found)
            if label is None or (m.description, label) in seen:
                continue
            seen.add((m.description, label))
            yield RoleLine(
                text=m.description,
                label=label,
                lang=(art.language or "en")[:2],
                split=art.split or "train",
                article=art.id,
                rule_role=m.rule_role or "unknown",
                rule_score=m.rule_score,
            )


def main(argv: list[str] | None = None) -> int:
    """Write the training lines to ``--output`` (or print them with ``--show``) and report
    their count per split and language on stderr; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", type=Path, default=CORPUS, help="gold corpus (JSONL)")
    ap.add_argument("--output", type=Path, default=OUTPUT, help="where to write the lines")
    ap.add_argument("--show", action="store_true", help="print lines instead of writing")
    ap.add_argument(
        "--extensions", action="store_true", help="also the train-only batches, as train lines"
    )
    args = ap.parse_args(argv)
    articles = load_gold(args.gold)
    if args.extensions:
        try:
            articles += corpus.extension_articles()
        except CorpusError as exc:
            print(f"python -m pipeline.role_data: {exc}", file=sys.stderr)
            return 2
    stage = QuoteStage.load()
    lines = list(role_lines(stage, articles))
    if args.show:
        for line in lines:
            agree = "=" if line.rule_role == line.label else "x"
            print(
                f"{agree} {line.split[:5]} {line.lang} gold={line.label:13} "
                f"rule={line.rule_role}:{line.rule_score:.2f} | {line.text}"
            )
    else:
        with args.output.open("w", encoding="utf-8") as fh:
            for line in lines:
                fh.write(json.dumps(line.as_json(), ensure_ascii=False) + "\n")
    by = {(s, lang): 0 for s in SPLITS for lang in ("en", "fr")}
    for line in lines:
        by[(line.split, line.lang)] = by.get((line.split, line.lang), 0) + 1
    counts = ", ".join(f"{s} {lang} {n}" for (s, lang), n in by.items())
    print(f"{len(lines)} lines ({counts})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
