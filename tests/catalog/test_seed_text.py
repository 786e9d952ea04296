"""The seed files' text: facts from the three articles, written in ntrdb's own words (DESIGN.md).

Every fact the seeds state about a work, tag or term is listed below with the words of the
articles it comes from, so a new fact needs its basis added here. The lists are checked against
the seed files always, and against the articles themselves wherever ``../shared/seeds/`` is
present (the source material sits beside the repository, not in it).

Text a reader sees states facts about the work or term; it never says how the data was
gathered ("the source says", "the example given", "only part of this title is known").
"""

import datetime
import json
import re
from pathlib import Path

import pytest

from accounts.viewer import ANONYMOUS_VIEWER, Viewer
from catalog.search import search
from tooling.seeds import SEED_DIR, load_seeds

ARTICLES = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def seed(name: str) -> list[dict]:
    return json.loads((SEED_DIR / f"{name}.json").read_text(encoding="utf-8"))


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip()


@pytest.fixture(scope="module")
def articles() -> str:
    files = sorted(ARTICLES.glob("*.txt"))
    if not files:
        pytest.skip(f"the source articles are not beside the repository ({ARTICLES})")
    return normalised("\n".join(path.read_text(encoding="utf-8") for path in files))


# --- what the articles say about each work ---------------------------------------------------------

# heading: how the article names the work; then the facts of works.json with their basis. A work's
# tags are exactly those whose basis is given: a tag read into a work from a general description
# ("titles like this ...") has none, and stays off.
WORKS = {
    "triangle-blue": {
        "heading": "1. Triangle Blue",
        "lines": ["Episodes: 2", "Aired: Apr. 2009 – Jan. 2010"],
        "couple": "a very happy, romantic relationship between Asato and Akane",
        "adult": "making Triangle Blue a true Netorare hentai",
        "tags": {
            "netorare": "Asato spends the anime loving Akane and believing she loves him back",
            "happy-couple": "Triangle Blue begins with what seems like a very happy, romantic relationship",
            "living-together": "finally they are living together",
            "hentai": "making Triangle Blue a true Netorare hentai",
            "infidelity": "Little does he know about Akane's affair on the side",
            "emotional-betrayal": "a well-established and strong love is broken by Akane's cheating",
            "unhappy-ending": "leading to a tragic reality in their perfect relationship",
        },
    },
    "ore-wa-kanojo-wo-shinjiteru": {
        "heading": "2. Ore wa Kanajo wo Sinjiteru!",
        "lines": ["Episodes: 1", "Aired: May 2011"],
        "couple": "Ore wa Kanojo wo Shinjiteru! is about the relationship between Kensuke and Ayumu",
        "adult": "When questioning leads to cheating, a hentai becomes an Netorare/NTR",
        "tags": {
            "netorare": "Ore wa Kanojo wo Shinjiteru! is a great example of this",
            "questioning-partner": "the more Kensuke finds himself questioning his new relationship with Ayumu",
            "long-distance-relationship": "The distance is what leads to Kensuke's questioning",
            "workplace": "there are four women at his new job",
            "insecurity": "Why does she want to be with him?",
            "jealousy": "What is she doing while she's alone?",
            "hentai": "When questioning leads to cheating, a hentai becomes an Netorare/NTR",
            "infidelity": "he is disloyal to his girlfriend",
        },
    },
    "kanojo-ga-mimai-ni-konai-wake": {
        "heading": "3. Kanojo ga Mimai ni Konai Wake",
        "lines": ["Episodes: 3", "Aired: Nov. 2010 – Jun. 2013"],
        "couple": "Kanojo ga Mimai ni Konai Wake is the story of Seiji and Ai",
        "adult": "Ai begins to satiate her lust elsewhere with a wide variety of men",
        "tags": {
            "netorare": "to satisfy any Netorare/NTR fan",
            "troubling-times": "a couple with their relationship currently being tested",
            "hospital": "bedridden in a hospital",
            "hentai": "Ai begins to satiate her lust elsewhere with a wide variety of men",
            "infidelity": "it drives her to cheat on Seiji",
            "guilt": "it's harder to break off a relationship without feeling guilty",
            "affair-in-same-room": "one time even right in the same hotel room Seiji is in",
        },
    },
    # All the articles give of this work is its (partial) title and that it is adult NTR media: no
    # format, date, couple or story, so the seeds give none either.
    "tsuma-netori-rei-boku-no-ayamachi-kanojo-no-sen": {
        "heading": "Tsuma Netori Rei Boku no Ayamachi Kanojo no Sen...",
        "lines": [],
        "couple": None,
        "adult": 'typically associated with adult-oriented Japanese media, specifically within the "NTR"',
        "tags": {
            "netori": "Tsuma Netori Rei Boku no Ayamachi Kanojo no Sen",
            "netorare": 'specifically within the "NTR" (Netori/Netorare) genre',
            "protagonists-mistake": "The core of this narrative usually begins with a protagonist",
        },
    },
}

