"""Cover fixtures: a throwaway MEDIA_ROOT for every test here, and works with a cover."""

import pytest

from catalog.models import AgeRating
from tests.builders import make_work, with_cover


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Covers are written here, never into the repository's media/ folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def safe_work_with_cover(db):
    return with_cover(make_work("Sunlit Harbour", age_rating=AgeRating.ALL, synopsis="A quiet story."))


@pytest.fixture
def adult_work_with_cover(db):
    return with_cover(make_work("Velvet Evening", age_rating=AgeRating.R18, synopsis="Secret-cover-marker."))
