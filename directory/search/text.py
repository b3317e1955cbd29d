"""French text analysis shared by every search backend.

Text is analysed in Python, the same way at index and at query time, so that the embedded
index and Elasticsearch (even a minimal distribution without ``analysis-common``) match
the same words: lower case, no accents, no elision (l', d'…), no stop words, plural folded
to singular, and a synonym list expanded at query time.
"""

import re
import unicodedata
from dataclasses import dataclass

ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)
TOKEN = re.compile(r"[a-z0-9]+")

STOP_WORDS = frozenset(
    """
    a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me
    meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te
    tes toi ton tu un une vos votre vous y est sont etre
    """.split()
)

# Groups of equivalent words and phrases for the field's vocabulary.
SYNONYMS = (
    ("fle", "cours de français", "français langue étrangère", "apprendre le français"),
    ("alphabétisation", "alpha", "apprendre à lire et à écrire"),
    ("crèche", "garde d'enfants", "halte-garderie", "mode de garde", "garderie"),
    ("hébergement d'urgence", "mise à l'abri", "115"),
    ("emploi", "travail", "job"),
    ("cv", "curriculum vitae"),
    ("rqth", "travailleur handicapé", "reconnaissance de la qualité de travailleur handicapé"),
    ("mdph", "maison départementale des personnes handicapées"),
    ("france travail", "pôle emploi"),
    ("cir", "contrat d'intégration républicaine"),
    ("cej", "contrat d'engagement jeune"),
    ("caf", "allocations familiales"),
    ("ame", "aide médicale d'état"),
    ("psy", "psychologue", "santé mentale"),
    ("médecin", "soins", "consultation médicale"),
    ("ordinateur", "informatique", "numérique"),
    ("titre de séjour", "carte de séjour", "droit au séjour"),
    ("permis", "permis de conduire", "auto-école"),
    ("aide alimentaire", "colis alimentaire", "épicerie solidaire", "banque alimentaire"),
    ("domiciliation", "adresse postale", "boîte aux lettres"),
    ("transport", "mobilité", "navigo"),
    ("vêtements", "habillement", "vestiaire"),
    ("avocat", "juriste", "conseil juridique", "accès au droit"),
)


class _WithoutCombiningMarks(dict):
    """A str.translate table that drops combining marks (accents) and keeps every other
    character; filled as characters are met, so it holds only those of the texts seen."""

    def __missing__(self, codepoint: int) -> int | None:
        kept = None if unicodedata.combining(chr(codepoint)) else codepoint
        self[codepoint] = kept
        return kept


WITHOUT_COMBINING_MARKS = _WithoutCombiningMarks()


def fold(text: str) -> str:
    """Lower case without accents: the key used to compare and sort names."""
    return unicodedata.normalize("NFKD", text.lower()).translate(WITHOUT_COMBINING_MARKS)


def singular(token: str) -> str:
    """Fold a French plural to its singular (hébergements -> hebergement, travaux -> traval)."""
    if len(token) > 4 and token.endswith("aux"):
        return token[:-3] + "al"
    if len(token) > 3 and token[-1] in "sx" and not token.endswith("ss"):
        return token[:-1]
    return token


def analyse(text: str | None) -> list[str]:
    """The index terms of a text, in order."""
    if not text:
        return []
    words = TOKEN.findall(fold(ELISION.sub(" ", text.replace("-", " "))))
    return [singular(word) for word in words if word not in STOP_WORDS]


def analysed_text(*texts: str | None) -> str:
    """Texts reduced to their index terms, space-separated, ready for a whitespace tokenizer."""
    return " ".join(term for text in texts for term in analyse(text))


@dataclass(frozen=True)
class TermGroup:
    """One query word (or synonym phrase): the document must contain one of its phrases."""

    phrases: tuple[tuple[str, ...], ...]


def _synonym_table() -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    table = {}
    for group in SYNONYMS:
        phrases = tuple(dict.fromkeys(tuple(analyse(phrase)) for phrase in group))
        for phrase in phrases:
            table[phrase] = tuple(dict.fromkeys(table.get(phrase, ()) + phrases))
    return table


SYNONYM_TABLE = _synonym_table()
LONGEST_SYNONYM = max(len(phrase) for phrase in SYNONYM_TABLE)


def parse_query(text: str) -> list[TermGroup]:
    """Split a query into groups that must all match, expanding synonyms (longest first)."""
    terms = analyse(text)
    groups: list[TermGroup] = []
    position = 0
    while position < len(terms):
        for size in range(min(LONGEST_SYNONYM, len(terms) - position), 0, -1):
            phrase = tuple(terms[position : position + size])
            if phrase in SYNONYM_TABLE:
                groups.append(TermGroup(SYNONYM_TABLE[phrase]))
                position += size
                break
        else:
            groups.append(TermGroup(((terms[position],),)))
            position += 1
    return list(dict.fromkeys(groups))
