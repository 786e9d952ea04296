from django.urls import reverse

from core.reversing import slug_url


def test_slug_url_matches_reverse():
    for viewname in ("catalog:work-detail", "catalog:tag-detail", "glossary:term-detail"):
        for slug in ("netorare", "a-b_c-123", "x"):
            assert slug_url(viewname, slug) == reverse(viewname, kwargs={"slug": slug})


def test_slug_url_follows_the_script_prefix():
    from django.urls import set_script_prefix

    try:
        set_script_prefix("/ntrdb/")
        assert slug_url("catalog:work-detail", "abc") == "/ntrdb/works/abc/"
    finally:
        set_script_prefix("/")
