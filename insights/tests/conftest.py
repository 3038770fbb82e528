import pytest

from matching.tests.conftest import Portraits


@pytest.fixture
def portraits(db):
    """Matching's portrait builder: segments and reports read the same managers and customers."""
    return Portraits()
