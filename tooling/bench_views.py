"""The bare view ``make bench-http`` measures pages against (served at /bench/bare-works/ by config/bench_urls.py).

The bare view reads 24 rows of the same table the works list reads and prints them through a
minimal template: what any Django page costs, so the figure left for a real page is what its
own features cost.
"""

from django.shortcuts import render

from catalog.models import Work

PER_PAGE = 24


def bare_works(request):
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    start = (page - 1) * PER_PAGE
    works = Work.objects.filter(is_published=True).order_by("title", "id")[start : start + PER_PAGE]
    return render(request, "tooling/bare_works.html", {"works": works})
