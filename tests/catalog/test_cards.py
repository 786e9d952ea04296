"""Work cards (catalog/cards.py): what a card shows comes from the policy's rows, and nothing else."""

from accounts.viewer import ANONYMOUS_VIEWER
from catalog.cards import work_cards
from catalog.models import AgeRating, Work
from tests.builders import ADULT_SYNOPSIS, make_tag, make_work, tag_work


def test_a_locked_card_shows_the_title_and_year_only(db):
    work = make_work("Locked Title", age_rating=AgeRating.R18, synopsis=ADULT_SYNOPSIS, original_title="トライアングル")
    tag_work(work, make_tag("Open tag"))
    (card,) = work_cards(Work.objects.for_viewer(ANONYMOUS_VIEWER), ANONYMOUS_VIEWER)
    assert card.is_locked and card.title == "Locked Title"
    assert (card.synopsis, card.original_title, card.tags) == ("", "", ())
    assert card.cover.is_placeholder


def test_a_work_loaded_without_the_policy_counts_as_locked_when_it_is_18_plus(db):
    """A caller that forgets ``works_for_viewer`` gets locked cards for 18+ works, not an error."""
    make_work("Adult", age_rating=AgeRating.R18, synopsis=ADULT_SYNOPSIS)
    make_work("Everyone", age_rating=AgeRating.ALL, synopsis="Two friends drift apart.")
    cards = {card.title: card for card in work_cards(Work.objects.all(), ANONYMOUS_VIEWER)}
    assert cards["Adult"].is_locked and cards["Adult"].synopsis == ""
    assert not cards["Everyone"].is_locked and cards["Everyone"].synopsis == "Two friends drift apart."
