import pytest

from tests.conftest import BACKENDS


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    """Every search behaviour test runs unchanged against both backends."""
    return request.param
