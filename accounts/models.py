import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models

from accounts.usernames import skeleton

ADULT_AGE = 18


class SpoilerLevel(models.IntegerChoices):
    NONE = 0, "No spoilers"
    MINOR = 1, "Minor spoilers"
    MAJOR = 2, "Major spoilers"


def age_on(birth_date: datetime.date, today: datetime.date) -> int:
    had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (0 if had_birthday else 1)


class User(AbstractUser):
    birth_date = models.DateField(
        null=True,
        blank=True,
        help_text="Given at sign-up and fixed afterwards; decides whether the member passes the age gate.",
    )
    hidden_tags = models.ManyToManyField(
        "catalog.Tag",
        blank=True,
        related_name="hidden_by",
        help_text="Deal-breakers: works with any of these tags are left out of every list.",
    )
    max_spoiler_level = models.PositiveSmallIntegerField(
        choices=SpoilerLevel.choices,
        default=SpoilerLevel.NONE,
        help_text="Tags above this spoiler level stay collapsed until revealed.",
    )
    show_adult_works = models.BooleanField(
        default=True,
        help_text="List 18+ works at all.",
    )
    pending_email = models.EmailField(
        blank=True,
        default="",
        help_text="An address the member asked to change to; it replaces the email once the link sent to it is followed.",
    )
    # accounts.usernames.skeleton(username), kept by save(): sign-up refuses a username that
    # looks like an existing one ("аdult" in Cyrillic next to "adult").
    username_skeleton = models.CharField(max_length=1000, db_index=True, editable=False, default="")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_spoiler_level__gte=0) & models.Q(max_spoiler_level__lte=2),
                name="user_max_spoiler_level_range",
            ),
        ]

    def save(self, *args, **kwargs):
        self.username_skeleton = skeleton(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_skeleton"}
        super().save(*args, **kwargs)

    def is_adult(self, today: datetime.date | None = None) -> bool | None:
        """True or False from the birth date; None when no birth date is on file."""
        if self.birth_date is None:
            return None
        return age_on(self.birth_date, today or datetime.date.today()) >= ADULT_AGE


class ThrottleCounter(models.Model):
    """One throttle count (failed password checks, sign-ups) when no Redis is configured.

    Kept in the database so every worker process sees the same number and a restart forgets
    nothing; ``accounts.throttle`` bumps it with one atomic ``UPDATE ... SET count = count + 1``
    so concurrent requests cannot lose a count. The window runs from the first count to
    ``expires_at``; an expired row counts as zero and is reset by the next bump.
    """

    key = models.CharField(max_length=100, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count} until {self.expires_at:%Y-%m-%d %H:%M:%S}"
