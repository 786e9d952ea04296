from collections.abc import Callable, Mapping

import django_filters
from django import forms
from django.conf import settings
from django.forms.renderers import Jinja2

from accounts.viewer import ANONYMOUS_VIEWER, Viewer
from catalog import generation, sorts, visibility
from catalog.models import AgeRating, Kind, Tag, Work
from catalog.tag_filter import TagFilter

MIN_YEAR, MAX_YEAR = 1900, 2100
# Each tag of "with all of these tags" is one more condition in the query: SQLite refuses a few
# hundred of them ("Expression tree is too large"), and nobody narrows a list by more than a handful.
MAX_TAGS_PER_FIELD = 20


def visible_tags(request):
    """Tag choices follow the visibility policy: explicit tags only for viewers past the age gate."""
    if request is None:
        return Tag.objects.none()
    return Tag.objects.for_viewer(request.viewer)


class TagSlugsField(forms.ModelMultipleChoiceField):
    """Tag slugs from the query string; the blank "Add a tag…" option is ignored rather than refused.

    A slug that is no choice is named in the error, saying whether it is a tag the age gate
    keeps back (so the visitor knows it is shown after the age check) or no tag at all.
    """

    viewer: Viewer = ANONYMOUS_VIEWER

    def clean(self, value):
        if isinstance(value, (list, tuple)):
            value = [slug for slug in dict.fromkeys(value) if slug]
            if len(value) > MAX_TAGS_PER_FIELD:
                raise forms.ValidationError(f"Choose at most {MAX_TAGS_PER_FIELD} tags here.", code="too_many_tags")
        if not value and not self.required:
            return []  # as the parent's empty QuerySet means, without the cost of one
        return super().clean(value)

    # Every tag by slug (``tags_by_slug``), read when a slug is chosen; set by ``WorkFilter.form``.
    # The field checks the chosen slugs against it instead of asking the database each request.
    tags_by_slug: Callable[[], Mapping[str, Tag]] = dict

    def _check_values(self, value):
        """The chosen tags, and for the others whether the age gate keeps them back, from the
        process's copy of every tag (``tags_by_slug``): no query."""
        slugs = list(dict.fromkeys(str(slug) for slug in value))
        for slug in slugs:
            self.validate_no_null_characters(slug)
        every = self.tags_by_slug()
        rows = [every[slug] for slug in slugs if slug in every]
        chosen = [tag for tag in rows if visibility.tag_if_visible(tag, self.viewer) is not None]
        found = {tag.slug for tag in chosen}
        gated = {tag.slug for tag in rows if visibility.is_tag_behind_gate(tag, self.viewer)}
        missing = [slug for slug in slugs if slug not in found]
        if missing:
            gated_message = (
                "The tag “%(value)s” is shown after the age check."
                if self.viewer.age_gate_state == "ask"
                else "The tag “%(value)s” is for adults only."
            )
            raise forms.ValidationError(
                [
                    forms.ValidationError(gated_message, code="behind_age_gate", params={"value": slug})
                    if slug in gated
                    else forms.ValidationError(
                        "There is no tag “%(value)s”.", code="invalid_choice", params={"value": slug}
                    )
                    for slug in missing
                ]
            )
        # A list, not a QuerySet: WorkFilter.selected_tags reads the tags from it.
        return chosen


def tags_by_slug(catalog_generation: int) -> Mapping[str, Tag]:
    """Every tag by slug, read once per process and catalog generation (``generation.memoised``):
    the tag fields' checks, two per filtered list, cost a query each otherwise. Shared between
    requests, so read-only."""
    return generation.memoised(
        "tags-by-slug",
        catalog_generation,
        lambda: {tag.slug: tag for tag in Tag.objects.only("pk", "name", "slug", "category")},
    )


class TagChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = TagSlugsField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", visible_tags)
        kwargs.setdefault("to_field_name", "slug")
        super().__init__(*args, **kwargs)

    @property
    def field(self):
        field = super().field
        field.viewer = getattr(self.get_request(), "viewer", ANONYMOUS_VIEWER)
        return field


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class WorkFilterForm(forms.Form):
    default_renderer = Jinja2()

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("year_min"), cleaned.get("year_max")
        if low is not None and high is not None and low > high:
            self.add_error("year_max", "“To year” must not be before “From year”.")
        return cleaned


