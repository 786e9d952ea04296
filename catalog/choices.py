"""The catalog's vocabularies: kinds of work, age ratings, date precision and tag categories.

Kept apart from the models so that the visibility policy (``catalog.visibility``) and the
querysets can name them without importing the models they are the choices of.
"""

import datetime

from django.db import models


class Kind(models.TextChoices):
    ANIME = "anime", "Anime"
    MANGA = "manga", "Manga"
    VISUAL_NOVEL = "visual_novel", "Visual novel"


class AgeRating(models.TextChoices):
    ALL = "all", "All ages"
    R15 = "r15", "15+"
    R18 = "r18", "18+"


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"


class TagCategory(models.TextChoices):
    PERSPECTIVE = "perspective", "Perspective"
    SETUP = "setup", "Setup"
    THEME = "theme", "Theme"
    SETTING = "setting", "Setting"
    CONTENT = "content", "Content"


def format_partial_date(value: datetime.date | None, precision: str) -> str:
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year}"
    if precision == DatePrecision.MONTH:
        return value.strftime("%b %Y")
    return f"{value.day} {value.strftime('%b %Y')}"
