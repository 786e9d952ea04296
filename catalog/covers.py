"""Cover images: checking an upload, making its thumbnails, where the files live, and placeholders.

A cover is stored flat under ``covers/`` in the default storage (MEDIA_ROOT): the original as
uploaded, ``<token>.<ext>``, and one WebP thumbnail per size, ``<token>-<size>.webp``. The token
is random and new for every upload, so a replaced cover never shares a name (or an ETag) with the
one before it. Nothing here is served from MEDIA_URL: ``catalog.views.work_cover`` serves the
thumbnails through the age gate.
"""

import colorsys
import hashlib
import io
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.html import escape
from PIL import Image, ImageOps, UnidentifiedImageError

COVER_DIR = "covers"


@dataclass(frozen=True)
class CoverSize:
    name: str
    width: int
    height: int


# Both 2:3, the usual shape of a poster, box or book cover; cards show theirs at about half size
# and the work page its own at about half, so each looks sharp on high-density screens.
COVER_SIZES = {size.name: size for size in (CoverSize("card", 200, 300), CoverSize("detail", 400, 600))}

# Pillow's name for each accepted format, and the extension the original is stored under. Many
# cameras and phones write JPEGs with extra pictures (MPO); Pillow names those apart.
ACCEPTED_FORMATS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
ACCEPTED_DESCRIPTION = "JPEG, PNG, WebP or GIF"
THUMBNAIL_QUALITY = 82


