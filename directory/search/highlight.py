"""Highlighting of the words a text query matched, identical for every backend.

The words of the original text are analysed one by one, as the index analysed them, and
those whose terms the query asked for are marked.
"""

import re

from .text import analyse, parse_query

WORD = re.compile(r"\w+(?:-\w+)*", re.UNICODE)


def query_terms(q: str | None) -> set[str]:
    """Every index term that a query (with its synonyms) can match."""
    if not q:
        return set()
    return {term for group in parse_query(q) for phrase in group.phrases for term in phrase}


def spans(text: str, terms: set[str]) -> list[tuple[str, bool]]:
    """The text cut into (segment, matched) pieces, in order, covering it whole."""
    pieces, position = [], 0
    for word in WORD.finditer(text):
        if terms and terms.intersection(analyse(word.group())):
            pieces.append((text[position : word.start()], False))
            pieces.append((word.group(), True))
            position = word.end()
    pieces.append((text[position:], False))
    return [piece for piece in pieces if piece[0]]
