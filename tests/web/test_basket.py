"""The sheet basket: services added from a service page or the search results, kept in a
cookie, listed on /panier and sent to the sheet together."""

import pytest

from tests.web.html_page import parse

pytestmark = pytest.mark.usefixtures("sample")
FLE = "fle-debutants"


def page_at(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return parse(response.data)


def post_from(client, url: str, **fields):
    """Submit the basket form of a page with its CSRF token, as the browser does."""
    form = page_at(client, url).find("form", class_="basket-form")
    data = {box.get("name"): box.get("value") for box in form.find_all("input", type="hidden")}
    return client.post(form.get("action"), data=data | fields)


def test_a_service_page_adds_to_the_basket_and_comes_back(client):
    response = post_from(client, f"/services/{FLE}", ajouter=FLE)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/services/{FLE}"
    page = page_at(client, f"/services/{FLE}")
    assert page.find("button", class_="basket-button").get("name") == "retirer"
    assert "1" in page.find("nav", id="navigation").find("a", href="/panier").text


def test_the_basket_page_sends_its_services_to_the_sheet(client):
    post_from(client, f"/services/{FLE}", ajouter=FLE)
    page = page_at(client, "/panier")
    sheet = page.find("form", class_="basket-sheet")
    assert sheet.get("action") == "/fiche"
    assert [i.get("value") for i in sheet.find_all("input", name="services")] == [FLE]
    assert "Cours de français langue étrangère pour débutants" in page.text


def test_remove_and_empty(client):
    post_from(client, f"/services/{FLE}", ajouter=FLE)
    post_from(client, "/panier", retirer=FLE)
    assert "Aucun service pour l'instant" in page_at(client, "/panier").text
    post_from(client, f"/services/{FLE}", ajouter=FLE)
    post_from(client, "/panier", vider="1")
    assert "Aucun service pour l'instant" in page_at(client, "/panier").text


def test_unknown_services_and_foreign_redirects_are_refused(client):
    response = post_from(client, f"/services/{FLE}", ajouter="inconnu", next="//evil.example/")
    assert response.headers["Location"] == "/panier"
    assert "Aucun service pour l'instant" in page_at(client, "/panier").text


def test_a_post_without_its_csrf_token_is_refused(client):
    assert client.post("/panier", data={"ajouter": FLE}).status_code == 400
    assert "Aucun service pour l'instant" in page_at(client, "/panier").text


def test_search_results_add_to_the_basket_and_come_back_to_the_same_search(client):
    search = "/?q=fran%C3%A7ais&age=30"
    page = page_at(client, search)
    button = page.find("button", class_="basket-button", value=FLE)
    assert (button.get("form"), button.get("name")) == ("panier", "ajouter")
    response = post_from(client, search, ajouter=FLE)
    assert response.headers["Location"] == search
    again = page_at(client, search).find("button", class_="basket-button", value=FLE)
    assert again.get("name") == "retirer"
