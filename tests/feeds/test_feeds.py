"""Atom feeds: new works, and the reviews of one work, for an anonymous reader whoever asks.

Nothing gated reaches a feed: no 18+ work (not even as safe metadata, since a feed entry is
read away from the age gate), nothing unpublished, no explicit or spoiler tag, no hidden review,
and no spoiler review's text.
"""

import datetime

import pytest
from django.test import Client

from catalog.feeds import NEW_WORKS_FEED_SIZE
from catalog.models import AgeRating, Work
from community.feeds import REVIEWS_FEED_SIZE
from community.models import Review, Status
from lists.models import ListEntry
from tests.builders import (
    ADULT_ALT,
    ADULT_ORIGINAL,
    ADULT_SYNOPSIS,
    DRAFT_SYNOPSIS,
    EXPLICIT_TAG_NAME,
    SAFE_SYNOPSIS,
    SPOILER1_NOTE,
    make_member,
    make_work,
)
from tests.feeds.atom import (
    entries,
    entry_by_title,
    entry_categories,
    entry_link,
    entry_summary,
    entry_titles,
    parse_feed,
)
from tests.pages import html

WORKS_FEED = "/works/feed/"
SCRIPT = "<script>alert('x')</script>"


def reviews_feed(work) -> str:
    return f"/works/{work.slug}/reviews/feed/"


def add_review(work, *, body=None, status=Status.VISIBLE, has_spoilers=False, score=7, author=None) -> Review:
    review = Review.objects.create(
        author=author or make_member(age=30),
        work=work,
        body=body or f"A review of {work.title}, long enough to pass the fifty-character minimum.",
        status=status,
        has_spoilers=has_spoilers,
    )
    # The review carries its author's list score.
    ListEntry.objects.create(user=review.author, work=work, score=score, vote_counted=True)
    return review


def signed_in_adult_client() -> Client:
    client = Client()
    client.force_login(make_member(age=30))
    return client


# --- new works ------------------------------------------------------------------------------------


def test_works_feed_lists_published_all_ages_works_and_nothing_gated(world, client):
    response = client.get(WORKS_FEED)
    feed = parse_feed(response)
    assert entry_titles(feed) == ["Sunny Afternoon"]
    body = response.content.decode()
    for leak in (
        "Triangle Blue",
        ADULT_SYNOPSIS,
        ADULT_ORIGINAL,
        ADULT_ALT,
        "Hidden Draft",
        DRAFT_SYNOPSIS,
        EXPLICIT_TAG_NAME,
    ):
        assert leak not in body


@pytest.mark.parametrize("who", ["passed the gate", "adult member"])
def test_works_feed_is_the_anonymous_one_whoever_asks(world, client, gate_passed_client, who):
    """Feeds are fetched without a session and may be cached and shared: the same bytes for everyone."""
    asker = gate_passed_client if who == "passed the gate" else signed_in_adult_client()
    response = asker.get(WORKS_FEED)
    assert entry_titles(parse_feed(response)) == ["Sunny Afternoon"]
    assert response.content == client.get(WORKS_FEED).content
    assert "Cookie" not in response.get("Vary", "")
    assert "private" not in response.get("Cache-Control", "")


def test_works_feed_r15_works_are_not_gated_and_appear(world, client):
    make_work("Fifteen Plus", age_rating=AgeRating.R15, synopsis="Teen drama.")
    assert "Fifteen Plus" in entry_titles(parse_feed(client.get(WORKS_FEED)))


def test_works_feed_entry_carries_link_synopsis_dates_and_card_tags(world, client):
    entry = entry_by_title(parse_feed(client.get(WORKS_FEED)), "Sunny Afternoon")
    assert entry_link(entry) == "http://testserver/works/sunny-afternoon/"
    assert SAFE_SYNOPSIS in entry_summary(entry)
    # Spoiler-free tags only: the spoiler-level ones (jealousy, regret) stay on the work page.
    assert sorted(entry_categories(entry)) == ["Hospital", "Netori"]
    assert SPOILER1_NOTE not in html(client.get(WORKS_FEED))


def test_works_feed_never_names_an_explicit_tag(world, client):
    make_work("All Ages With Explicit Tag", tags=[world.tags.explicit, world.tags.happy])
    entry = entry_by_title(parse_feed(client.get(WORKS_FEED)), "All Ages With Explicit Tag")
    assert entry_categories(entry) == ["Happy couple"]
    assert EXPLICIT_TAG_NAME not in html(client.get(WORKS_FEED))


def test_works_feed_leaves_out_a_work_once_unpublished(world, client):
    Work.objects.filter(pk=world.safe.pk).update(is_published=False)
    assert entry_titles(parse_feed(client.get(WORKS_FEED))) == []


def test_works_feed_shows_the_newest_works_first_up_to_its_size(db, client):
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for i in range(NEW_WORKS_FEED_SIZE + 5):
        work = make_work(f"Numbered {i:03d}", index=False)
        Work.objects.filter(pk=work.pk).update(created_at=start + datetime.timedelta(days=i))
    titles = entry_titles(parse_feed(client.get(WORKS_FEED)))
    assert len(titles) == NEW_WORKS_FEED_SIZE
    assert titles[0] == f"Numbered {NEW_WORKS_FEED_SIZE + 4:03d}"
    assert titles[-1] == "Numbered 005"


