"""How well a stored name matches a query: rank bands, the any-order words and typo distance."""

from catalog.models import SearchEntry
from catalog.search.backends import FUZZY_THRESHOLD, trigrams
from catalog.search.folding import WORD, fold

# Rank bands, best first: exact title, title prefix, title elsewhere, other names, every word
# of the query in another order, typo matches.
EXACT, PREFIX, CONTAINS, OTHER_NAME, ALL_WORDS, FUZZY = range(6)

# Words shorter than this (particles, mostly) are left out of the any-order lookup.
SHORTEST_WORD = 3


def query_words(query: str) -> list[str]:
    """The query's words, each folded, for finding names that hold them all in another order."""
    words = (fold(word) for word in WORD.findall(query))
    return list(dict.fromkeys(word for word in words if len(word) >= SHORTEST_WORD))


def name_rank(needle: str, field: int, text: str) -> float:
    if field == SearchEntry.Field.PRIMARY:
        if text == needle:
            return EXACT
        if text.startswith(needle):
            return PREFIX
        return CONTAINS
    return OTHER_NAME


def typos_allowed(needle: str) -> int:
    """One typo from five letters, two from nine: shorter queries would match too much."""
    return 0 if len(needle) < 5 else 1 if len(needle) < 9 else 2


def typo_distance(needle: str, text: str) -> int:
    """The fewest one-letter edits (insert, delete, change, swap two neighbours) that turn the
    needle into some part of the text: Sellers' approximate substring matching."""
    m = len(needle)
    before_previous = None
    previous = list(range(m + 1))  # column for the empty text prefix
    best = m
    for j, letter in enumerate(text):
        current = [0] * (m + 1)  # a match may start anywhere in the text
        for i in range(1, m + 1):
            # Written out rather than with min(): this loop is most of a typo search's time.
            value = previous[i - 1] + (needle[i - 1] != letter)
            if previous[i] + 1 < value:
                value = previous[i] + 1
            if current[i - 1] + 1 < value:
                value = current[i - 1] + 1
            if (
                before_previous is not None
                and i > 1
                and needle[i - 1] == text[j - 1]
                and needle[i - 2] == letter
                and before_previous[i - 2] + 1 < value
            ):
                value = before_previous[i - 2] + 1
            current[i] = value
        if current[m] < best:
            best = current[m]
        before_previous, previous = previous, current
    return best


def typo_rank(needle: str, text: str) -> float | None:
    """Where a name found by the typo-tolerant lookup ranks, or None if it is too far off.

    A name qualifies when it shares most of the query's trigrams (FUZZY_THRESHOLD) or holds
    the query within ``typos_allowed`` edits; fewer edits rank first.
    """
    wanted = trigrams(needle)
    shared = len(wanted & trigrams(text))
    similarity = shared / len(wanted) if wanted else 0.0
    allowed = typos_allowed(needle)
    # Each edit spoils at most four of the query's trigrams (a swap of neighbours does), so a
    # name sharing fewer than this cannot hold the query within the allowed edits.
    if similarity < FUZZY_THRESHOLD and shared < len(wanted) - 4 * allowed:
        return None
    distance = typo_distance(needle, text)
    if distance > allowed and similarity < FUZZY_THRESHOLD:
        return None
    return FUZZY + min(distance, allowed + 1) / 10 + (1 - similarity) / 100
