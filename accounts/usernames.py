"""Usernames that look like another: the Unicode confusable skeleton and mixed scripts (UTS #39).

``skeleton(name)`` maps every character to the prototype of its confusable class in the
Unicode confusables table (shipped by ``confusable_homoglyphs``), so that Cyrillic "аdult",
"adu1t" and "ADULT" all share the skeleton of "adult". The User model stores each member's
skeleton and refuses a username whose skeleton another member already has.

``mixes_scripts(name)`` is UTS #39's "highly restrictive" rule: one script, or Latin with the
scripts written together in Japanese (Han, Hiragana, Katakana), Chinese (Han, Bopomofo) or
Korean (Han, Hangul). Digits and punctuation belong to every script.
"""

import functools
import json
import unicodedata
from pathlib import Path

import confusable_homoglyphs
from confusable_homoglyphs import categories

_TABLE = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
# Right-to-left characters are stored wrapped in LEFT-TO-RIGHT MARKs, for display only.
_DISPLAY_MARKS = "\u200e\u200f"

_ANY_SCRIPT = {"COMMON", "INHERITED"}
_ALLOWED_MIXES = [
    {"LATIN", "HAN", "HIRAGANA", "KATAKANA"},
    {"LATIN", "HAN", "BOPOMOFO"},
    {"LATIN", "HAN", "HANGUL"},
]


@functools.cache
def _prototypes() -> dict[str, str]:
    """Character -> the string that stands for its whole confusable class.

    The table lists, for each prototype, the characters confusable with it, and for each of
    those its prototype; the classes are the connected groups. A class's representative is
    its one multi-character member when it has one ("m" is confusable with "rn"), else its
    lowest code point: any fixed choice does, since skeletons are only compared.
    """
    with open(_TABLE, encoding="utf-8") as file:
        table: dict[str, list[dict[str, str]]] = json.load(file)
    parent: dict[str, str] = {}

    def find(item: str) -> str:
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for key, homoglyphs in table.items():
        for homoglyph in homoglyphs:
            first, second = find(key.strip(_DISPLAY_MARKS)), find(homoglyph["c"].strip(_DISPLAY_MARKS))
            if first != second:
                parent[second] = first
    classes: dict[str, list[str]] = {}
    for item in parent:
        if item:
            classes.setdefault(find(item), []).append(item)
    prototypes: dict[str, str] = {}
    for members in classes.values():
        representative = min(members, key=lambda member: (len(member) == 1, member))
        for member in members:
            if len(member) == 1 and member != representative:
                prototypes[member] = representative
    return prototypes


def _map(text: str) -> str:
    prototypes = _prototypes()
    return unicodedata.normalize("NFD", "".join(prototypes.get(char, char) for char in text))


def skeleton(name: str) -> str:
    """One string for every username that looks like ``name``, case included."""
    text = _map(unicodedata.normalize("NFKD", name))
    return _map(text.casefold())


def scripts(name: str) -> set[str]:
    return {categories.alias(char) for char in name} - _ANY_SCRIPT


def mixes_scripts(name: str) -> bool:
    used = scripts(name)
    return len(used) > 1 and not any(used <= allowed for allowed in _ALLOWED_MIXES)
