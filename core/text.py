import re
import unicodedata


def split_lines(text: str) -> list[str]:
    """The non-blank lines of a one-per-line admin field (aliases, alternative titles), stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


# Ignored at the start of a name when it is filed and sorted ("The “happy” couple" files under H).
LEADING_ARTICLES = frozenset({"the", "a", "an"})
_APOSTROPHES = re.compile(r"['’ʼ]")
_NOT_WORD = re.compile(r"[\W_]+")


def _without_latin_accents(text: str) -> str:
    out = []
    for char in unicodedata.normalize("NFKC", text):
        decomposed = unicodedata.normalize("NFKD", char)
        # é -> e, ō -> o; kana and other scripts keep their marks.
        out.append("".join(c for c in decomposed if not unicodedata.combining(c)) if decomposed[:1].isascii() else char)
    return "".join(out)


def sort_key(name: str) -> str:
    """How a name is filed and sorted: case, accents, punctuation and a leading article ignored.

    "The “happy” couple" -> "happy couple", "The protagonist's mistake" -> "protagonists mistake".
    A name that is only an article ("A") or only punctuation keeps what it has.
    """
    text = _APOSTROPHES.sub("", _without_latin_accents(name).casefold())
    words = _NOT_WORD.sub(" ", text).split()
    if len(words) > 1 and words[0] in LEADING_ARTICLES:
        words = words[1:]
    return " ".join(words) or name.casefold().strip()


def filing_letter(key: str) -> str:
    """The A-Z section a sort key files under: its first letter, or "#" for digits, symbols and other scripts."""
    first = key[:1].upper()
    return first if first.isascii() and first.isalpha() else "#"
