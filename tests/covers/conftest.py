"""Cover fixtures: a throwaway MEDIA_ROOT for every test here, images made on the fly, and uploads."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from catalog.models import AgeRating
from catalog.services import work_cover_set
from tests.conftest import make_user, make_work


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Covers are written here, never into the repository's media/ folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(fmt="PNG", size=(300, 450), colour=(200, 40, 90), **save_options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt, **save_options)
    return out.getvalue()


def upload(content: bytes, name="cover.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files() -> list[str]:
    if not default_storage.exists("covers"):
        return []
    return sorted(f"covers/{name}" for name in default_storage.listdir("covers")[1])


def with_cover(work, content=None):
    work_cover_set(work=work, upload=upload(content or image_bytes()))
    work.refresh_from_db()
    return work


@pytest.fixture
def safe_work(db):
    return with_cover(make_work("Sunlit Harbour", age_rating=AgeRating.ALL, synopsis="A quiet story."))


@pytest.fixture
def adult_work(db):
    return with_cover(make_work("Velvet Evening", age_rating=AgeRating.R18, synopsis="Secret-cover-marker."))


@pytest.fixture
def curator_client(db):
    curator = make_user("curator", is_staff=True, age=35)
    curator.groups.add(Group.objects.get(name="Curators"))
    client = Client()
    client.force_login(curator)
    return client


def work_form(work, **overrides) -> dict:
    """The admin change form of ``work`` as posted, unchanged unless overridden."""
    data = {
        "title": work.title,
        "slug": work.slug,
        "original_title": work.original_title,
        "alternative_titles": work.alternative_titles,
        "kind": work.kind,
        "age_rating": work.age_rating,
        "synopsis": work.synopsis,
        "couple": work.couple,
        "episodes": work.episodes or "",
        "volumes": work.volumes or "",
        "released_from": "",
        "released_from_precision": "day",
        "released_until": "",
        "released_until_precision": "day",
        "is_published": "on" if work.is_published else "",
        "work_tags-TOTAL_FORMS": "0",
        "work_tags-INITIAL_FORMS": "0",
        "work_tags-MIN_NUM_FORMS": "0",
        "work_tags-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value != ""}
