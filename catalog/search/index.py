"""The search index: every searchable name of a work, tag or glossary term, folded, one row each.

Each searchable model is registered once with the names it is found by and the visibility
read that turns matching ids into what a viewer may see. Catalog registers works and tags
(``catalog.apps``); glossary, which builds on catalog, registers its terms in its own
``AppConfig.ready()``: the seam through which site search covers an app above catalog.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction

from accounts.viewer import Viewer
from catalog.models import SearchEntry
from catalog.search.folding import fold

Field = SearchEntry.Field
NameList = list[tuple[int, str]]


@dataclass(frozen=True)
class Searchable:
    """How one model is searched: its index ``kind``, the ``names`` it is found by (field rank,
    name), and ``for_viewer``: the rows of it a viewer may see, by the visibility policy.

    A ``vocabulary`` (tags, glossary terms) is curated: hundreds or a few thousand names, against
    millions of work names. Its names are read by scanning its own rows of the index, which costs
    the same at any catalog size, where a full-text lookup would read every work name's postings
    to find the few of its kind (``catalog.search.backends``).
    """

    kind: str
    model: type[models.Model]
    names: Callable[[models.Model], NameList]
    for_viewer: Callable[[Viewer], models.QuerySet]
    vocabulary: bool = False


_REGISTRY: dict[str, Searchable] = {}


def register_searchable(searchable: Searchable) -> None:
    _REGISTRY[searchable.kind] = searchable


def searchables() -> list[Searchable]:
    return list(_REGISTRY.values())


def searchable_for(obj: models.Model) -> Searchable:
    for searchable in _REGISTRY.values():
        if isinstance(obj, searchable.model):
            return searchable
    raise TypeError(f"{type(obj).__name__} is not searchable")


def index_entries(kind: str, object_id: int, names: NameList) -> list[SearchEntry]:
    """The index rows for one object's names: folded, cut to the column, without repeats."""
    seen = set()
    entries = []
    for field_rank, name in names:
        text = fold(name)[:512]
        if text and text not in seen:
            seen.add(text)
            entries.append(SearchEntry(kind=kind, object_id=object_id, field=field_rank, text=text))
    return entries


def entries_for(obj: models.Model) -> list[SearchEntry]:
    searchable = searchable_for(obj)
    return index_entries(searchable.kind, obj.pk, searchable.names(obj))


@transaction.atomic
def search_index_update(*objects: models.Model) -> None:
    """Replace the search entries of the given works, terms or tags."""
    for obj in objects:
        searchable = searchable_for(obj)
        SearchEntry.objects.filter(kind=searchable.kind, object_id=obj.pk).delete()
        SearchEntry.objects.bulk_create(entries_for(obj))


def search_index_remove(*objects: models.Model) -> None:
    for obj in objects:
        SearchEntry.objects.filter(kind=searchable_for(obj).kind, object_id=obj.pk).delete()


def work_names(work) -> NameList:
    names = [(Field.PRIMARY, work.title), (Field.ORIGINAL, work.original_title)]
    return names + [(Field.ALTERNATIVE, title) for title in work.alternative_title_list]


def tag_names(tag) -> NameList:
    return [(Field.PRIMARY, tag.name)] + [(Field.ALTERNATIVE, alias) for alias in tag.alias_list]
