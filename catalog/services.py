from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from catalog.covers import cover_file_names, delete_cover_files_on_commit, delete_files, store_cover
from catalog.generation import catalog_changed
from catalog.models import Tag, Work, WorkTag
from catalog.search import search_index_remove, search_index_update
from catalog.similar import similar_works_refresh
from catalog.tag_filter import forget_tag_tree
from core import curation_log, old_slugs


@transaction.atomic
def tag_merge(*, source: Tag, target: Tag, curator: User | None = None) -> int:
    """Fold ``source`` into ``target``: its works, children, aliases, hiders and addresses (its slug and
    old slugs redirect to ``target``) move over, then it is deleted.

    A work that carried both keeps the target's link (with the higher spoiler level of
    the two), so no duplicate links remain. Returns the number of works moved.
    """
    if source.pk == target.pk:
        raise ValidationError("A tag cannot be merged into itself.")
    source = Tag.objects.select_for_update().get(pk=source.pk)
    target = Tag.objects.select_for_update().get(pk=target.pk)

    moved = 0
    target_links = {wt.work_id: wt for wt in WorkTag.objects.filter(tag=target)}
    # Their links move to the target or take a deeper spoiler level: their similar works change.
    changed_works = list(WorkTag.objects.filter(tag=source).values_list("work_id", flat=True))
    for link in WorkTag.objects.filter(tag=source):
        existing = target_links.get(link.work_id)
        if existing is None:
            link.tag = target
            link.save(update_fields=["tag"])
            moved += 1
        else:
            if link.spoiler_level > existing.spoiler_level:
                existing.spoiler_level = link.spoiler_level
                existing.save(update_fields=["spoiler_level"])
            link.delete()

    # When the target sits beneath the source, it takes the source's place, so that the source's
    # children moving under it leave no loop.
    if target.parent_id is not None and source.pk in Tag.objects.ancestor_ids(target.parent_id):
        target.parent = source.parent if source.parent_id != target.pk else None
    Tag.objects.filter(parent=source).exclude(pk=target.pk).update(parent=target)
    catalog_changed()
    for user in source.hidden_by.all():
        user.hidden_tags.add(target)

    aliases = target.alias_list
    for name in [source.name, *source.alias_list]:
        if name.casefold() not in {a.casefold() for a in aliases} and name.casefold() != target.name.casefold():
            aliases.append(name)
    target.aliases = "\n".join(aliases)
    if target.term_id is None:
        target.term_id = source.term_id
    if not target.description:
        target.description = source.description
    target.save()

    curation_log.record(
        curator=curator,
        action=curation_log.TAGS_MERGED,
        target=target,
        reason=f"Merged “{source.name}” ({source.slug}) into it; {moved} work(s) moved",
    )
    # The merged tag's address, and any it had before, now lead to the tag it was merged into.
    old_slugs.old_slugs_move(source=source, target=target)
    search_index_remove(source)
    source.delete()
    search_index_update(target)
    forget_tag_tree()
    similar_works_refresh(work_ids=changed_works)
    return moved


def tag_set_parent(*, tag: Tag, parent: Tag | None) -> Tag:
    """Put ``tag`` beneath ``parent`` (or at the top, for None). Refused with a ValidationError when
    ``parent`` is the tag itself or sits beneath it (``Tag.clean``): the tree never loops."""
    tag.parent = parent
    tag.full_clean()
    tag.save(update_fields=["parent"])
    forget_tag_tree()
    return tag


def work_cover_set(*, work: Work, upload: UploadedFile[bytes]) -> None:
    """Give ``work`` the uploaded cover, checked and thumbnailed (ValidationError when refused).

    The previous cover's files are deleted once the change commits; if it does not, the new
    files are deleted instead.
    """
    new_name = store_cover(upload)
    old_name = work.cover.name
    try:
        with transaction.atomic():
            work.cover = new_name
            work.cover_updated_at = timezone.now()
            work.save(update_fields=["cover", "cover_updated_at", "updated_at"])
    except BaseException:
        delete_files(cover_file_names(new_name))
        raise
    delete_cover_files_on_commit(old_name)


def work_cover_remove(*, work: Work) -> None:
    """Take ``work``'s cover away (it falls back to its placeholder); the files go once this commits."""
    old_name = work.cover.name
    if not old_name:
        return
    work.cover = ""
    work.cover_updated_at = None
    work.save(update_fields=["cover", "cover_updated_at", "updated_at"])
    delete_cover_files_on_commit(old_name)
