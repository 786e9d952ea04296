"""Hostile values for form fields, query parameters and path segments.

Every value is a ``str``; lone surrogates are allowed here and are turned into the
bytes a client could really send (CESU-style, via ``surrogatepass``) when encoded.
"""

import re

from hypothesis import strategies as st

HUGE = 100_000

# Values that have broken web apps before, by kind.
NASTY_NUMBERS = [
    "0",
    "-0",
    "-1",
    "1.5",
    "-1.5",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "0x10",
    "0o7",
    "1_000",
    "+3",
    " 7 ",
    "٣",
    "１２",
    "½",
    "Ⅻ",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999",
    "9" * 5000,
    "1" + "0" * 400,
    "0." + "0" * 300 + "1",
    "7.000000000000000000000000001",
    "1e2",
    "10.",
    ".5",
    "5,5",
    "1/2",
]
NASTY_TEXT = [
    "",
    " ",
    "\t\n\r ",
    "\u3000\u00a0\u2003",
    "\x00",
    "a\x00b",
    "\x00" * 64,
    "%00",
    "%",
    "%zz",
    "&",
    "=",
    "a=b&c",
    ";",
    "+",
    "?",
    "#",
    "/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil",
    "http://evil.example/",
    "javascript:alert(1)",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "' OR 1=1 --",
    '") OR ("1"="1',
    "*",
    '"',
    "NEAR(a b)",
    "a OR b",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "\u202eevil\u202c",
    "\u200f\u05e9\u05dc\u05d5\u05dd",
    "مرحبا",
    "e\u0301\u0301\u0301\u0301",
    "Z̷̢̛a̴l̵g̶o̷",
    "\ufeff",
    "\ufffd",
    "\uffff",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "👨‍👩‍👧‍👦",
    "🏳️‍🌈",
    "\U0010ffff",
    "寝取られ",
    "ＮＴＲ",
    "İ",
    "ß",
    "ǅ",
    "\ud800",
    "\udfff",
    "a\udc80b",
    "\r\nSet-Cookie: x=1",
    "null",
    "None",
    "undefined",
    "true",
    "[]",
    "{}",
]

# The values most likely to break something: every field gets each of them, and junk draws them often.
WORST_VALUES = ["", " \t", "a\x00b", "\ud800", "-1", "9" * 30, "9" * 5000, "x" * HUGE, "寝取られ 👨‍👩‍👧"]

SURROGATES = st.characters(categories=["Cs"])
ANY_CHAR = st.characters(codec=None)  # every code point but surrogates, astral planes included


def _repeat_to(size: int):
    return lambda unit: (unit * (size // len(unit) + 1))[:size]


def huge_text(size: int = HUGE):
    """A very long value, built by repeating a short random unit (generating 100k characters is slow)."""
    return st.text(ANY_CHAR | SURROGATES, min_size=1, max_size=8).map(_repeat_to(size))


def junk_text():
    """Any hostile string: random unicode, known-bad values, huge values, numbers that are not."""
    return st.one_of(
        st.sampled_from(WORST_VALUES),
        st.sampled_from(WORST_VALUES),
        st.sampled_from(NASTY_TEXT),
        st.sampled_from(NASTY_NUMBERS),
        st.text(ANY_CHAR | SURROGATES, max_size=40),
        st.text(st.sampled_from("\x00 \t\n%&=+;#?/\\'\"<>"), max_size=20),
        st.integers().map(str),
        st.floats().map(str),
        huge_text(),
        st.builds(lambda a, b: a + b, st.sampled_from(NASTY_TEXT + NASTY_NUMBERS), st.text(max_size=10)),
    )


def number_like():
    """Mostly numbers, some in range, many not."""
    return st.one_of(
        st.integers(min_value=-5, max_value=30).map(str),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.sampled_from(NASTY_NUMBERS),
    )


def value_for(plausible):
    """A field's value: plausible (from ``plausible``, a list or strategy) two times in three, else junk."""
    plausible = st.sampled_from(plausible) if isinstance(plausible, (list, tuple)) else plausible
    return st.one_of(plausible, plausible, junk_text())


def params(fields: dict, *, extra_keys: bool = True):
    """A list of (name, value) pairs: each known field omitted, given once, or repeated; plus unknown keys.

    ``fields`` maps a field name to the strategy for its values.
    """
    per_field = [
        st.lists(st.tuples(st.just(name), values), max_size=3)
        | st.lists(st.tuples(st.just(name), values), min_size=4, max_size=20)
        for name, values in fields.items()
    ]
    unknown = st.lists(st.tuples(junk_text(), junk_text()), max_size=3) if extra_keys else st.just([])
    return st.tuples(*per_field, unknown).map(lambda groups: [pair for group in groups for pair in group])


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def encode(value: str) -> str:
    """Percent-encode ``value`` as UTF-8; a lone surrogate becomes the invalid bytes a sloppy client sends.

    Every byte is escaped unless none needs to be (``bytes.hex`` is fast on 100k characters; ``quote`` is not).
    """
    if _UNRESERVED.fullmatch(value):
        return value
    data = value.encode("utf-8", "surrogatepass")
    return "%" + data.hex("%")


# The most a request carries, encoded: room for one 100k-character ASCII value, not for twenty; bigger
# requests only test how fast the machine copies memory (and proxies refuse long URLs anyway).
REQUEST_BUDGET = 150_000


def urlencode(pairs, budget: int = REQUEST_BUDGET) -> str:
    """Encode the pairs, cutting values short once the request would outgrow ``budget``."""
    encoded = []
    for key, value in pairs:
        key = encode(key)
        key, room = key[:budget], budget - len(key) - 2
        value = encode(value)
        if len(value) > room:
            # Cut at a character boundary: never in the middle of a %XX escape.
            value = value[: max(room, 0)]
            value = value[: value.rfind("%")] if "%" in value[-2:] else value
        encoded.append(f"{key}={value}")
        budget -= len(encoded[-1]) + 1
        if budget <= 0:
            break
    return "&".join(encoded)


def malformed_query():
    """Query strings no encoder produces: stray separators, broken escapes, keys without values."""
    raw = st.text(st.sampled_from("ab=&;%+?#0123456789zZ/\\\x7f"), max_size=40)
    return st.one_of(
        raw, st.sampled_from(["%", "%%", "%zz=1", "=", "&&&", "a", "a=%ff%fe", "=%00", "a=1&a", "page=%c0%ae"])
    )


def query_string(fields: dict):
    """The whole query string of a request: well-formed pairs, sometimes followed by malformed bits."""
    return st.one_of(
        params(fields).map(urlencode),
        st.tuples(params(fields).map(urlencode), malformed_query()).map("&".join),
    )


def encode_segment(text: str) -> str:
    """``text`` as one URL path segment: the test client unquotes the path once, so "/" is escaped twice."""
    return encode(text).replace("%2f", "%252f") or "%20"


def path_segment():
    """Junk for a slug, username or id in a URL path."""
    return st.one_of(
        junk_text(),
        st.sampled_from(NASTY_NUMBERS),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    ).map(encode_segment)
