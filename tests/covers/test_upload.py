"""Curators upload covers in the admin: what is refused (and why), the thumbnails made, and old files cleaned up."""

import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageFile

from catalog.covers import COVER_SIZES, read_cover_upload, thumbnail_name
from catalog.models import Work
from catalog.services import work_cover_remove, work_cover_set
from tests.builders import image_bytes, make_work, stored_files, upload, with_cover, work_form
from tests.pages import html


def post_cover(client, work, content, name="cover.png", **fields):
    return client.post(
        reverse("admin:catalog_work_change", args=[work.pk]),
        work_form(work, cover_upload=upload(content, name), **fields),
    )


def form_errors(response) -> str:
    assert response.status_code == 200, "expected the form back with an error"
    return " ".join(str(e) for e in response.context["adminform"].form.errors.values())


@pytest.fixture
def work(db):
    return make_work("Paper Lantern")


class TestRefusedUploads:
    def test_a_text_file_is_refused(self, curator_client, work):
        response = post_cover(curator_client, work, b"just some words, not a picture", name="notes.txt")
        assert "is not a JPEG, PNG, WebP or GIF image" in form_errors(response)

    def test_a_fake_extension_does_not_make_an_image(self, curator_client, work):
        response = post_cover(curator_client, work, b"<html><script>alert(1)</script></html>", name="cover.jpg")
        assert "is not a JPEG, PNG, WebP or GIF image" in form_errors(response)

    def test_an_image_in_another_format_is_refused(self, curator_client, work):
        response = post_cover(curator_client, work, image_bytes("BMP"), name="cover.png")
        assert "is not a JPEG, PNG, WebP or GIF image" in form_errors(response)

    def test_an_svg_is_refused(self, curator_client, work):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        response = post_cover(curator_client, work, svg, name="cover.svg")
        assert "is not a JPEG, PNG, WebP or GIF image" in form_errors(response)

    def test_a_truncated_image_is_refused(self, curator_client, work):
        response = post_cover(curator_client, work, image_bytes("JPEG")[:400], name="cover.jpg")
        assert "is not a JPEG, PNG, WebP or GIF image (or it is damaged)" in form_errors(response)

    def test_a_file_over_the_size_limit_is_refused(self, curator_client, work, settings):
        settings.NTRDB_COVER_MAX_BYTES = 10_000
        # Noise compresses badly: this PNG is well over 10 kB.
        noisy = Image.frombytes("RGB", (200, 200), random.Random(1).randbytes(200 * 200 * 3))
        out = io.BytesIO()
        noisy.save(out, format="PNG")
        assert len(out.getvalue()) > 10_000
        response = post_cover(curator_client, work, out.getvalue())
        assert "covers may be at most 9.8\xa0KB" in form_errors(response)

    def test_a_decompression_bomb_is_refused_before_decoding(self, curator_client, work, settings):
        settings.NTRDB_COVER_MAX_PIXELS = 1_000_000
        bomb = image_bytes("PNG", size=(4000, 4000), colour=(0, 0, 0))  # 16 Mpx in a few kB
        assert len(bomb) < 100_000
        response = post_cover(curator_client, work, bomb)
        assert "This image is 4000×4000 pixels. Covers may have at most 1 million pixels" in form_errors(response)

    def test_a_bomb_is_refused_without_decoding_it(self, settings, monkeypatch):
        settings.NTRDB_COVER_MAX_PIXELS = 1_000_000
        bomb = upload(image_bytes("PNG", size=(2000, 2000)))
        monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: pytest.fail("decoded a refused image"))
        with pytest.raises(ValidationError, match="at most 1 million pixels"):
            read_cover_upload(bomb)

    def test_refused_uploads_leave_the_work_and_the_disk_alone(self, curator_client, work):
        post_cover(curator_client, work, b"not an image", name="cover.png")
        work.refresh_from_db()
        assert not work.cover
        assert stored_files() == []

    def test_uploading_and_removing_at_once_is_refused(self, curator_client, work):
        response = post_cover(curator_client, work, image_bytes(), remove_cover="on")
        assert "Either upload a new cover or remove the cover, not both." in form_errors(response)


