"""Two fixes of issue 10 in the admin area: structures listed in the order a reader expects
of names, whatever their case and accents ("Caisse" before "CIDJ", "École" among the E),
and an address input that asks browsers for one line."""

from tests.factories import structure

from .admin_sample import ADMIN, STRUCTURES
from .pages import page_of

NAMES = ["CIDJ", "Caisse d'allocations familiales", "École de la deuxième chance", "emmaüs"]


def test_the_dashboard_orders_structures_by_name_as_read(app, load, signed_in):
    load([structure(f"s{n}", nom=name) for n, name in enumerate(NAMES)], [])
    page = page_of(signed_in(ADMIN).get("/admin/"))
    table = page.find("div", class_="structures-table").find("tbody")
    shown = [row.find("a").text for row in table.find_all("tr")]
    ours = [name for name in shown if name in NAMES]
    expected = ["Caisse d'allocations familiales", "CIDJ", "École de la deuxième chance", "emmaüs"]
    assert ours == expected, shown
    assert len(shown) == len(NAMES) + len(STRUCTURES)


def test_the_address_input_asks_browsers_for_one_line(directory, signed_in):
    """autocomplete="street-address" is for a multi-line field (Nu HTML checker error)."""
    page = page_of(signed_in(ADMIN).get("/admin/structures/nouvelle"))
    assert page.find("input", name="adresse").get("autocomplete") == "address-line1"