class WorkFilter(django_filters.FilterSet):
    SORTS = sorts.LABELS

    q = django_filters.CharFilter(method="filter_title", label="Title contains", max_length=200)
    # The tag fields are applied by the views through ``tag_filter`` (see filter_queryset).
    tags = TagChoiceFilter(label="With all of these tags")
    any_tags = TagChoiceFilter(label="With any of these tags")
    exclude_tags = TagChoiceFilter(label="Without these tags")
    # distinct=False: these test a column of the work itself, so no row can repeat, and
    # SELECT DISTINCT would stop the database from reading a page straight off a sort index.
    kind = django_filters.MultipleChoiceFilter(
        choices=Kind.choices, label="Kind", widget=forms.CheckboxSelectMultiple, distinct=False
    )
    age_rating = django_filters.MultipleChoiceFilter(
        choices=AgeRating.choices, label="Age rating", widget=forms.CheckboxSelectMultiple, distinct=False
    )
    year_min = IntegerFilter(
        field_name="released_from", lookup_expr="year__gte", label="From year", min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    year_max = IntegerFilter(
        field_name="released_from", lookup_expr="year__lte", label="To year", min_value=MIN_YEAR, max_value=MAX_YEAR
    )
    min_score = django_filters.NumberFilter(
        field_name="score_average", method="filter_reviews", label="Minimum score", min_value=1, max_value=10
    )
    min_reviews = IntegerFilter(
        field_name="review_count", method="filter_reviews", label="Minimum reviews", min_value=0, max_value=1_000_000
    )
    sort = django_filters.ChoiceFilter(
        choices=list(SORTS.items()),
        method="sort_by",
        label="Sort by",
        empty_label=None,
        # The default order needs no place in a shared URL (static/js/work-filters.js leaves it out).
        widget=forms.Select(attrs={"data-default": sorts.DEFAULT}),
    )

    class Meta:
        model = Work
        fields: list[str] = []
        form = WorkFilterForm

    TAG_FIELDS = ("tags", "any_tags", "exclude_tags")

    def __init__(self, *args, viewer=None, catalog_generation=None, **kwargs):
        # The viewer the list reads for, when the view changed it for this request (a reveal of spoilers).
        self._viewer = viewer
        # The view reads ``catalog.generation`` once per request for all its cache keys.
        self._catalog_generation = catalog_generation
        super().__init__(*args, **kwargs)

    _form_class: type[forms.Form] | None = None

    def get_form_class(self) -> type[forms.Form]:
        """The form class, built once per process: django-filter builds it, and every field, on each
        request. Only the tag fields differ between requests (their choices and the viewer told
        about a gated tag), and ``form`` sets those on each form's own copies of the fields."""
        cls = type(self)
        if cls._form_class is None:
            unbound = cls(queryset=self.queryset.none())  # no request: the tag fields choose nothing yet
            fields = {name: filter_.field for name, filter_ in unbound.filters.items()}
            cls._form_class = type(f"{cls.__name__}Form", (self._meta.form,), fields)
        return cls._form_class

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            request = self.request
            known = self._catalog_generation

            def tags():
                return tags_by_slug(generation.current() if known is None else known)

            for name in self.TAG_FIELDS:
                field = form.fields[name]
                field.queryset = visible_tags(request)
                field.viewer = getattr(request, "viewer", ANONYMOUS_VIEWER)
                field.tags_by_slug = tags
        return self._form

    @property
    def viewer(self):
        if self._viewer is not None:
            return self._viewer
        return getattr(self.request, "viewer", ANONYMOUS_VIEWER)

    def selected_tags(self) -> dict[str, list]:
        """The valid tags chosen in each tag field, for showing them as removable choices."""
        data = self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        return {name: list(data.get(name) or []) for name in self.TAG_FIELDS}

    CHIP_PREFIXES = {"tags": "With", "any_tags": "Any of", "exclude_tags": "Without"}

    def active_values(self) -> list[tuple[str, str | None, str]]:
        """Each valid value set in the form, in the form's order, as (field, value in the URL, label).

        The value is the one to drop from the URL to remove it: None for a field that holds one.
        """
        if not self.is_bound:
            return []
        self.form.is_valid()  # fills cleaned_data with the valid fields; the invalid are ignored
        data = self.form.cleaned_data
        chosen_tags = self.selected_tags()
        active: list[tuple[str, str | None, str]] = []
        for name in self.form.fields:
            if name in self.TAG_FIELDS:
                active += [(name, tag.slug, f"{self.CHIP_PREFIXES[name]}: {tag.name}") for tag in chosen_tags[name]]
                continue
            value = data.get(name)
            if value is None or value == "" or value == []:
                continue
            if name in ("kind", "age_rating"):
                choices = dict(self.form.fields[name].choices)
                active += [(name, v, f"{self.form.fields[name].label}: {choices[v]}") for v in value]
            elif name == "sort":
                if name in self.data:
                    active.append((name, None, f"Sort: {self.SORTS[value]}"))
            else:
                active.append((name, None, self.chip_label(name, value)))
        return active

    @staticmethod
    def chip_label(name: str, value) -> str:
        if name == "q":
            return f"Title contains “{value}”"
        if name == "year_min":
            return f"From {value}"
        if name == "year_max":
            return f"Until {value}"
        if name == "min_score":
            return f"Score {value.normalize():f} or more"
        return f"{value} or more review{'s' if value != 1 else ''}"

    @property
    def tag_filter(self) -> TagFilter:
        """The valid tag choices as one condition, for ``WorkQuerySet.with_tag_filter``."""
        chosen = self.selected_tags()
        return TagFilter.for_viewer(
            self.viewer,
            all_of=tuple(tag.pk for tag in chosen["tags"]),
            any_of=tuple(tag.pk for tag in chosen["any_tags"]),
            none_of=tuple(tag.pk for tag in chosen["exclude_tags"]),
        )

    @property
    def qs(self):
        """The works passing every condition, shaped for reading one page of them."""
        return self.works_matching(rows_wanted=settings.NTRDB_WORKS_PER_PAGE)

    def works_matching(self, *, rows_wanted: int, ordered: bool = True, within=None, spoiler_level=None):
        """The works passing every condition, in the query shape that suits reading ``rows_wanted`` of them.

        ``within`` applies the same conditions to another set of works than the filter's own;
        ``spoiler_level`` matches the chosen tags through links that deep (a count of what a reveal would add).
        """
        if within is None:
            works = super().qs
        else:
            works = within.all()
            if self.is_bound:
                self.form.is_valid()  # as FilterSet.qs does: invalid fields are left out
                works = self.filter_queryset(works)
        if not ordered:
            works = works.order_by()
        tag_filter = self.tag_filter if spoiler_level is None else self.tag_filter.revealing(spoiler_level)
        return works.with_tag_filter(tag_filter, rows_wanted=rows_wanted, ordered=ordered)

    def filter_queryset(self, queryset):
        """Every condition but the tags, and the sort order.

        The tags are left to the caller, because the fastest way to apply them depends on
        how many rows are wanted: a page, a capped count or a sample (``with_tag_filter``).
        """
        for name, value in self.form.cleaned_data.items():
            if name not in self.TAG_FIELDS:
                queryset = self.filters[name].filter(queryset, value)
        # Sorting applies even when no sort was asked for, so paging is stable.
        if not self.form.cleaned_data.get("sort"):
            queryset = self.sort_by(queryset, "sort", sorts.DEFAULT)
        return queryset

    def filter_reviews(self, queryset, name, value):
        # The reviews of a locked 18+ work are not shown, so a filter on them must not tell
        # anything about them either: locked works never pass it.
        if value is None:
            return queryset
        return queryset.filter(**{f"{name}__gte": value}, is_locked=False)

    def filter_title(self, queryset, name, value):
        return queryset.filter(visibility.title_search_q(self.viewer, value)) if value else queryset

    def sort_by(self, queryset, name, value):
        orderings = sorts.orderings_for(self.viewer)
        return queryset.order_by(*orderings.get(value, orderings[sorts.DEFAULT]))