class TestAcceptedUploads:
    @pytest.mark.parametrize(
        "fmt, extension", [("JPEG", "jpg"), ("MPO", "jpg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif")]
    )
    def test_each_accepted_format_gets_its_thumbnails(self, curator_client, work, fmt, extension):
        # A camera's JPEG with a second picture in it (MPO) is still a JPEG.
        extra = {"save_all": True, "append_images": [Image.new("RGB", (30, 45))]} if fmt == "MPO" else {}
        content = image_bytes(fmt, **extra)
        assert Image.open(io.BytesIO(content)).format == fmt
        # Named .bin: the contents decide the type, and the original is stored under the right extension.
        response = post_cover(curator_client, work, content, name="upload.bin")
        assert response.status_code == 302
        work.refresh_from_db()
        assert work.cover.name == f"covers/{work.cover_token}.{extension}"
        assert work.cover_updated_at is not None
        for size in COVER_SIZES.values():
            with default_storage.open(thumbnail_name(work.cover.name, size.name)) as thumbnail_file:
                thumbnail = Image.open(thumbnail_file)
                assert (thumbnail.format, thumbnail.size) == ("WEBP", (size.width, size.height))

    def test_a_cover_can_come_with_a_new_work(self, curator_client, db):
        response = curator_client.post(
            reverse("admin:catalog_work_add"),
            work_form(
                Work(title="Fresh Work", slug="fresh-work", kind="anime"), cover_upload=upload(image_bytes("JPEG"))
            ),
        )
        assert response.status_code == 302
        work = Work.objects.get(slug="fresh-work")
        assert work.cover and len(stored_files()) == 3

    def test_thumbnails_are_cropped_to_their_size_whatever_the_shape(self, work):
        with_cover(work, image_bytes("PNG", size=(1600, 500)))
        with default_storage.open(thumbnail_name(work.cover.name, "card")) as card:
            assert Image.open(card).size == (200, 300)

    def test_an_animated_gif_gives_its_first_frame(self, work):
        frames = [Image.new("RGB", (90, 135), colour) for colour in ((255, 0, 0), (0, 0, 255))]
        out = io.BytesIO()
        frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
        with_cover(work, out.getvalue())
        with default_storage.open(thumbnail_name(work.cover.name, "card")) as card:
            red, green, blue = Image.open(card).convert("RGB").getpixel((100, 150))
        assert red > 200 and blue < 60

    def test_exif_orientation_is_applied_and_metadata_stripped(self, work):
        # A landscape photo (left half red, right half blue) whose EXIF says "rotate 90° clockwise to view".
        photo = Image.new("RGB", (600, 400), (255, 0, 0))
        photo.paste((0, 0, 255), (300, 0, 600, 400))
        exif = Image.Exif()
        exif[0x0112] = 6  # Orientation
        exif[0x010F] = "Camera-maker-marker"  # Make
        out = io.BytesIO()
        photo.save(out, format="JPEG", exif=exif.tobytes(), quality=95)
        with_cover(work, out.getvalue())
        with default_storage.open(thumbnail_name(work.cover.name, "detail")) as detail:
            data = detail.read()
        thumbnail = Image.open(io.BytesIO(data))
        # Upright, the picture is portrait with red on top and blue below.
        assert thumbnail.convert("RGB").getpixel((200, 40))[0] > 200
        assert thumbnail.convert("RGB").getpixel((200, 560))[2] > 200
        assert not thumbnail.getexif()
        assert "exif" not in thumbnail.info and "icc_profile" not in thumbnail.info
        assert b"Camera-maker-marker" not in data


class TestCleanup:
    def test_replacing_a_cover_deletes_the_old_files(self, curator_client, work, django_capture_on_commit_callbacks):
        with_cover(work)
        old_files = stored_files()
        assert len(old_files) == 3  # the original and two thumbnails
        with django_capture_on_commit_callbacks(execute=True):
            assert post_cover(curator_client, work, image_bytes("JPEG"), name="new.jpg").status_code == 302
        work.refresh_from_db()
        new_files = stored_files()
        assert len(new_files) == 3 and not set(old_files) & set(new_files)
        assert work.cover.name in new_files

    def test_removing_a_cover_deletes_its_files(self, curator_client, work, django_capture_on_commit_callbacks):
        with_cover(work)
        with django_capture_on_commit_callbacks(execute=True):
            response = curator_client.post(
                reverse("admin:catalog_work_change", args=[work.pk]), work_form(work, remove_cover="on")
            )
        assert response.status_code == 302
        work.refresh_from_db()
        assert not work.cover and work.cover_updated_at is None
        assert stored_files() == []

    def test_deleting_a_work_deletes_its_cover_files(self, curator_client, work, django_capture_on_commit_callbacks):
        with_cover(work)
        with django_capture_on_commit_callbacks(execute=True):
            response = curator_client.post(reverse("admin:catalog_work_delete", args=[work.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert stored_files() == []

    def test_bulk_deleting_works_deletes_their_cover_files(
        self, curator_client, work, django_capture_on_commit_callbacks
    ):
        other = with_cover(make_work("Second Lantern"))
        with_cover(work)
        assert len(stored_files()) == 6
        with django_capture_on_commit_callbacks(execute=True):
            curator_client.post(
                reverse("admin:catalog_work_changelist"),
                {"action": "delete_selected", "_selected_action": [work.pk, other.pk], "post": "yes"},
            )
        assert not Work.objects.filter(pk__in=[work.pk, other.pk]).exists()
        assert stored_files() == []

    def test_a_failed_save_deletes_the_new_files_and_keeps_the_old(
        self, work, monkeypatch, django_capture_on_commit_callbacks
    ):
        with_cover(work)
        old_files = stored_files()

        def broken_save(*args, **kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr(Work, "save", broken_save)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            work_cover_set(work=work, upload=upload(image_bytes("JPEG")))
        assert stored_files() == old_files

    def test_removing_without_a_cover_changes_nothing(self, work):
        work_cover_remove(work=work)
        work.refresh_from_db()
        assert not work.cover


class TestAdminPage:
    def test_the_change_page_shows_the_current_cover_to_curators(self, curator_client, work):
        with_cover(work)
        page = html(curator_client.get(reverse("admin:catalog_work_change", args=[work.pk])))
        preview_url = reverse("admin:catalog_work_cover_preview", args=[work.pk])
        assert f'src="{preview_url}?v={work.cover_token}"' in page
        assert 'enctype="multipart/form-data"' in page
        response = curator_client.get(preview_url)
        assert response.status_code == 200 and response["Content-Type"] == "image/webp"

    def test_the_preview_is_for_staff_only(self, client, work):
        with_cover(work)
        response = client.get(reverse("admin:catalog_work_cover_preview", args=[work.pk]))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_without_a_cover_the_page_says_so(self, curator_client, work):
        page = html(curator_client.get(reverse("admin:catalog_work_change", args=[work.pk])))
        assert "None: the work shows a placeholder with its initials." in page
