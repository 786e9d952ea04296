"""Site search: what it finds, how names are folded, and odd input."""

import pytest
from django.conf import settings
from django.utils.cache import has_vary_header

from accounts.viewer import ANONYMOUS_VIEWER
from catalog.models import AgeRating, SearchEntry, Work
from catalog.search import fold, search, search_index_remove, search_index_update, typo_distance
from tests.builders import ADULT_SYNOPSIS, make_work
from tests.pages import card_for, card_titles, html, pass_age_gate


@pytest.mark.parametrize(
    "a, b",
    [
        ("Triangle Blue", "TRIANGLE blue"),
        ("Triangle Blue", "triangle-blue"),
        ("Triangle Blue", "Trîangle Blüe"),
        ("Triangle Blue", "ＴＲＩＡＮＧＬＥ　ＢＬＵＥ"),
        ("Kanojo", "kanōjo"),
        ("Shinjiteru", "sinjiteru"),
        ("Tsuma", "tuma"),
        ("Chichi", "titi"),
        ("Fuufu", "huhu"),
        ("Ore wa Kanojo wo Shinjiteru!", "ore wa kanojo o shinjiteru"),
        ("Kanojo ga Mimai ni Konai Wake", "kanojo ga mimai ni konai wake"),
        ("Shōjo", "shoujo"),
        ("Jōji", "zyozi"),
        ("ﬁnal", "final"),
    ],
)
def test_fold_makes_spelling_variants_equal(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize(
    "text, folded",
    [
        ("", ""),
        ("   ", ""),
        ("!!!", ""),
        ("a_b", "ab"),
        ("Triangle Blue", "triangleblue"),
        ("NTR", "ntr"),
        ("寝取られ", "寝取られ"),
        ("Shinjiteru", "sinziteru"),
    ],
)
def test_fold_values(text, folded):
    assert fold(text) == folded


def test_fold_keeps_different_titles_apart():
    assert fold("Netori") != fold("Netorare")
    assert fold("Triangle Blue") != fold("Triangle Red")


@pytest.fixture
def shinjiteru(world):
    return make_work(
        "Ore wa Kanojo wo Shinjiteru!",
        age_rating=AgeRating.R18,
        alternative_titles="Ore wa Kanajo wo Sinjiteru!",
        original_title="俺は彼女を信じてる！",
        synopsis="Kensuke-marker.",
        episodes=1,
    )


def results(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "q",
    [
        "Triangle Blue",
        "TRIANGLE blue",
        "triangle",
        "blue",
        "trîangle",
        "Sankaku Blue",
        "トライアングル",
        "triangle blue ova",
    ],
)
def test_finds_works_by_title_original_and_alternative_title(world, client, q):
    # Triangle Blue is 18+: past the gate it is found by every name it has.
    pass_age_gate(client)
    assert card_titles(results(client, q)) == ["Triangle Blue"]


@pytest.mark.parametrize("q", ["Sankaku Blue", "トライアングル"])
def test_a_locked_work_is_not_found_by_the_names_its_card_hides(world, client, q):
    assert card_titles(results(client, q)) == []
    assert client.get("/search/suggest/", {"q": q}).json()["suggestions"] == []
    assert card_titles(client.get("/works/", {"q": q})) == []


@pytest.mark.parametrize("q", ["Triangle Blue", "triangle", "Triangle Blu"])
def test_a_locked_work_is_still_found_by_its_main_title(world, client, q):
    assert card_titles(results(client, q)) == ["Triangle Blue"]


@pytest.mark.parametrize(
    "q", ["Kanojo", "kanōjo", "shinjiteru", "sinjiteru", "Kanajo wo Sinjiteru", "kanojo o shinjiteru", "信じてる"]
)
def test_romanisation_and_accents_do_not_matter(shinjiteru, client, q):
    pass_age_gate(client)  # 18+: its original title finds it only past the gate
    assert "Ore wa Kanojo wo Shinjiteru!" in card_titles(results(client, q))


def test_finds_glossary_terms_by_name_and_alias(world, client):
    page = html(results(client, "NTR"))
    glossary = page.split('id="results-terms"', 1)[1].split("</section>", 1)[0]
    assert '<a href="/glossary/netorare/">Netorare</a>' in glossary
    assert world.terms.netorare.summary in glossary
    page = html(results(client, "netorase"))
    assert '<a href="/glossary/netorase/">Netorase</a>' in page


def test_finds_tags_by_name_and_alias(world, client):
    page = html(results(client, "ntr"))
    tags = page.split('id="results-tags"', 1)[1].split("</section>", 1)[0]
    assert 'href="/tags/netorare/">Netorare</a>' in tags


def test_exact_names_rank_before_partial_matches(world, client):
    make_work("Blue")
    make_work("Blue Skies Forever")
    assert card_titles(results(client, "blue"))[0] == "Blue"


def test_search_never_finds_unpublished_works_or_terms(world, client):
    assert "Hidden Draft" not in html(results(client, "hidden draft"))
    assert "Draftterm" not in html(results(client, "draftterm"))
    assert "Nothing found" in html(results(client, "draftterm"))


def test_r18_search_results_show_only_safe_metadata(world, client):
    response = results(client, "triangle")
    card = card_for(response, "Triangle Blue")
    assert ">18+<" in card and "Details shown after the age check." in card
    assert ADULT_SYNOPSIS not in html(response)


def test_results_count_is_reported(world, client):
    assert "1 result for “triangle”." in html(results(client, "triangle"))


def test_empty_query_gets_a_friendly_page(world, client):
    for q in ("", "   "):
        page = html(results(client, q))
        assert "Type a title" in page
        assert "Nothing found" not in page
    assert "Type a title" in html(client.get("/search/"))


def test_long_query_is_refused_politely(world, client):
    page = html(results(client, "triangle " * 28))  # 252 characters
    assert "That search is too long" in page
    assert f"at most {settings.NTRDB_SEARCH_MAX_QUERY_LENGTH} characters" in page


def test_query_length_limit_is_exact(world, client):
    limit = settings.NTRDB_SEARCH_MAX_QUERY_LENGTH
    at_limit = "triangle" + " " * (limit - 9) + "x"
    assert len(at_limit) == limit
    assert "too long" not in html(results(client, at_limit))
    assert "That search is too long" in html(results(client, at_limit + "y"))


ODD_QUERIES = [
    "%00",
    "tri%00angle",
    "%F0%9F%92%94",
    "%E2%80%AE%E2%80%AD",
    "%CC%81%CC%81%CC%81",
    "%EF%B7%BA" * 20,
    "%FF%FE",
    "%25",
    "_",
    "%5C",
    "'%20OR%201=1--",
    "%22%3E",
    "a" * 199,
]


def test_odd_input_never_breaks_search(world, client):
    broken = {raw: status for raw in ODD_QUERIES if (status := client.get(f"/search/?q={raw}").status_code) != 200}
    assert broken == {}


def test_punctuation_only_query_finds_nothing_instead_of_everything(world, client):
    page = html(results(client, "%%%"))
    assert "Nothing found" in page
    assert card_titles(results(client, "%")) == []


def test_index_follows_title_changes_and_removal(world):
    work = world.safe
    work.title = "Renamed Story"
    work.save()
    search_index_update(work)
    assert [w.title for w in search("renamed", ANONYMOUS_VIEWER).works] == ["Renamed Story"]
    assert search("sunny afternoon", ANONYMOUS_VIEWER).works == []
    search_index_remove(work)
    assert not SearchEntry.objects.filter(kind="work", object_id=work.pk).exists()


def test_search_index_rejects_unknown_objects(db):
    with pytest.raises(TypeError):
        search_index_update(object())


def test_search_api_reports_too_long_queries(db):
    assert search("x" * (settings.NTRDB_SEARCH_MAX_QUERY_LENGTH + 1), ANONYMOUS_VIEWER).too_long


def test_one_or_two_letter_queries_match_names_from_the_start(world, client):
    """Same on every database: trigram indexes cannot serve shorter needles anywhere in a name."""
    make_work("Ue no Sora")
    assert card_titles(results(client, "ue")) == ["Ue no Sora"]  # not "Triangle Blue"


def test_small_typos_still_find_the_work(world, client):
    assert "Triangle Blue" in card_titles(results(client, "Triangel Blue"))


def test_suggestions_follow_the_visibility_policy(world, client):
    response = client.get("/search/suggest/", {"q": "velvet"})
    assert response.status_code == 200
    assert response.json()["suggestions"] == []
    assert has_vary_header(response, "Cookie") and "private" in response["Cache-Control"]
    suggestions = client.get("/search/suggest/", {"q": "triangle"}).json()["suggestions"]
    assert suggestions == [{"label": "Triangle Blue", "kind": "Work", "url": "/works/triangle-blue/", "adult": True}]
    assert ADULT_SYNOPSIS not in client.get("/search/suggest/", {"q": "triangle"}).content.decode()
    pass_age_gate(client)
    labels = [s["label"] for s in client.get("/search/suggest/", {"q": "velvet"}).json()["suggestions"]]
    assert labels == ["Explicit Velvet"]
    assert "Hidden Draft" not in client.get("/search/suggest/", {"q": "hidden draft"}).content.decode()


def test_invisible_matches_do_not_crowd_out_visible_ones(db, client):
    """Regression: ranked ids were cut to `limit` before the visibility policy was applied."""
    drafts = Work.objects.bulk_create(
        Work(title=f"Ocean Blue {i:02d}", slug=f"ocean-blue-{i:02d}", is_published=False) for i in range(60)
    )
    search_index_update(*drafts)
    make_work("Ocean Blue: the published one")
    assert card_titles(results(client, "ocean blue")) == ["Ocean Blue: the published one"]


@pytest.mark.parametrize(
    "needle, text, distance",
    [
        ("triangleblue", "triangleblue", 0),
        ("triangelblue", "triangleblue", 1),  # two neighbours swapped: one typo
        ("trianglblue", "triangleblue", 1),  # a letter missing
        ("triangleebl", "xxtriangleblueyy", 1),  # a letter too many, inside a longer name
        ("kyoramaoburume", "kyoromaoburamenohi", 2),  # two letters changed
        ("abc", "xyz", 3),
    ],
)
def test_typo_distance_counts_edits_to_the_closest_part_of_a_name(needle, text, distance):
    assert typo_distance(needle, text) == distance


def test_two_typos_in_a_longer_title_still_find_it(world, client):
    make_work("Kyoroma Wo Burame no Hi")
    assert card_titles(results(client, "Kyorama Wo Burume")) == ["Kyoroma Wo Burame no Hi"]


def test_a_one_letter_typo_finds_a_shorter_title_but_short_queries_stay_exact(world, client):
    make_work("Natsuzora")
    assert card_titles(results(client, "Natsuzira")) == ["Natsuzora"]
    assert card_titles(results(client, "Natsu")) == ["Natsuzora"]
    assert "Natsuzora" not in card_titles(results(client, "Nitsu"))


def test_closer_typo_matches_rank_first(world, client):
    make_work("Harukaze Station")
    make_work("Harukaze Statue")
    assert card_titles(results(client, "Harukaze Statiom"))[:1] == ["Harukaze Station"]


def test_words_in_another_order_find_the_title(world, client):
    assert card_titles(results(client, "Blue Triangle")) == ["Triangle Blue"]


def test_every_word_must_be_there_for_an_any_order_match(world, client):
    make_work("Blue Harbour")
    titles = card_titles(results(client, "Harbour Blue"))
    assert titles[0] == "Blue Harbour"
    assert "Triangle Blue" not in titles


def test_query_words_fold_each_word_and_drop_particles():
    from catalog.search import query_words

    assert query_words("Tsuma wo Netorare, Tsuma") == ["tuma", "netorare"]
