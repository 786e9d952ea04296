"""A member's list page (/members/<name>/list/, lists.views.member_list): what each viewer sees of it,
the tabs and their counts, the sorts, the pages, editing in place, and escaping."""

import datetime
import re

import pytest

from catalog.models import Kind
from lists.models import ListEntry
from lists.services import entry_save, list_settings_update
from tests.builders import SCRIPT, make_tag, make_work
from tests.pages import html, login, pass_age_gate

pytestmark = pytest.mark.django_db

URL = "/members/alice/list/"
NOTE = "Secret-note-marker"


@pytest.fixture
def alices_list(adult_member, safe_work, adult_work):
    """Alice's list: a public and a private all-ages entry, a public 18+ entry (scored 10, with dates)
    and a private one (18+ entries start private)."""
    entry_save(member=adult_member, work=safe_work, status="completed", score=6, notes=NOTE)
    entry_save(member=adult_member, work=make_work("Hidden Away", slug="hidden-away"), is_private=True, score=3)
    entry_save(
        member=adult_member,
        work=adult_work,
        status="completed",
        is_private=False,
        score=10,
        started_on=datetime.date(2023, 4, 1),
        finished_on=datetime.date(2023, 6, 1),
    )
    entry_save(member=adult_member, work=make_work("Kept Quiet", slug="kept-quiet", age_rating="r18"))
    return adult_member


def _titles(response) -> list[str]:
    return re.findall(r'<h2 class="entry-row__title"><a href="[^"]*">(.*?)</a>', html(response))


def _tabs(response) -> dict[str, int]:
    page = html(response)
    nav = page[page.index('class="list-tabs"') : page.index("</nav>", page.index('class="list-tabs"'))]
    return {
        label.strip(): int(n) for label, n in re.findall(r'>([^<>]+) <span class="list-tabs__count">(\d+)</span>', nav)
    }


def _row(response, title: str) -> str:
    rows = re.findall(r'<li class="entry-row[^"]*">.*?</li>\s*(?=<li class="entry-row|</ol>)', html(response), re.S)
    matches = [row for row in rows if f">{title}</a>" in row]
    assert len(matches) == 1, title
    return matches[0]


def test_the_owner_sees_every_entry_with_its_notes_and_controls(alices_list, adult_member_client):
    response = adult_member_client.get(URL)
    assert response.status_code == 200
    assert sorted(_titles(response)) == ["Hidden Away", "Kept Quiet", "Sunny Afternoon", "Triangle Blue"]
    assert _tabs(response)["All"] == 4
    page = html(response)
    assert page.count("data-list-entry-widget") == 4
    assert NOTE in page
    assert "Your list" in page
    assert response["Cache-Control"] == "private"


def test_another_member_sees_the_public_entries_only_without_notes_or_controls(alices_list, other_adult_member_client):
    response = other_adult_member_client.get(URL)
    assert sorted(_titles(response)) == ["Sunny Afternoon", "Triangle Blue"]
    assert _tabs(response) == {"All": 2, "Plan to try": 0, "In progress": 0, "Completed": 2, "On hold": 0, "Dropped": 0}
    page = html(response)
    assert NOTE not in page
    assert "data-list-entry-widget" not in page and 'action="/works/' not in page
    assert "10/10" in _row(response, "Triangle Blue")
    assert "Started 1 Apr 2023" in _row(response, "Triangle Blue")


def test_a_visitor_sees_an_adult_entry_as_a_locked_row(alices_list, client):
    response = client.get(URL)
    assert sorted(_titles(response)) == ["Sunny Afternoon", "Triangle Blue"]
    assert _tabs(response)["Completed"] == 2
    locked = _row(response, "Triangle Blue")
    assert "entry-row--locked" in html(response)
    assert "Details shown after the age check." in locked
    # What a locked card shows (title, kind, year, badge) and the status it is filed under; no
    # score, dates or cover.
    assert "10/10" not in locked and "2023" not in locked
    assert "placeholder.svg" in locked and "cover/card.webp" not in locked
    assert "Adult-synopsis-marker" not in html(response)

    pass_age_gate(client)
    unlocked = _row(client.get(URL), "Triangle Blue")
    assert "10/10" in unlocked and "Details shown after the age check." not in unlocked


def test_a_minor_sees_adult_entries_locked(alices_list, minor_member_client):
    assert "Details shown after the age check." in _row(minor_member_client.get(URL), "Triangle Blue")


def test_sorting_by_score_does_not_consult_a_locked_entry(alices_list, client):
    # Triangle Blue scored 10, Sunny Afternoon 6: before the gate the locked one sorts as unscored.
    assert _titles(client.get(URL + "?sort=score")) == ["Sunny Afternoon", "Triangle Blue"]
    pass_age_gate(client)
    assert _titles(client.get(URL + "?sort=score")) == ["Triangle Blue", "Sunny Afternoon"]


