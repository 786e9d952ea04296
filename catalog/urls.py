from django.urls import path, re_path

from catalog import views
from catalog.covers import COVER_SIZES
from catalog.feeds import NewWorksFeed

app_name = "catalog"

urlpatterns = [
    path("works/", views.WorkListView.as_view(), name="work-list"),
    # Before the work pages: "feed" is therefore not a usable work slug (the admin refuses it).
    path("works/feed/", NewWorksFeed(), name="work-feed"),
    path("works/<slug:slug>/", views.work_detail, name="work-detail"),
    re_path(
        rf"^works/(?P<slug>[-a-zA-Z0-9_]+)/cover/(?P<size>{'|'.join(COVER_SIZES)})\.webp$",
        views.work_cover,
        name="work-cover",
    ),
    path("works/<slug:slug>/placeholder.svg", views.work_cover_placeholder, name="work-cover-placeholder"),
    path("tags/", views.TagListView.as_view(), name="tag-list"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("search/", views.search_view, name="search"),
    path("search/suggest/", views.search_suggestions, name="search-suggest"),
]
