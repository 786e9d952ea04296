from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    name = "glossary"
    verbose_name = "Glossary"

    def ready(self):
        # Glossary builds on catalog: it plugs its terms into catalog's search, work page and
        # home page through their seams (docs/architecture.md, "Seams").
        from catalog import sections as catalog_sections
        from catalog.models import SearchEntry
        from catalog.search import Searchable, register_searchable
        from glossary.models import Term, term_search_names
        from glossary.views import home_glossary_section, work_terms_section

        register_searchable(
            Searchable(
                kind=SearchEntry.Kind.TERM,
                model=Term,
                names=term_search_names,
                for_viewer=Term.objects.for_viewer,
                vocabulary=True,
            )
        )
        catalog_sections.work_page.register(work_terms_section)
        catalog_sections.home_page.register(home_glossary_section)
