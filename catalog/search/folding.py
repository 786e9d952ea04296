"""Folding: names and queries reduced to the one form both sides of a search are compared in.

Case, accents, punctuation and the common romanisation variants of Japanese must not decide
whether something is found.
"""

import re
import unicodedata

# Applied in order to each word: Hepburn spellings fold to Kunrei-shiki, long vowels to short.
_ROMANISATION_RULES = [
    ("shi", "si"),
    ("sh", "sy"),
    ("chi", "ti"),
    ("ch", "ty"),
    ("tsu", "tu"),
    ("ji", "zi"),
    ("j", "zy"),
    ("fu", "hu"),
    ("ou", "o"),
    ("oo", "o"),
    ("uu", "u"),
    ("aa", "a"),
    ("ii", "i"),
    ("ee", "e"),
]
# Particles as written by sound versus by kana.
_PARTICLES = {"wo": "o", "ha": "wa", "he": "e"}
WORD = re.compile(r"[^\W_]+")


def _strip_latin_accents(text: str) -> str:
    out = []
    for char in unicodedata.normalize("NFKC", text):
        decomposed = unicodedata.normalize("NFKD", char)
        if decomposed[:1].isascii():
            # ō -> o, é -> e; kana keep their voicing marks.
            out.append("".join(c for c in decomposed if not unicodedata.combining(c)))
        else:
            out.append(char)
    return "".join(out)


def fold(text: str) -> str:
    """Reduce a name or query to the form both sides are compared in."""
    words = WORD.findall(_strip_latin_accents(text).casefold())
    folded = []
    for word in words:
        word = _PARTICLES.get(word, word)
        if word.isascii():
            for old, new in _ROMANISATION_RULES:
                word = word.replace(old, new)
        folded.append(word)
    return "".join(folded)
