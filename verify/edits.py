"""Word edits of a quotation: what kind each is (case, spelling, punctuation, homoglyph,
invisible; pronoun, name, number, negation, word) and whether it is cosmetic."""

from __future__ import annotations

import re
from collections.abc import Sequence

from verify.normalize import describe_char, has_invisible, strip_invisible
from verify.tokens import MONTHS, WEEKDAYS, is_name, is_negation, is_pronoun, number_value

#: Edits that change how words are written, not what they say: listed, never a finding.
COSMETIC_KINDS = frozenset({"case", "punctuation", "spelling", "abbreviation", "number-form"})

#: Standard abbreviations and the words they stand for ("Rev. Pinckney" = "Reverend
#: Pinckney"): the same words in another notation. Keys are case-folded, without dots.
ABBREVIATIONS: dict[str, str] = {
    "rev": "reverend",
    "gov": "governor",
    "sen": "senator",
    "rep": "representative",
    "pres": "president",
    "sec": "secretary",
    "amb": "ambassador",
    "gen": "general",
    "adm": "admiral",
    "lt": "lieutenant",
    "col": "colonel",
    "sgt": "sergeant",
    "capt": "captain",
    "maj": "major",
    "dr": "doctor",
    "prof": "professor",
    "mr": "mister",
    "hon": "honorable",
    "atty": "attorney",
    "supt": "superintendent",
    "dept": "department",
    "govt": "government",
    "u.s": "united states",
    "us": "united states",
    "u.s.a": "united states of america",
    "usa": "united states of america",
    "u.k": "united kingdom",
    "uk": "united kingdom",
    "u.n": "united nations",
    "un": "united nations",
    "e.u": "european union",
    "eu": "european union",
    "jan": "january",
    "feb": "february",
    "mar": "march",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "sep": "september",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
    "mt": "mount",
    "ft": "fort",
}
#: Personal titles and months: written capitalised, they are abbreviations even without the
#: dot ("Rev Pinckney"); "us", "un" in lower case never are.
TITLES = frozenset(
    {
        "rev",
        "gov",
        "sen",
        "rep",
        "pres",
        "sec",
        "amb",
        "gen",
        "adm",
        "lt",
        "col",
        "sgt",
        "capt",
        "maj",
        "dr",
        "prof",
        "mr",
        "hon",
        "atty",
        "supt",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
    }
)
#: Contractions and their full forms ("we've"/"we have"): how the words are written.
CONTRACTIONS = {
    "n't": ("not",),
    "'re": ("are",),
    "'ve": ("have",),
    "'ll": ("will",),
    "'m": ("am",),
    "'d": ("would",),
    "'s": ("'s",),
}
#: After these words "is" and "has" may be written "'s" ("he's" = "he is" or "he has").
_S_HOSTS = frozenset(
    {"he", "she", "it", "that", "there", "what", "who", "here", "where", "how", "let"}
)
_IRREGULAR = {
    "can't": ("can", "not"),
    "won't": ("will", "not"),
    "shan't": ("shall", "not"),
    "cannot": ("can", "not"),
}
_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
}
_PERCENT = re.compile(r"(?<!\s)\s*(?:%|\bper\s*cent\b|\bpercent\b|\bpct\b)", re.IGNORECASE)
_FRACTION = re.compile(r"\b(\d+)[-\s](\d+)/(\d+)\b|\b(\d+)/(\d+)\b")
_ORDINAL_SUFFIX = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)
_NUMBER_SIGN = re.compile(r"\b(?:no|nr|num)\.?\s*(?=\d)", re.IGNORECASE)
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:[.'][^\W_]+)*\.?")


def _number_words(words: list[str]) -> list[str]:
    """Number words as digits: "two" -> "2", "twenty-five" -> "25", "two hundred" -> "200"."""
    from verify.tokens import NUMBER_WORDS

    out: list[str] = []
    run: list[float] = []

    def flush() -> None:
        if run:
            total, part = 0.0, 0.0
            for v in run:
                if v >= 1000:
                    total += max(part, 1) * v
                    part = 0
                elif v == 100:
                    part = max(part, 1) * v
                else:
                    part += v
            value = total + part
            out.append(str(int(value)) if value == int(value) else str(value))
            run.clear()

    for w in words:
        pieces = w.split("-")
        values = [
            NUMBER_WORDS.get(p)
            if p not in ("half", "double", "twice", "triple", "dozen", "first", "second")
            else None
            for p in pieces
        ]
        if all(v is not None for v in values) and w:
            run.extend(float(v) for v in values if v is not None)
            continue
        if w in _ORDINAL_WORDS:
            flush()
            out.append(str(_ORDINAL_WORDS[w]))
            continue
        flush()
        out.append(w)
    flush()
    return out


def notation_key(text: str) -> tuple[str, ...]:
    """Words as a notation-free key: case folded, abbreviations expanded, numbers as digits
    (number words, ordinals, "No. 1", fractions, percent signs), commas in numbers dropped."""
    t = strip_invisible(text)
    t = _NUMBER_SIGN.sub("number ", t)
    t = _FRACTION.sub(lambda m: _fraction(m), t)
    t = _ORDINAL_SUFFIX.sub(r"\1", t)
    t = _PERCENT.sub(" percent", t)
    words: list[str] = []
    for raw in _WORD.findall(t):
        if re.fullmatch(r"\d+(?:,\d{3})+(?:\.\d+)?", raw):
            raw = raw.replace(",", "")
        w = raw.rstrip(".").casefold()
        # an abbreviation is written as one: with a dot ("Rev.", "U.S.") or in capitals ("US");
        # "us" in lower case is the pronoun
        written = (
            "." in raw or (raw.isupper() and len(raw) > 1) or (raw[:1].isupper() and w in TITLES)
        )
        expanded = ABBREVIATIONS.get(w.replace(".", "")) if written else None
        words.extend(expanded.split() if expanded else _uncontract(w))
    for i in range(1, len(words)):
        if words[i] in ("is", "has") and words[i - 1] in _S_HOSTS:
            words[i] = "'s"
    return tuple(_number_words(words))


def _uncontract(word: str) -> list[str]:
    """ "we've" -> ["we", "have"], "can't" -> ["can", "not"], "he's" -> ["he", "'s"]."""
    if word in _IRREGULAR:
        return list(_IRREGULAR[word])
    for ending, full in CONTRACTIONS.items():
        if word.endswith(ending) and len(word) > len(ending):
            stem = word[: -len(ending)]
            if ending == "'s" and stem not in _S_HOSTS:
                return [word]  # a possessive ("God's"), not a contraction
            return [stem, *full]
    return [word]


def _fraction(m: re.Match[str]) -> str:
    if m.group(1):
        value = int(m.group(1)) + int(m.group(2)) / max(1, int(m.group(3)))
    else:
        value = int(m.group(4)) / max(1, int(m.group(5)))
    return f"{value:g}"


def notation_kind(article: str, source: str) -> str | None:
    """ "number-form" or "abbreviation" when ``article`` and ``source`` are the same words in
    another notation ("two"/"2", "20th"/"20", "No. 1"/"number one", "4-3/4 percent"/"4.75%",
    "Rev."/"Reverend", "U.S."/"United States"); None otherwise (a different value or word)."""
    if not article.strip() or not source.strip():
        return None
    a, s = notation_key(article), notation_key(source)
    if a != s:
        return None
    digits = any(ch.isdigit() for ch in article + source)
    from verify.tokens import NUMBER_WORDS

    numbers = digits or any(
        w.casefold().strip(".") in NUMBER_WORDS or w.casefold() in _ORDINAL_WORDS
        for w in (article + " " + source).replace("-", " ").split()
    )
    return "number-form" if numbers else "abbreviation"


_US_UK = (
    ("our", "or"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("isation", "ization"),
    ("ence", "ense"),
    ("tre", "ter"),
    ("ogue", "og"),
    ("lled", "led"),
    ("lling", "ling"),
)


def _spelling_key(word: str) -> str:
    w = re.sub(r"['.\-\s]", "", strip_invisible(word).casefold())
    for uk, us in _US_UK:
        if w.endswith(uk):
            w = w[: -len(uk)] + us
        w = w.replace(uk + "s", us + "s") if uk in ("ise", "yse") else w
    return w


def homoglyph_detail(article: str, source: str) -> str | None:
    """How ``article`` differs from ``source`` by confusable characters, if it does only that."""
    a, s = strip_invisible(article), strip_invisible(source)
    if len(a) != len(s) or a == s:
        return None
    from confusable_homoglyphs import confusables

    notes = []
    for ca, cs in zip(a, s, strict=True):
        if ca == cs:
            continue
        if ca.casefold() == cs.casefold():
            continue
        found = confusables.is_confusable(ca, greedy=True) or []
        alts = {h["c"] for item in found for h in item.get("homoglyphs", [])}
        found_s = confusables.is_confusable(cs, greedy=True) or []
        alts_s = {h["c"] for item in found_s for h in item.get("homoglyphs", [])}
        if cs not in alts and ca not in alts_s:
            return None
        notes.append(f"{describe_char(ca)} in place of {describe_char(cs)}")
    return "; ".join(notes) if notes else None


def classify_edit(article: Sequence[str], source: Sequence[str]) -> tuple[str, str | None]:
    """The kind of a word-level edit, and a detail for invisible and homoglyph edits."""
    a, s = " ".join(article), " ".join(source)
    if has_invisible(a):
        chars = sorted({c for c in a if strip_invisible(c) == ""})
        detail = ", ".join(describe_char(c) for c in chars)
        return "invisible", detail
    if article and source:
        hg = homoglyph_detail(a, s)
        if hg:
            return "homoglyph", hg
        if a.casefold() == s.casefold():
            return "case", None
        if _spelling_key(a) == _spelling_key(s):
            return "spelling", None
    words = [*article, *source]
    if any(is_negation(w) for w in words):
        return "negation", None
    if any(any(c.isdigit() for c in w) for w in words) or (
        any(number_value(w) is not None for w in article)
        and any(number_value(w) is not None for w in source)
    ):
        return "number", None
    if any(w.casefold() in MONTHS and w[:1].isupper() for w in words) or any(
        w.casefold() in WEEKDAYS for w in words
    ):
        return "number", None
    if any(is_pronoun(w) for w in words):
        return "pronoun", None
    if any(is_name(w) for w in words):
        return "name", None
    return "word", None
