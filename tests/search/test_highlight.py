"""Matched words are highlighted in result cards, escaped, on both backends."""

from directory.search.highlight import query_terms, spans
from tests.factories import service, structure


def test_spans_mark_every_form_of_the_query_words():
    text = "L'hébergement et les hébergements, puis un Hébergement."
    marked = [piece for piece, matched in spans(text, query_terms("hebergement")) if matched]
    assert marked == ["L'hébergement"[2:], "hébergements", "Hébergement"]
    assert "".join(piece for piece, _ in spans(text, query_terms("hebergement"))) == text


def test_synonyms_are_highlighted_too():
    marked = [p for p, m in spans("Ateliers FLE le soir", query_terms("cours de français")) if m]
    assert marked == ["FLE"]


def test_result_cards_mark_matches_and_escape_the_rest(client, load):
    load(
        [structure()],
        [
            service(
                "a",
                nom="Hébergement <b>solidaire</b>",
                description="Un hébergement pour la nuit <script>x()</script>.",
            )
        ],
    )
    page = client.get("/?q=hébergements").get_data(as_text=True)
    assert "<mark>Hébergement</mark> &lt;b&gt;solidaire&lt;/b&gt;" in page
    assert "Un <mark>hébergement</mark> pour la nuit &lt;script&gt;" in page
    assert "<script>x()" not in page