# Where each tag's description and each term's definition comes from.
TAGS = {
    "netorare": "where a character experiences emotional distress after their romantic partner becomes involved",
    "netori": "A character takes someone else's partner",
    "netorase": "A consensual scenario involving partner sharing",
    "happy-couple": "a couple that for all intends and purposes seems to be fine",
    "questioning-partner": "at least one party has begun to question whether or not their relationship",
    "troubling-times": "troubling times between a couple easily set the stage for the cheating to occur",
    "protagonists-mistake": "making a significant error in judgment",
    "infidelity": "with a specific idea at its centre - cheating",
    "jealousy": "the feelings of jealousy, loss, and emotional betrayal that follow",
    "emotional-betrayal": "the emotional experience of loss and betrayal",
    "shift-in-power": "the protagonist loses his status within the relationship",
    "fear-of-loss": "the idea that one's most precious connection can be dismantled",
    "unhappy-ending": "end in depressed, regretful, and rage-filled characters rather than happy endings",
    "regret": "depressed, regretful, and rage-filled characters",
    "insecurity": "jealousy, insecurity, emotional dependency, and fear of abandonment",
    "guilt": "without feeling guilty",
    "long-distance-relationship": "A long distance relationship is possible of course",
    "hospital": "bedridden in a hospital",
    "living-together": "finally they are living together",
    "workplace": "four women at his new job",
    "hentai": "The sex in an Netorare hentai/NTR hentai",
    "affair-in-same-room": "one time even right in the same hotel room Seiji is in",
}
TERMS = {
    "netorare": "Netorare is a Japanese storytelling trope",
    "netori": '"Netori" specifically refers to the act of taking someone else\'s partner',
    "netorase": "A consensual scenario involving partner sharing",
    "hentai": "The sex in an Netorare hentai/NTR hentai",
    "visual-novel": "In visual novels, netorare can appear as one possible story route",
    "route": "Players may experience different outcomes depending on choices",
    "kanojo": 'the "Kanojo" (girlfriend/wife)',
    "trope": "It is better described as a storytelling trope or tag",
    "happy-couple": 'Thus, we bring you the "happy" couple',
    "questioning-partner": "The same rules apply in the questioning partner concept",
    "troubling-times": "troubling times between a couple easily set the stage for the cheating to occur",
    "protagonists-mistake": 'This "mistake" serves as the catalyst for the entire plot',
    "cheating": "with a specific idea at its centre - cheating",
    "shift-in-power": "A recurring element in titles like this is the shift in power",
    "fear-of-loss": 'explores the "fear of loss"',
    # The word as it opens the title. What it means (a wife) is the one fact here from outside the
    # articles: the dictionary meaning of the title's first word, which issue 13 asked the glossary
    # to give a newcomer.
    "tsuma": "Tsuma Netori Rei Boku no Ayamachi Kanojo no Sen",
}
# The works each term lists, and why: an article names the work as an example of it, or the
# term is a word of the work's title.
TERM_WORKS = {
    "netorare": set(WORKS),
    "netori": {"tsuma-netori-rei-boku-no-ayamachi-kanojo-no-sen"},
    "hentai": {"triangle-blue", "ore-wa-kanojo-wo-shinjiteru", "kanojo-ga-mimai-ni-konai-wake"},
    "kanojo": {
        "ore-wa-kanojo-wo-shinjiteru",
        "kanojo-ga-mimai-ni-konai-wake",
        "tsuma-netori-rei-boku-no-ayamachi-kanojo-no-sen",
    },
    "happy-couple": {"triangle-blue"},
    "questioning-partner": {"ore-wa-kanojo-wo-shinjiteru"},
    "troubling-times": {"kanojo-ga-mimai-ni-konai-wake"},
    "protagonists-mistake": {"tsuma-netori-rei-boku-no-ayamachi-kanojo-no-sen"},
    "tsuma": {"tsuma-netori-rei-boku-no-ayamachi-kanojo-no-sen"},
}


