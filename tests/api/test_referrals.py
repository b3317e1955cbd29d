"""Referrals through the API: who may send, list, read, answer and read the figures (a
matrix, every refused cell changing nothing), what a referral may hold, answers in turn."""

import base64

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import AuditEntry, Membership, Referral, ReferralEvent
from directory.services import referrals
from directory.services.accounts import create_user, find_user
from tests.admin.pages import sign_in
from tests.factories import service, structure

PASSWORD = "un mot de passe solide"
# Who, with which role, member of which structure. Structure A sends; C receives.
ACCOUNTS = {
    "lecteur": ("reader", None),
    "orienteur-a": ("orienteur", "a"),
    "orienteur-b": ("orienteur", "b"),
    "editeur-c": ("editor", "c"),
    "editeur-b": ("editor", "b"),
    "admin": ("admin", None),
}
PERSON = {"prenom": "Zorabelle", "contact": "zorabelle@exemple.org", "note": "Préfère le matin."}
SENT = {"service_id": "svc-c", "structure_id": "a", "frein": "famille", "consentement": True}


@pytest.fixture
def backend() -> str:
    return "embedded"


@pytest.fixture
def directory(app, load):
    load(
        [structure(name, nom=f"Structure {name.upper()}") for name in ("a", "b", "c")],
        [service("svc-c", "c", thematiques=["famille--garde-denfants"]), service("svc-b", "b")],
    )
    with app.app_context():
        for name, (role, member_of) in ACCOUNTS.items():
            user = create_user(f"{name}@exemple.fr", PASSWORD, role)
            if member_of:
                db.session.add(Membership(user_id=user.id, structure_id=member_of))
        db.session.commit()
    return app


@pytest.fixture
def received(directory) -> int:
    """A referral from A to C's service, read once by C's editor (so: received)."""
    with directory.app_context():
        referral = referrals.create(find_user("orienteur-a@exemple.fr"), SENT | PERSON)
        referrals.read(find_user("editeur-c@exemple.fr"), referral)
        return referral.id


def auth(user: str | None) -> dict:
    if user is None:
        return {}
    token = base64.b64encode(f"{user}@exemple.fr:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def snapshot(app) -> tuple:
    """Everything a refused action must leave as it was: referrals, their events, the audit."""
    with app.app_context():
        rows = [
            (r.id, r.state, r.revision, r.prenom, r.contact, r.note, r.refusal_motive)
            for r in db.session.scalars(select(Referral).order_by(Referral.id))
        ]
        events = db.session.query(ReferralEvent).count()
        return rows, events, db.session.query(AuditEntry).count()


def act(client, action: str, referral_id: int, user: str | None):
    headers = auth(user)
    if action == "create":
        return client.post("/api/v1/referrals", json=SENT | PERSON, headers=headers)
    if action == "list":
        return client.get("/api/v1/referrals", headers=headers)
    if action == "read":
        return client.get(f"/api/v1/referrals/{referral_id}", headers=headers)
    if action == "answer":
        body = {"state": "acceptee", "revision": 2}
        return client.post(f"/api/v1/referrals/{referral_id}/answer", json=body, headers=headers)
    if action == "figures":  # a page: signed in through the form
        if user:
            sign_in(client, f"{user}@exemple.fr", PASSWORD)
        return client.get("/statistiques/orientations.csv?par=structure-accueil")
    raise AssertionError(action)


USERS = (None, *ACCOUNTS)
ALLOWED = {
    "create": {"orienteur-a"},
    "list": {"orienteur-a", "editeur-c"},
    "read": {"orienteur-a", "editeur-c"},
    "answer": {"editeur-c"},
    "figures": set(ACCOUNTS),
}


def _sees_referral(response, referral_id: int) -> bool:
    body = response.get_json()
    listed = body.get("recues", []) + body.get("envoyees", [])
    return any(item["id"] == referral_id for item in listed)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("action", ALLOWED)
def test_permission_matrix(directory, received, action, user):
    client = directory.test_client()
    before = snapshot(directory)
    response = act(client, action, received, user)
    allowed = user in ALLOWED[action]
    if action == "list" and response.status_code == 200:
        # An editor or orienteur of other structures lists theirs: this one is not there.
        assert _sees_referral(response, received) is allowed
    elif allowed:
        assert response.status_code in (200, 201), response.get_json()
    else:
        assert response.status_code in (401, 403, 404), response.get_data(as_text=True)
        assert snapshot(directory) == before
    if not allowed or action in ("list", "figures"):
        assert PERSON["prenom"] not in response.get_data(as_text=True)


def test_an_admin_never_sees_a_person(directory, received):
    client = directory.test_client()
    for url in ("/api/v1/referrals", f"/api/v1/referrals/{received}"):
        response = client.get(url, headers=auth("admin"))
        assert response.status_code == 403
        text = response.get_data(as_text=True)
        assert PERSON["prenom"] not in text and PERSON["contact"] not in text


def test_reading_is_audited_and_tells_the_reader_the_person(directory, received):
    client = directory.test_client()
    response = client.get(f"/api/v1/referrals/{received}", headers=auth("orienteur-a"))
    body = response.get_json()
    assert (body["prenom"], body["contact"], body["note"]) == tuple(PERSON.values())
    with directory.app_context():
        reads = db.session.scalars(
            select(AuditEntry.actor).where(
                AuditEntry.entity_type == "referral",
                AuditEntry.entity_id == str(received),
                AuditEntry.field == referrals.PERSONAL_READ,
            )
        ).all()
    assert reads == ["editeur-c@exemple.fr", "orienteur-a@exemple.fr"]


def test_the_receiving_structures_first_read_records_receipt(directory):
    client = directory.test_client()
    sent = client.post("/api/v1/referrals", json=SENT | PERSON, headers=auth("orienteur-a"))
    assert sent.status_code == 201 and sent.get_json()["state"] == "envoyee"
    referral_id = sent.get_json()["id"]
    assert sent.headers["Location"] == f"/api/v1/referrals/{referral_id}"
    # The sender reading it does not make it received; the receiving editor does.
    client.get(f"/api/v1/referrals/{referral_id}", headers=auth("orienteur-a"))
    mine = client.get("/api/v1/referrals", headers=auth("orienteur-a")).get_json()["envoyees"]
    assert mine[0]["state"] == "envoyee"
    read = client.get(f"/api/v1/referrals/{referral_id}", headers=auth("editeur-c")).get_json()
    assert read["state"] == "recue"
    assert [event["state"] for event in read["events"]] == ["envoyee", "recue"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"consentement": False}, "consentement", "La personne doit accepter"),
        ({"consentement": None}, "consentement", None),
        ({"service_id": "inconnu"}, "service_id", "Service inconnu"),
        ({"contact": "demain"}, "contact", "téléphone ou adresse électronique"),
        ({"frein": "astrologie"}, "frein", "astrologie"),
        ({"prenom": "   "}, "prenom", None),
        ({"nationalite": "afghane"}, "nationalite", "Champ inconnu"),
        ({"numero_dossier": "75-2026-001"}, "numero_dossier", "Champ inconnu"),
    ],
)
def test_a_refused_referral_names_the_field_and_stores_nothing(directory, change, field, message):
    client = directory.test_client()
    before = snapshot(directory)
    body = {key: value for key, value in (SENT | PERSON | change).items() if value is not None}
    response = client.post("/api/v1/referrals", json=body, headers=auth("orienteur-a"))
    assert response.status_code == 400, response.get_json()
    errors = response.get_json()["errors"]
    assert field in errors
    if message:
        assert message.lower() in " ".join(errors[field]).lower()
    assert snapshot(directory) == before


