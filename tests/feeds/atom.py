"""Reading Atom feeds in tests: parse with xml.etree and check what RFC 4287 requires."""

import xml.etree.ElementTree as ET
from datetime import datetime

ATOM = "{http://www.w3.org/2005/Atom}"


def parse_feed(response) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert_valid_atom(root)
    return root


def _assert_absolute(url: str) -> None:
    assert url.startswith(("http://", "https://")), url


def _assert_timestamp(element: ET.Element, name: str) -> None:
    text = element.findtext(f"{ATOM}{name}")
    assert text, f"missing <{name}>"
    datetime.fromisoformat(text)  # RFC 3339


def assert_valid_atom(root: ET.Element) -> None:
    """The elements RFC 4287 requires of a feed and of each entry, with unique entry ids."""
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title")
    assert root.findtext(f"{ATOM}id")
    _assert_timestamp(root, "updated")
    rels = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    _assert_absolute(rels["alternate"])
    _assert_absolute(rels["self"])
    ids = []
    for entry in entries(root):
        assert entry.findtext(f"{ATOM}title")
        ids.append(entry.findtext(f"{ATOM}id"))
        _assert_timestamp(entry, "updated")
        _assert_absolute(entry_link(entry))
    assert all(ids) and len(set(ids)) == len(ids), ids


def entries(root: ET.Element) -> list[ET.Element]:
    return root.findall(f"{ATOM}entry")


def entry_titles(root: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in entries(root)]


def entry_link(entry: ET.Element) -> str:
    return next(link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate")


def entry_summary(entry: ET.Element) -> str:
    """The summary as the feed reader gets it: with type="html", this text is parsed as HTML."""
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    return summary.text or ""


def entry_categories(entry: ET.Element) -> list[str]:
    return [category.get("term") for category in entry.findall(f"{ATOM}category")]


def entry_by_title(root: ET.Element, title: str) -> ET.Element:
    matches = [entry for entry in entries(root) if entry.findtext(f"{ATOM}title") == title]
    assert len(matches) == 1, f"expected one entry titled {title!r}, found {len(matches)}"
    return matches[0]
