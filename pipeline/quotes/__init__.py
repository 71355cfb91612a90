"""The quote stage: who is quoted, saying what, in which role.

Steps (each its own module, data flowing one way):

1. :mod:`~pipeline.quotes.nlp` parses the article with spaCy (tokens, sentences, entities,
   dependency parse);
2. :mod:`~pipeline.quotes.find` finds direct quotes (inside quotation marks) and reported
   speech (speech verbs with a clause, "according to"), each with its attribution cue;
3. :mod:`~pipeline.quotes.candidates` groups the people and organisations the article names;
4. :mod:`~pipeline.quotes.attribute` ranks the candidates for each quote with a learned model;
5. :mod:`pipeline.quotes.roles` describes each speaker and assigns the codebook role.

Word lists live in ``data/quotes/<language>.toml``; the ranker's weights in
``data/quotes/speaker_ranker.json`` (trained by :mod:`pipeline.quotes.train`).
"""

from pipeline.quotes.stage import Attributed, QuoteStage, analyse, default_stage, extract_quotes

__all__ = ["Attributed", "QuoteStage", "analyse", "default_stage", "extract_quotes"]