def test_a_viewers_hidden_tags_leave_entries_out_of_the_list_and_its_counts(adult_member, other_adult_member):
    disliked = make_tag("Disliked")
    entry_save(member=adult_member, work=make_work("Tagged", tags=[disliked]))
    entry_save(member=adult_member, work=make_work("Plain"))
    other_adult_member.hidden_tags.add(disliked)
    response = login(other_adult_member).get(URL)
    assert _titles(response) == ["Plain"]
    assert _tabs(response)["All"] == 1


def test_a_private_list_says_so_and_nothing_more(alices_list, other_adult_member_client, client, adult_member_client):
    list_settings_update(member=alices_list, is_private=True, adult_entries_private=True)
    for viewer in (other_adult_member_client, client):
        response = viewer.get(URL)
        assert response.status_code == 200
        page = html(response)
        assert "This list is private." in page
        assert "list-tabs" not in page and "Sunny Afternoon" not in page and "entry-row" not in page
    own = adult_member_client.get(URL)
    assert len(_titles(own)) == 4
    assert "Your list is private: only you see it." in html(own)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=completed", ["Triangle Blue", "Sunny Afternoon"]),
        ("?status=planned", ["Kept Quiet", "Hidden Away"]),
        ("?status=nonsense", ["Kept Quiet", "Triangle Blue", "Hidden Away", "Sunny Afternoon"]),
        ("?sort=title", ["Hidden Away", "Kept Quiet", "Sunny Afternoon", "Triangle Blue"]),
        ("?sort=score", ["Triangle Blue", "Sunny Afternoon", "Hidden Away", "Kept Quiet"]),
        ("?sort=started", ["Triangle Blue", "Hidden Away", "Kept Quiet", "Sunny Afternoon"]),
        ("?sort=-updated_at;drop", ["Kept Quiet", "Triangle Blue", "Hidden Away", "Sunny Afternoon"]),
        ("?page=abc", ["Kept Quiet", "Triangle Blue", "Hidden Away", "Sunny Afternoon"]),
        ("?page=99", ["Kept Quiet", "Triangle Blue", "Hidden Away", "Sunny Afternoon"]),
        ("?status=completed&sort=finished", ["Triangle Blue", "Sunny Afternoon"]),
    ],
)
def test_tabs_and_sorts_take_known_values_and_fall_back_without_an_error(
    alices_list, adult_member_client, query, expected
):
    response = adult_member_client.get(URL + query)
    assert response.status_code == 200
    assert _titles(response) == expected


def test_the_current_tab_and_sort_are_marked(alices_list, adult_member_client):
    page = html(adult_member_client.get(URL + "?status=completed&sort=title"))
    assert re.search(r'href="\?status=completed&amp;sort=title" aria-current="page">Completed', page)
    assert '<strong aria-current="true">Title</strong>' in page


def test_long_lists_are_paged(adult_member, adult_member_client):
    for i in range(30):
        entry_save(member=adult_member, work=make_work(f"Work {i:02d}", kind=Kind.MANGA))
    first = adult_member_client.get(URL + "?sort=title")
    assert len(_titles(first)) == 25
    assert "Page 1 of 2" in html(first)
    assert _titles(adult_member_client.get(URL + "?sort=title&page=2")) == [f"Work {i:02d}" for i in range(25, 30)]


def test_an_unknown_or_inactive_member_is_a_404(adult_member, client):
    assert client.get("/members/nobody/list/").status_code == 404
    assert client.get("/members/bad%00name/list/").status_code == 404
    adult_member.is_active = False
    adult_member.save()
    assert client.get(URL).status_code == 404


def test_titles_and_notes_are_escaped(adult_member, adult_member_client):
    entry_save(member=adult_member, work=make_work(SCRIPT, slug="script-title"), notes=SCRIPT)
    page = html(adult_member_client.get(URL))
    assert SCRIPT not in page
    # The rows are Jinja2, which writes a quote as &#39; where Django writes &#x27;.
    assert page.replace("&#39;", "&#x27;").count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") >= 2


def test_the_owner_edits_in_place_with_the_same_form_as_the_work_page(adult_member, adult_member_client, safe_work):
    entry_save(member=adult_member, work=safe_work)
    page = html(adult_member_client.get(URL + "?sort=title"))
    assert 'action="/works/sunny-afternoon/list/"' in page
    assert 'name="next" value="/members/alice/list/?sort=title"' in page
    response = adult_member_client.post(
        "/works/sunny-afternoon/list/", {"status": "on_hold", "score": "7", "next": "/members/alice/list/?sort=title"}
    )
    assert response["Location"] == "/members/alice/list/?sort=title"
    entry = ListEntry.objects.get()
    assert (entry.status, entry.score) == ("on_hold", 7)


def test_the_member_page_links_to_the_list(alices_list, client):
    assert f'href="{URL}"' in html(client.get("/accounts/members/alice/"))