def test_works_feed_escapes_titles_and_synopses(db, client):
    make_work("Love & <b>War</b>", slug="love-and-war", synopsis=f"Before {SCRIPT} after.")
    response = client.get(WORKS_FEED)
    assert b"<script" not in response.content and b"<b>" not in response.content
    entry = entry_by_title(parse_feed(response), "Love & <b>War</b>")  # a plain-text title, exactly as typed
    summary = entry_summary(entry)
    assert "<script" not in summary  # the reader parses the summary as HTML: no markup may survive
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in summary


def test_empty_catalog_gives_a_valid_empty_feed(db, client):
    assert entries(parse_feed(client.get(WORKS_FEED))) == []


# --- reviews of a work ----------------------------------------------------------------------------


def test_reviews_feed_lists_the_visible_reviews_of_that_work_only(world, client):
    shown = add_review(world.safe, author=make_member("shown_author", age=None), score=8)
    for status in (Status.PENDING, Status.HIDDEN, Status.REMOVED):
        add_review(
            world.safe,
            author=make_member(f"{status}_author", age=None),
            status=status,
            body=f"{status.upper()}-marker " * 5,
        )
    add_review(make_work("Elsewhere"), author=make_member("elsewhere_author", age=None))
    response = client.get(reviews_feed(world.safe))
    feed = parse_feed(response)
    assert entry_titles(feed) == ["shown_author rates it 8/10"]
    entry = entries(feed)[0]
    assert entry_link(entry) == f"http://testserver/works/sunny-afternoon/#review-{shown.pk}"
    assert shown.body in entry_summary(entry)
    body = response.content.decode()
    for leak in ("PENDING-marker", "HIDDEN-marker", "REMOVED-marker", "elsewhere_author"):
        assert leak not in body


def test_reviews_feed_newest_first_up_to_its_size(world, client):
    reviews = [add_review(world.safe) for _ in range(REVIEWS_FEED_SIZE + 2)]
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    for i, review in enumerate(reviews):
        Review.objects.filter(pk=review.pk).update(created_at=start + datetime.timedelta(hours=i))
    feed = parse_feed(client.get(reviews_feed(world.safe)))
    links = [entry_link(entry) for entry in entries(feed)]
    assert len(links) == REVIEWS_FEED_SIZE
    assert links[0].endswith(f"#review-{reviews[-1].pk}")
    assert links[-1].endswith(f"#review-{reviews[2].pk}")


def test_reviews_feed_keeps_spoiler_reviews_to_a_notice_and_a_link(world, client):
    review = add_review(world.safe, has_spoilers=True, body="Spoiler-body-marker: the ending reveals who left whom.")
    response = client.get(reviews_feed(world.safe))
    assert b"Spoiler-body-marker" not in response.content
    entry = entries(parse_feed(response))[0]
    assert "contains spoilers" in entry_summary(entry)
    assert entry_link(entry).endswith(f"/works/sunny-afternoon/#review-{review.pk}")


def test_reviews_feed_escapes_review_bodies(world, client):
    add_review(world.safe, body=f"I loved it {SCRIPT} and {'<img src=x onerror=alert(1)>'} the ending was long enough.")
    response = client.get(reviews_feed(world.safe))
    assert b"<script" not in response.content and b"<img" not in response.content
    summary = entry_summary(entries(parse_feed(response))[0])
    assert "<script" not in summary and "<img" not in summary
    assert "&lt;script&gt;" in summary and "&lt;img src=x onerror=alert(1)&gt;" in summary


@pytest.mark.parametrize("who", ["visitor", "passed the gate", "adult member"])
def test_reviews_feed_of_an_18_plus_work_is_not_found_for_anyone(world, client, gate_passed_client, who):
    add_review(world.adult, body="Adult-review-marker: long enough to be a real review of it.")
    asker = {"visitor": client, "passed the gate": gate_passed_client}.get(who) or signed_in_adult_client()
    response = asker.get(reviews_feed(world.adult))
    assert response.status_code == 404
    assert b"Adult-review-marker" not in response.content


def test_reviews_feed_of_an_unpublished_or_unknown_work_is_not_found(world, client):
    add_review(world.draft, body="Draft-review-marker: long enough to be a real review of it.")
    assert client.get(reviews_feed(world.draft)).status_code == 404
    assert client.get("/works/no-such-work/reviews/feed/").status_code == 404


def test_reviews_feed_of_a_work_without_reviews_is_empty(world, client):
    feed = parse_feed(client.get(reviews_feed(world.safe)))
    assert entries(feed) == []
    assert feed.findtext("{http://www.w3.org/2005/Atom}title") == "ntrdb: reviews of Sunny Afternoon"


# --- where the feeds are advertised ---------------------------------------------------------------

WORKS_FEED_LINK = '<link rel="alternate" type="application/atom+xml" title="ntrdb: new works" href="/works/feed/">'


@pytest.mark.parametrize("url", ["/", "/works/"])
def test_home_and_works_list_advertise_the_works_feed(world, client, url):
    page = html(client.get(url))
    assert WORKS_FEED_LINK in page.split("</head>")[0]
    assert 'class="feed-link" href="/works/feed/"' in page.split("</head>")[1]


def test_all_ages_work_page_advertises_its_reviews_feed(world, client):
    page = html(client.get("/works/sunny-afternoon/"))
    head, body = page.split("</head>")
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Reviews of Sunny Afternoon" href="/works/sunny-afternoon/reviews/feed/">'
        in head
    )
    assert 'class="feed-link" href="/works/sunny-afternoon/reviews/feed/"' in body


def test_18_plus_work_pages_advertise_no_feed(world, client, gate_passed_client):
    for page in (html(client.get("/works/triangle-blue/")), html(gate_passed_client.get("/works/triangle-blue/"))):
        assert "application/atom+xml" not in page
        assert "/reviews/feed/" not in page
