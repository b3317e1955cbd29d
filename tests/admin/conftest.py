"""The admin area's fixtures: a small directory, its accounts, and signed-in clients."""

import pytest

from directory.extensions import db
from directory.models import Membership
from directory.services import accounts

from .admin_sample import ACCOUNTS, PASSWORD, SERVICES, STRUCTURES
from .pages import sign_in


@pytest.fixture
def directory(app, load):
    """Two structures with their services, and one account per role."""
    load(STRUCTURES, SERVICES)
    with app.app_context():
        for email, (role, structure_ids) in ACCOUNTS.items():
            user = accounts.create_user(email, PASSWORD, role)
            for structure_id in structure_ids:
                db.session.add(Membership(user_id=user.id, structure_id=structure_id))
        db.session.commit()
    return app


@pytest.fixture
def signed_in(directory):
    """A new test client signed in as the given account."""

    def signed_in(email: str):
        client = directory.test_client()
        response = sign_in(client, email)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        return client

    return signed_in
