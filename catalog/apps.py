from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalog"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from catalog.generation import catalog_changed
        from catalog.models import SearchEntry, Tag, Work, WorkTag

        for model in (Work, Tag, WorkTag):
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-generation-save-{model.__name__}")
            post_delete.connect(
                catalog_changed, sender=model, dispatch_uid=f"catalog-generation-delete-{model.__name__}"
            )
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