def section(articles: str, heading: str) -> str:
    """The part of the articles about one work: from its heading to the next numbered heading."""
    start = articles.index(heading)
    following = re.search(r" \d\. [A-Z]| Final Thoughts", articles[start + len(heading) :])
    return articles[start : start + len(heading) + (following.start() if following else 600)]


# --- the seeds hold exactly these facts ------------------------------------------------------------


def test_every_work_and_its_tags_have_a_basis_in_the_articles():
    works = {row["slug"]: row for row in seed("works")}
    assert set(works) == set(WORKS)
    for slug, row in works.items():
        assert {link["tag"] for link in row["tags"]} == set(WORKS[slug]["tags"]), slug


def test_a_work_the_articles_say_little_about_says_little():
    """Found in review: the Tsuma card said how its data was gathered, and its synopsis and four of its tags
    came from article 002's description of "titles like this"."""
    tsuma = next(row for row in seed("works") if row["slug"].startswith("tsuma-"))
    assert tsuma["synopsis"] == ""
    assert (tsuma["kind"], tsuma["episodes"], tsuma["aired_from"], tsuma["couple"]) == ("", None, None, "")
    tags = {link["tag"] for link in tsuma["tags"]}
    assert not tags & {"shift-in-power", "fear-of-loss", "infidelity", "emotional-betrayal"}


def test_every_tag_and_term_has_a_basis_and_every_term_work_a_reason():
    assert {row["slug"] for row in seed("tags")} == set(TAGS)
    terms = {row["slug"]: row for row in seed("terms")}
    assert set(terms) == set(TERMS)
    assert {slug: set(row["works"]) for slug, row in terms.items() if row["works"]} == TERM_WORKS


def test_jealousy_is_on_the_work_the_articles_show_it_in():
    """Found in review: jealousy, which article 001 puts at the core of netorare, was on no work."""
    carriers = {row["slug"] for row in seed("works") if "jealousy" in {link["tag"] for link in row["tags"]}}
    assert carriers == {"ore-wa-kanojo-wo-shinjiteru"}


def test_the_genre_ideas_of_the_articles_are_glossary_terms_linked_to_their_tags():
    """Found in review: tsuma, cheating, shift in power and fear of loss had no entry."""
    terms = {row["slug"]: row for row in seed("terms")}
    assert {"tsuma", "cheating", "shift-in-power", "fear-of-loss"} <= set(terms)
    assert "Infidelity" in terms["cheating"]["aliases"]
    tags = {row["slug"]: row for row in seed("tags")}
    assert (tags["infidelity"]["term"], tags["shift-in-power"]["term"], tags["fear-of-loss"]["term"]) == (
        "cheating",
        "shift-in-power",
        "fear-of-loss",
    )


def test_a_misspelling_is_not_an_alternative_title():
    """Found in review: article 000's "Ore wa Kanajo wo Sinjiteru!" was listed under "Also known as"."""
    for row in seed("works"):
        assert "Ore wa Kanajo wo Sinjiteru!" not in row["alternative_titles"]
        assert row["title"] not in [t.replace("...", "…") for t in row["alternative_titles"]], row["slug"]


