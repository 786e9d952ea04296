"""Members sign up, review, comment and reply, report, and keep tags they never want to see."""

import re

from playwright.sync_api import expect

from community import services
from community.models import Status
from glossary.models import Term
from tests.builders import PASSWORD, make_member
from tests.e2e.journeys import log_in, sign_up


def test_sign_up_write_a_review_and_see_it_in_the_score_chart(visitor, catalog):
    page = visitor.page
    sign_up(visitor, "newreader")
    assert visitor.path == "/accounts/profile/"

    visitor.visit("/works/lantern-festival/")
    reviews = page.get_by_role("region", name="Reviews")
    expect(reviews.locator(".score-big")).to_contain_text("8.0/10 from 3 votes")
    chart = reviews.get_by_role("img", name=re.compile("Score distribution"))
    expect(chart).to_have_accessible_name(re.compile(r"\b10: 0\b"))

    write = reviews.locator("details.write-review")
    if not write.get_attribute("open"):
        write.locator("summary").click()
    reviews.get_by_label("Your score", exact=True).select_option(label="10 / 10")
    reviews.get_by_label("Your review").fill("The last episode at the festival finally lets them say it all out loud.")
    with visitor.lands():
        reviews.get_by_role("button", name="Post review").click()

    expect(page.get_by_role("status")).to_contain_text("Your review was posted.")
    reviews = page.get_by_role("region", name="Reviews")
    expect(reviews.locator(".score-big")).to_contain_text("8.5/10 from 4 votes")
    expect(reviews.get_by_role("img", name=re.compile("Score distribution"))).to_have_accessible_name(
        re.compile(r"\b10: 1\b")
    )
    expect(reviews.locator(".score-chart__bar--filled")).to_have_count(4)
    own = reviews.get_by_role("article", name=re.compile("newreader"))
    expect(own).to_contain_text("finally lets them say it all out loud")
    expect(own.get_by_label("Score 10 out of 10")).to_be_visible()
    expect(page.get_by_role("complementary", name="Facts")).to_contain_text("8.5 / 10")


def test_comment_on_a_glossary_entry_and_reply_to_another_member(visitor, catalog):
    page = visitor.page
    other = catalog.reviewers[0]
    services.comment_create(
        author=other,
        term=Term.objects.get(slug="netorare"),
        body="Triangle Blue is the one that made this click for me.",
    )
    make_member("commenter")
    log_in(visitor, "commenter", next_path="/glossary/netorare/")

    comments = page.get_by_role("region", name="Comments")
    comments.get_by_label("Comment").fill("The comparison table helped me tell netori and netorare apart.")
    comments.get_by_label("Favourite work (optional)").fill("Summer Station")
    with visitor.lands():
        comments.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("status")).to_contain_text("Your comment was posted.")
    comments = page.get_by_role("region", name="Comments")
    mine = comments.get_by_role("article", name="commenter")
    expect(mine).to_contain_text("helped me tell netori and netorare apart")
    expect(mine.get_by_role("link", name="Summer Station")).to_be_visible()

    thread = comments.locator(".thread", has=page.get_by_role("article", name=other.username))
    thread.get_by_text("Reply", exact=True).click()
    thread.get_by_label(f"Your reply to {other.username}").fill("Same here, the second episode especially.")
    with visitor.lands():
        thread.get_by_role("button", name="Post reply").click()
    thread = page.locator(".thread", has=page.get_by_role("article", name=other.username))
    reply = thread.locator(".comment--reply")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("commenter")
    expect(reply).to_contain_text("the second episode especially")


def test_a_reported_comment_is_hidden_by_a_curator_in_the_admin(open_tab, catalog, curators_group):
    author = catalog.reviewers[1]
    comment = services.comment_create(
        author=author, term=Term.objects.get(slug="netori"), body="Buy cheap watches at my shop, link in profile!"
    )
    make_member("reporter")
    curator = make_member("curator", is_staff=True)
    curator.groups.add(curators_group)

    member = open_tab()
    page = member.page
    log_in(member, "reporter", next_path="/glossary/netori/")
    spam = page.get_by_role("article", name=author.username)
    with member.lands():
        spam.get_by_role("link", name="Report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Report a comment by {author.username}")
    page.get_by_label("Spam").check()
    page.get_by_label("Details (optional)").fill("Advertising.")
    with member.lands():
        page.get_by_role("button", name="Send report").click()
    assert member.path.startswith("/glossary/netori/")
    expect(page.get_by_role("status")).to_contain_text("A curator will look at this post.")

    desk = open_tab()
    admin = desk.page
    desk.visit("/admin/login/?next=/admin/")
    admin.get_by_label("Username").fill("curator")
    admin.get_by_label("Password").fill(PASSWORD)
    with desk.lands():
        admin.get_by_role("button", name="Log in").click()
    with desk.lands():
        admin.get_by_role("link", name="Reports", exact=True).click()
    row = admin.get_by_role("row", name=re.compile("Spam"))
    row.get_by_role("checkbox").check()
    admin.get_by_label("Action:").select_option(label="Hide the reported posts")
    admin.get_by_label("Why").fill("Spam link.")
    with desk.lands():
        admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("Hid 1 reported post(s).")

    comment.refresh_from_db()
    assert comment.status == Status.HIDDEN
    member.visit("/glossary/netori/")
    expect(page.get_by_role("region", name="Comments")).not_to_contain_text("cheap watches")


def test_hidden_tag_preferences_remove_works_from_lists(visitor, catalog):
    page = visitor.page
    make_member("picky")
    log_in(visitor, "picky", next_path="/works/")
    expect(page.locator(".work-card", has_text="Summer Station")).to_have_count(1)

    visitor.visit("/accounts/profile/")
    page.get_by_role("group", name="Hidden tags (deal-breakers)").get_by_label("Long-distance relationship").check()
    with visitor.lands():
        page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("Your preferences were saved.")

    visitor.visit("/works/")
    # Summer Station and one of the seeded 18+ works carry the tag.
    expect(page.locator(".work-card", has_text="Summer Station")).to_have_count(0)
    expect(page.locator(".work-card", has_text="Ore wa Kanojo wo Shinjiteru!")).to_have_count(0)
    expect(page.locator(".work-card", has_text="Lantern Festival")).to_have_count(1)
    expect(page.locator(".notice")).to_contain_text("2 works are hidden by your tag preferences")

    visitor.visit("/tags/jealousy/")
    expect(page.locator(".work-card", has_text="Summer Station")).to_have_count(0)
    visitor.visit("/search/?q=summer+station")
    expect(page.locator(".work-card", has_text="Summer Station")).to_have_count(0)

    visitor.visit("/works/")
    with visitor.lands():
        page.get_by_role("link", name="Show them this once").click()
    expect(page.locator(".work-card", has_text="Summer Station")).to_have_count(1)
