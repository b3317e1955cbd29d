"""The search page under many filter values (issue 9): 2,000 values once made 161 MB of
HTML in 35 s, each facet link carrying every value. Past the cap: 400 naming the filters."""

from directory import referentials as ref

from .html_page import parse


def test_past_the_cap_the_page_answers_400_naming_each_filter(client, sample):
    cap = client.application.config["SEARCH_MAX_FILTER_VALUES"]
    values = [("structure", f"s{n}") for n in range(2_000)] + [("langues", "ar")]
    response = client.get("/", query_string=values)
    assert response.status_code == 400
    text = parse(response.data).text
    assert "Structures" in text and "Langues parlées" in text
    assert f"2000 valeurs ; une recherche en prend {cap} au plus" in text


def test_at_the_cap_the_page_stays_small(client, sample):
    cap = client.application.config["SEARCH_MAX_FILTER_VALUES"]
    chosen = [("thematiques", value) for value in [*ref.CATEGORIES, *ref.THEMATIQUES]]
    chosen += [("arrondissement", str(number)) for number in range(1, 21)]
    response = client.get("/", query_string=chosen[:cap])
    assert response.status_code == 200
    assert len(response.data) < 3_000_000
