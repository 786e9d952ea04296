from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from catalog.models import SearchEntry, Tag, Work
        from catalog.search import Searchable, register_searchable
        from catalog.search.index import tag_names, work_names

        register_searchable(
            Searchable(
                kind=SearchEntry.Kind.WORK,
                model=Work,
                names=work_names,
                for_viewer=Work.objects.for_viewer,
            )
        )
        register_searchable(
            Searchable(
                kind=SearchEntry.Kind.TAG,
                model=Tag,
                names=tag_names,
                for_viewer=Tag.objects.for_viewer,
                vocabulary=True,
            )
        )
