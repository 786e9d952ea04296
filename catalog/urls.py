from django.urls import path

from catalog import views
from catalog.feeds import NewWorksFeed

app_name = "catalog"

urlpatterns = [
    path("works/", views.WorkListView.as_view(), name="work-list"),
    # Before the work pages: "feed" is therefore not a usable work slug (the admin refuses it).
    path("works/feed/", NewWorksFeed(), name="work-feed"),
    path("works/<slug:slug>/", views.work_detail, name="work-detail"),
    path("tags/", views.TagListView.as_view(), name="tag-list"),
    path("tags/<slug:slug>/", views.TagDetailView.as_view(), name="tag-detail"),
    path("search/", views.search_view, name="search"),
    path("search/suggest/", views.search_suggestions, name="search-suggest"),
]