def test_several_refused_fields_are_all_named(directory):
    body = SENT | PERSON | {"consentement": False, "nationalite": "x", "contact": "?"}
    response = directory.test_client().post(
        "/api/v1/referrals", json=body, headers=auth("orienteur-a")
    )
    assert set(response.get_json()["errors"]) == {"consentement", "nationalite", "contact"}


def test_answers_follow_the_states_and_a_stale_one_is_refused(directory, received):
    client, url = directory.test_client(), f"/api/v1/referrals/{received}/answer"
    editor = auth("editeur-c")
    refused = client.post(url, json={"state": "refusee", "revision": 2}, headers=editor)
    assert refused.status_code == 400 and "motif" in refused.get_json()["errors"]
    early = client.post(url, json={"state": "rdv-honore", "revision": 2}, headers=editor)
    assert early.status_code == 400 and "state" in early.get_json()["errors"]
    accepted = client.post(url, json={"state": "acceptee", "revision": 2}, headers=editor)
    assert accepted.status_code == 200 and accepted.get_json()["revision"] == 3
    # A second answer made on the page as it was before the acceptance: refused, unchanged.
    before = snapshot(directory)
    stale = client.post(
        url, json={"state": "refusee", "revision": 2, "motif": "complet"}, headers=editor
    )
    assert stale.status_code == 409
    assert snapshot(directory) == before
    kept = client.post(url, json={"state": "rdv-honore", "revision": 3}, headers=editor)
    assert [e["state"] for e in kept.get_json()["events"]] == [
        "envoyee",
        "recue",
        "acceptee",
        "rdv-honore",
    ]


def test_a_refusal_keeps_its_motive(directory, received):
    client = directory.test_client()
    body = {"state": "refusee", "revision": 2, "motif": "complet"}
    response = client.post(
        f"/api/v1/referrals/{received}/answer", json=body, headers=auth("editeur-c")
    )
    assert response.get_json()["motif"] == "complet"
    assert response.get_json()["events"][-1] == response.get_json()["events"][-1] | {
        "state": "refusee",
        "motif": "complet",
    }


def test_reads_need_an_account_even_when_search_is_not_public(directory, received):
    directory.config["PUBLIC_SEARCH"] = False
    client = directory.test_client()
    assert client.get("/api/v1/referrals").status_code == 401
    listed = client.get("/api/v1/referrals", headers=auth("editeur-c"))
    assert [item["id"] for item in listed.get_json()["recues"]] == [received]
