"""Fixtures of the public pages: the sample directory, loaded through the import service."""

import pytest

from tests.web.web_sample import SERVICES, STRUCTURES


@pytest.fixture
def sample(load):
    load(STRUCTURES, SERVICES)
