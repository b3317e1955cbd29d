"""The retention of referrals: past the delay after their last change of state, their personal
fields are erased — from the rows and from the database's files — and nothing else changes."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from directory import create_app
from directory.extensions import db
from directory.models import Membership, Referral, ReferralEvent
from directory.services import referrals
from directory.services.accounts import create_user
from directory.services.figures import DateRange
from directory.services.referral_figures import GROUPINGS, outcomes, referral_figures_csv
from tests.factories import service, structure

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
# Each referral's first name is unique, to be searched in the database's files.
AGES_IN_DAYS = {"Anselmine": 400, "Barthelemya": 181, "Corentinea": 179, "Dorothelle": 3}


@pytest.fixture
def backend() -> str:
    return "embedded"


@pytest.fixture
def sample(app, load):
    """Referrals whose last change of state is AGES_IN_DAYS old at NOW, one purged already."""
    load([structure("a"), structure("c")], [service("svc-c", "c")])
    with app.app_context():
        sender = create_user("orienteur@exemple.fr", "un mot de passe solide", "orienteur")
        db.session.add(Membership(user_id=sender.id, structure_id="a"))
        for prenom, days in AGES_IN_DAYS.items():
            changed = NOW - timedelta(days=days)
            db.session.add(
                Referral(
                    service_id="svc-c",
                    receiving_structure_id="c",
                    sending_structure_id="a",
                    sender_id=sender.id,
                    frein="famille",
                    state=referrals.ACCEPTED,
                    created_at=changed - timedelta(days=2),
                    state_changed_at=changed,
                    consent_at=changed - timedelta(days=2),
                    prenom=prenom,
                    contact=f"{prenom.lower()}@exemple.org",
                    note=f"Note de {prenom}",
                    events=[ReferralEvent(at=changed, state="acceptee", actor=sender.email)],
                )
            )
        db.session.commit()
    return app


def rows(app) -> dict[str, tuple]:
    """Each referral's personal fields, and apart everything the figures are made of."""
    with app.app_context():
        found = db.session.scalars(select(Referral).order_by(Referral.id)).all()
        return {
            r.id: (
                (r.prenom, r.contact, r.note),
                (
                    r.created_at,
                    r.state,
                    r.state_changed_at,
                    r.frein,
                    r.refusal_motive,
                    r.service_id,
                    r.sending_structure_id,
                    r.receiving_structure_id,
                    tuple((e.at, e.state, e.motive) for e in r.events),
                ),
            )
            for r in found
        }


def referral_figures(app) -> str:
    """Every grouping of the referral figures, as their CSV says them."""
    everything = DateRange(date(2020, 1, 1), date(2030, 12, 31))
    with app.app_context():
        items = outcomes(everything)
        return "".join(referral_figures_csv(items, grouping) for grouping in GROUPINGS.values())


def test_purge_erases_exactly_the_personal_fields_past_the_delay(sample):
    before, figures_before = rows(sample), referral_figures(sample)
    assert "acceptees" in figures_before
    with sample.app_context():
        assert referrals.purge(now=NOW) == 2  # 400 and 181 days; not 179, nor 3
        assert referrals.purge(now=NOW) == 0  # idempotent
        purged = dict(db.session.execute(select(Referral.id, Referral.purged_at)).all())
    after = rows(sample)
    erased = {rid for rid, (personal, _) in after.items() if personal == (None, None, None)}
    assert [before[rid][0][0] for rid in sorted(erased)] == ["Anselmine", "Barthelemya"]
    assert all(after[rid][0] == before[rid][0] for rid in after.keys() - erased)
    # The rows stay, identical for the figures; the erasure is dated.
    assert {rid: figures for rid, (_, figures) in after.items()} == {
        rid: figures for rid, (_, figures) in before.items()
    }
    assert {rid for rid, when in purged.items() if when} == erased
    assert referral_figures(sample) == figures_before


def test_the_delay_is_a_setting(sample):
    sample.config["REFERRAL_RETENTION_DAYS"] = 2
    with sample.app_context():
        assert referrals.purge(now=NOW) == 4


def test_the_command_purges(sample):
    result = sample.test_cli_runner().invoke(args=["referrals", "purge", "--days", "100"])
    assert result.exit_code == 0, result.output
    assert "anonymisée" in result.output
    remaining = {personal[0] for personal, _ in rows(sample).values()} - {None}
    # Real time: every sample referral is older than 100 days except the 3-day-old one.
    assert remaining == {"Dorothelle"}


def test_a_process_purges_at_its_first_request(sample, request):
    """What the web app does at start-up: a new process on the same database."""
    config = {key: sample.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "EMBEDDED_INDEX_URL")}
    restarted = create_app({"TESTING": True, "SECRET_KEY": "test", **config})
    request.addfinalizer(lambda: _dispose(restarted))
    assert rows(sample)[1][0][0] == "Anselmine"
    restarted.test_client().get("/healthz")
    assert rows(sample)[1][0] == (None, None, None)
    assert rows(sample)[4][0][0] == "Dorothelle"


def _dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


def database_bytes(app) -> bytes:
    """The bytes of the files that hold the referrals: the SQLite file and its log, or the
    PostgreSQL table's file (after a checkpoint writes it out)."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            path = Path(db.engine.url.database)
            files = [path, path.with_name(path.name + "-wal")]
        else:
            with db.engine.connect() as connection:
                connection.execute(text("CHECKPOINT"))
                folder = connection.execute(text("SHOW data_directory")).scalar()
                relation = connection.execute(
                    text("SELECT pg_relation_filepath('referrals')")
                ).scalar()
            files = [Path(folder) / relation]
    return b"".join(path.read_bytes() for path in files if path.exists())


def test_erased_values_are_not_left_in_the_database_files(sample):
    try:
        stored = database_bytes(sample)
    except PermissionError:
        pytest.skip("the PostgreSQL server's files are not readable by this user")
    assert b"Anselmine" in stored and b"anselmine@exemple.org" in stored
    with sample.app_context():
        referrals.purge(now=NOW)
        db.session.remove()
    stored = database_bytes(sample)
    for prenom in ("Anselmine", "Barthelemya"):
        assert prenom.encode() not in stored
        assert f"{prenom.lower()}@exemple.org".encode() not in stored
        assert f"Note de {prenom}".encode() not in stored
    assert b"Dorothelle" in stored