@pytest.mark.django_db
def test_search_still_finds_a_work_by_the_misspelling():
    load_seeds()
    for viewer in (ANONYMOUS_VIEWER, Viewer(passed_age_gate=True)):
        found = [work.slug for work in search("Ore wa Kanajo wo Sinjiteru!", viewer).works]
        assert found[:1] == ["ore-wa-kanojo-wo-shinjiteru"]


def test_triangle_blue_is_an_example_not_the_standard_one():
    happy = next(row for row in seed("terms") if row["slug"] == "happy-couple")
    assert "Triangle Blue" in happy["body"]
    assert "standard example" not in happy["body"]


# --- ... and they trace to the articles ------------------------------------------------------------


def test_each_basis_is_in_the_articles(articles):
    quotes = [*TAGS.values(), *TERMS.values()]
    for facts in WORKS.values():
        quotes += [facts["heading"], facts["adult"], *facts["tags"].values()]
        quotes += [facts["couple"]] if facts["couple"] else []
    missing = [quote for quote in quotes if normalised(quote) not in articles]
    assert missing == []


@pytest.mark.parametrize("slug", [slug for slug, facts in WORKS.items() if facts["lines"]])
def test_episodes_dates_and_couple_are_the_articles(articles, slug):
    row = next(row for row in seed("works") if row["slug"] == slug)
    facts = WORKS[slug]
    part = section(articles, facts["heading"])

    def month(value: str) -> str:
        date = datetime.date.fromisoformat(f"{value}-01")
        return date.strftime("%b") + ("." if date.strftime("%b") != "May" else "")

    aired = f"{month(row['aired_from'])} {row['aired_from'][:4]}"
    if row["aired_until"]:
        aired += f" – {month(row['aired_until'])} {row['aired_until'][:4]}"
    assert facts["lines"] == [f"Episodes: {row['episodes']}", f"Aired: {aired}"]
    for line in facts["lines"]:
        assert line in part
    for name in row["couple"].split(" and "):
        assert name in facts["couple"]


def test_the_names_in_seed_texts_are_the_articles(articles):
    """No character, place or title a reader sees is invented: every capitalised word of a synopsis,
    note, description or definition that does not start a sentence is one the articles use."""
    invented = set()
    for where, text in seed_texts():
        for match in re.finditer(r"(?<![.:!?] )(?<!^)(?<!\n)\b[A-Z][a-z]+\b", text):
            if match.group(0) not in articles:
                invented.add(f"{where}: {match.group(0)}")
    assert invented == set()


# --- how the data was gathered stays out of sight -------------------------------------------------

GATHERING = re.compile(
    r"\b(sources?|articles?|commentators?|according to|accounts differ|example given|the example in|"
    r"partially known|known only|only part of|catalogue|is described|are described|standard example)\b",
    re.I,
)


def seed_texts():
    """Every string a reader may see, with where it is in the seed files."""

    def walk(value, where):
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, list):
            for i, item in enumerate(value):
                yield from walk(item, f"{where}[{i}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in {"slug", "tag", "term", "parent", "related", "works", "category", "kind", "age_rating"}:
                    yield from walk(item, f"{where}.{key}")

    for name in ("works", "tags", "terms"):
        for row in seed(name):
            yield from walk(row, f"{name}.json:{row['slug']}")


def test_no_seed_text_says_how_the_data_was_gathered():
    """Found in review: "the source gives no format", "The source's example of this setup", "In the
    sources behind ntrdb"."""
    told = [f"{where}: {GATHERING.search(text).group(0)!r}" for where, text in seed_texts() if GATHERING.search(text)]
    assert told == []


def test_the_gathering_check_catches_an_editors_note():
    for note in (
        "The source's example of this setup.",
        "In the sources behind ntrdb, hentai means ...",
        "Only part of this title is known.",
        "Kanojo ga Mimai ni Konai Wake is the example given.",
    ):
        assert GATHERING.search(note), note