def read_cover_upload(upload) -> tuple[Image.Image, str]:
    """The decoded first frame of an uploaded cover and its format, or a ValidationError saying why not.

    The file's contents decide its type, never its name. Size and pixel count are checked
    before anything is decoded, so a small file that would unpack into a huge bitmap (a
    decompression bomb) is refused without using the memory it asks for.
    """
    max_bytes = settings.NTRDB_COVER_MAX_BYTES
    if upload.size > max_bytes:
        raise ValidationError(
            f"This file is {filesizeformat(upload.size)}; covers may be at most {filesizeformat(max_bytes)}.",
            code="too_large",
        )
    upload.seek(0)
    data = upload.read()
    not_an_image = ValidationError(
        f"This file is not a {ACCEPTED_DESCRIPTION} image (or it is damaged). Upload a cover in one of those formats.",
        code="not_an_image",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise not_an_image
            _check_dimensions(image.width, image.height)
            image.seek(0)  # an animated GIF or WebP: its first frame
            image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(_too_many_pixels_message(), code="too_many_pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise not_an_image from None
    return image, image.format


def _check_dimensions(width: int, height: int) -> None:
    if width < 1 or height < 1 or width * height > settings.NTRDB_COVER_MAX_PIXELS:
        raise ValidationError(
            f"This image is {width}×{height} pixels. " + _too_many_pixels_message(), code="too_many_pixels"
        )


def _too_many_pixels_message() -> str:
    megapixels = settings.NTRDB_COVER_MAX_PIXELS / 1_000_000
    return f"Covers may have at most {megapixels:g} million pixels; scale it down and upload it again."


def make_thumbnail(image: Image.Image, size: CoverSize) -> bytes:
    """The cover cropped to ``size`` as WebP: turned upright as its EXIF says, with no metadata kept."""
    upright = ImageOps.exif_transpose(image)
    has_alpha = upright.mode in ("RGBA", "LA", "PA") or (upright.mode == "P" and "transparency" in upright.info)
    upright = upright.convert("RGBA" if has_alpha else "RGB")
    thumbnail = ImageOps.fit(upright, (size.width, size.height), method=Image.Resampling.LANCZOS)
    thumbnail.info = {}  # no EXIF (camera, GPS), ICC profile or comments travel on
    out = io.BytesIO()
    thumbnail.save(out, format="WEBP", quality=THUMBNAIL_QUALITY, method=4)
    return out.getvalue()


def cover_token(cover_name: str | None) -> str:
    return PurePosixPath(cover_name).stem if cover_name else ""


def thumbnail_name(cover_name: str, size: str) -> str:
    return f"{COVER_DIR}/{cover_token(cover_name)}-{size}.webp"


def cover_file_names(cover_name: str | None) -> list[str]:
    return [cover_name, *(thumbnail_name(cover_name, size) for size in COVER_SIZES)] if cover_name else []


def open_thumbnail(cover_name: str, size: str):
    try:
        return default_storage.open(thumbnail_name(cover_name, size), "rb")
    except FileNotFoundError:
        raise Http404("This cover's file is missing.") from None


def store_cover(upload) -> str:
    """Check ``upload``, write the original and its thumbnails; returns the original's storage name."""
    image, image_format = read_cover_upload(upload)
    token = secrets.token_hex(8)
    name = f"{COVER_DIR}/{token}.{ACCEPTED_FORMATS[image_format]}"
    written = []
    try:
        for size in COVER_SIZES.values():
            written.append(_save_exactly(thumbnail_name(name, size.name), make_thumbnail(image, size)))
        upload.seek(0)
        written.append(_save_exactly(name, upload.read()))
    except BaseException:
        delete_files(written)
        raise
    return name


def _save_exactly(name: str, content: bytes) -> str:
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # the storage renamed it: a token collision, vanishingly rare but not silent
        default_storage.delete(saved)
        raise FileExistsError(f"Cover file {name} already exists.")
    return saved


def delete_files(names) -> None:
    for name in names:
        default_storage.delete(name)


def delete_cover_files_on_commit(cover_name: str | None) -> None:
    """Remove a cover's files once the transaction that stopped using them has committed."""
    names = cover_file_names(cover_name)
    if names:
        transaction.on_commit(lambda: delete_files(names))


# --- placeholders ---------------------------------------------------------------------------------

PLACEHOLDER_SIZE = COVER_SIZES["detail"]
# XML 1.0 forbids most control characters even as references; a title could hold one.
_XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def title_initials(title: str) -> str:
    """Up to two initials: the first letter or digit of each of the title's first two words."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFC", title))
    initials = "".join(word[0] for word in words[:2]).upper()
    return initials or "?"


def placeholder_colour(title: str) -> str:
    """A background colour derived from the title alone, dark enough that white text on it passes WCAG AA."""
    digest = hashlib.sha256(title.encode()).digest()
    hue = digest[0] / 256
    saturation = 0.35 + digest[1] / 255 * 0.3
    lightness = 0.36
    while True:
        channels = [round(channel * 255) for channel in colorsys.hls_to_rgb(hue, lightness, saturation)]
        red, green, blue = (channel / 255 for channel in channels)
        if contrast_ratio((1.0, 1.0, 1.0), (red, green, blue)) >= 4.5:
            return "#{:02x}{:02x}{:02x}".format(*channels)
        lightness -= 0.02


def contrast_ratio(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours given as 0-1 channels."""

    def luminance(rgb):
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def placeholder_version(title: str) -> str:
    """Changes whenever the placeholder would: it goes in the URL, so the image can be cached for good."""
    return hashlib.sha256(title.encode()).hexdigest()[:12]


def placeholder_svg(title: str) -> str:
    clean_title = _XML_FORBIDDEN.sub("", title)
    size = PLACEHOLDER_SIZE
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size.width}" height="{size.height}" '
        f'viewBox="0 0 {size.width} {size.height}" role="img" aria-label="{escape(clean_title)}">'
        f"<title>{escape(clean_title)}</title>"
        f'<rect width="100%" height="100%" fill="{placeholder_colour(title)}"/>'
        f'<text x="50%" y="50%" dy=".35em" text-anchor="middle" fill="#ffffff" '
        f'font-family="system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif" '
        f'font-size="150" font-weight="700">{escape(_XML_FORBIDDEN.sub("", title_initials(title)))}</text>'
        "</svg>\n"
    )
