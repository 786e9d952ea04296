"""A member imports the MyAnimeList file shipped with the tests, checks the summary, confirms, and
exports the list back as MyAnimeList XML."""

import xml.etree.ElementTree as ET

from playwright.sync_api import expect

from tests.builders import make_member
from tests.e2e.journeys import log_in
from tests.lists.transfer import MAL_EXPORT, make_catalog


def test_import_a_myanimelist_export_then_export_it_back(visitor, live_server):
    works = make_catalog()
    make_member("importer")
    page = visitor.page
    log_in(visitor, "importer", next_path="/members/importer/list/import/")

    page.get_by_label("MyAnimeList export").set_input_files(str(MAL_EXPORT))
    with visitor.lands():
        page.get_by_role("button", name="Read the file").click()

    expect(page.get_by_role("heading", name="Check the import")).to_be_visible()
    expect(page.get_by_text("Nothing has been written yet")).to_be_visible()
    not_found = page.get_by_role("region", name="Not found")
    expect(not_found).to_contain_text("No Such Show Anywhere")
    ambiguous = page.get_by_role("group", name="“Twin Title” in your file")
    expect(ambiguous.get_by_role("radio", name="Skip this entry")).to_be_checked()
    ambiguous.get_by_role("radio", name="Twin Title Anime, 12 episodes").check()
    with visitor.lands():
        page.get_by_role("button", name="Import into my list").click()

    expect(page.get_by_text("Import done: 6 added, 0 updated, 0 unchanged, 1 not imported.")).to_be_visible()

    visitor.visit("/members/importer/list/export/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="MyAnimeList XML, anime").click()
    download = download_info.value
    assert download.suggested_filename == "ntrdb-importer-animelist.xml"
    root = ET.parse(download.path()).getroot()
    titles = {entry.findtext("series_title") for entry in root.findall("anime")}
    assert titles == {
        "Hiru no Kaze",
        "Summer Wind Story",
        "Twin Title",
        "Kimi no Tōkyō",
        "Triangle Blue",
        "Kaette Kita Natsu",
    }
    twin = next(entry for entry in root.findall("anime") if entry.findtext("series_title") == "Twin Title")
    assert twin.findtext("series_episodes") == str(works["twin_b"].episodes)
    assert twin.findtext("my_status") == "Plan to Watch"
