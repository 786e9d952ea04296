"""Old slugs: the addresses a work, tag or term had before a curator changed its slug or merged it.

Each app keeps its own small table (``catalog.WorkOldSlug``, ``catalog.TagOldSlug``,
``glossary.TermOldSlug``), built on ``OldSlug`` and reached from the object as ``old_slugs``.
The writes are here, called by the admin's save (``core.admin.OldSlugsAdmin``) and by
``catalog.services.tag_merge``; the reads are the visibility policy's (``catalog.visibility``),
which tries an old slug only when no object the viewer may open has the slug, so:

- an old slug never shadows a live one: a live slug wins, and the save that makes a slug live
  deletes it from the old ones;
- a redirect goes to the object's current page in one hop, never to another old slug, so
  there are no chains and no loops;
- a redirect leads only where the viewer could go anyway: an object the viewer may not open is
  a 404 at its old address too, and a gated one answers with the age gate there first.
"""

from typing import Any

from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponsePermanentRedirect


class OldSlug(models.Model):
    """One old address of an object; the concrete model adds the foreign key, related name ``old_slugs``."""

    # Indexed by the unique constraint below.
    slug = models.SlugField(
        max_length=255, db_index=False, help_text="The address it had before; it now redirects here."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One object per old address: a redirect has one destination.
            models.UniqueConstraint(fields=["slug"], name="%(app_label)s_%(class)s_unique_slug"),
            models.CheckConstraint(condition=~Q(slug=""), name="%(app_label)s_%(class)s_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.slug


def _table(obj: Any) -> tuple[Any, str]:
    """The old-slug model of ``obj``'s kind and the name of its foreign key to ``obj``."""
    manager = obj.old_slugs
    return manager.model, manager.field.name


def old_slug_record(*, obj: Any, previous_slug: str | None) -> None:
    """``obj`` was saved, perhaps under a new slug: ``previous_slug`` now redirects to it, and its
    current slug, live again, is no longer anyone's old slug. Call it in the save's transaction."""
    model, key = _table(obj)
    model.objects.filter(slug=obj.slug).delete()
    if previous_slug and previous_slug != obj.slug:
        model.objects.update_or_create(slug=previous_slug, defaults={key: obj})


def old_slugs_move(*, source: Any, target: Any) -> None:
    """``source`` is merged into ``target`` and about to be deleted: its slug and its old slugs now
    lead to ``target``. Call it in the merge's transaction, before ``source`` goes."""
    model, key = _table(target)
    model.objects.filter(**{key: source}).update(**{key: target})
    model.objects.update_or_create(slug=source.slug, defaults={key: target})
    model.objects.filter(slug=target.slug).delete()


def redirect_to_current(request: HttpRequest, obj: Any) -> HttpResponsePermanentRedirect:
    """The 301 from an old address to ``obj``'s page, keeping the query string (a tag page's filters)."""
    url = obj.get_absolute_url()
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
