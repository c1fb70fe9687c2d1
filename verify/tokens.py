"""Word tokens of normalised text, with offsets, and the light word classes the judge uses."""

from __future__ import annotations

import re
from typing import NamedTuple

from verify.normalize import CF_CLASS, strip_invisible

# A word: letters, digits, marks and format characters (kept so that a zero-width
# space inside a word stays visible to the comparison), joined by internal
# apostrophes, hyphens, periods (U.S.), commas and colons between digits (5,000 / 9:30).
_W = rf"[\w{CF_CLASS}]"
TOKEN_RE = re.compile(rf"{_W}+(?:(?:['.\-]|(?<=\d)[,:](?=\d)){_W}+)*\.?")


class Token(NamedTuple):
    """A word of normalised text (a tuple: cheap to make by the hundred thousand)."""

    text: str  # as in the normalised text
    key: str  # comparison key: case-folded
    start: int  # normalised offsets
    end: int
    #: A sign the word does not hold but its number needs: "%" right after it, a currency sign
    #: right before it ("$", "€", "£", "¥"), "/" where a fraction goes on ("3/4", "4-3/4").
    mark: str = ""


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens of normalised ``text[start:end]`` (punctuation is not a token)."""
    out = []
    for m in TOKEN_RE.finditer(text, start, len(text) if end is None else end):
        word = m.group()
        if word[-1] == "." and word.count(".") < 2:  # "end." loses its stop; "U.S." keeps it
            word = word[:-1]
        s = m.start()
        out.append(Token(word, word.casefold(), s, s + len(word), _mark(text, s, s + len(word))))
    return out


#: Currency signs a number may carry (its ``mark``).
CURRENCY_SIGNS = "$\u20ac\u00a3\u00a5"


def _mark(text: str, start: int, end: int) -> str:
    if not text[start].isdigit():
        return ""
    after = text[end : end + 2]
    if after[:1] == "%":
        return "%"
    if after[:1] == "/" and after[1:2].isdigit():
        return "/"
    if start and text[start - 1] in CURRENCY_SIGNS:
        return text[start - 1]
    return ""


def _is_abbreviation(word: str) -> bool:
    """ "U.S." keeps its final period; "end." does not."""
    return word.count(".") >= 2


STOPWORDS = frozenset(
    """a an the and or but nor so yet of to in on at by for with from into onto upon about
    as than then that this these those there here which who whom whose what when where why how
    is are was were be been being am do does did done has have had having will would shall
    should can could may might must it its it's itself he him his himself she her hers herself
    they them their theirs themselves we us our ours ourselves i me my mine myself you your yours
    also too very just only even still both either each every all any some such other another
    more most much many own same not no up out over under again further once s
    said says say stated states told tells added adds according""".split()
)

PRONOUNS = frozenset(
    """i me my mine myself we us our ours ourselves you your yours yourself yourselves
    he him his himself she her hers herself it its itself they them their theirs themselves
    one ones this that these those""".split()
)

NEGATIONS = frozenset(
    """not no never none nobody nothing neither nor nowhere without cannot can't won't don't
    doesn't didn't isn't aren't wasn't weren't hasn't haven't hadn't shouldn't wouldn't
    couldn't mustn't n't""".split()
)

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
    "dozen": 12,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "half": 0.5,
    "twice": 2,
    "double": 2,
    "triple": 3,
}

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())

_NUM_RE = re.compile(r"^\d+(?:[.,:]\d+)*$")


def number_value(key: str) -> float | None:
    """The number a token names ("5", "5,000", "five"), else None."""
    k = key.casefold()
    if _NUM_RE.match(k):
        try:
            return float(k.replace(",", "")) if ":" not in k else None
        except ValueError:
            return None
    value = NUMBER_WORDS.get(k)
    return float(value) if value is not None else None


def is_number(key: str) -> bool:
    return number_value(key) is not None or bool(_NUM_RE.match(key))


def is_negation(key: str) -> bool:
    return key.casefold() in NEGATIONS or key.casefold().endswith("n't")


#: Words a quotation may not drop at an ellipsis: dropped, they change what it says (a
#: condition, a possibility, an obligation), as a negation or a number does.
ELISION_WORDS = frozenset("if unless may might could would should must can cannot".split())


def changes_meaning(key: str) -> bool:
    """Whether dropping this word changes what a sentence says (negation, number, condition,
    modal); "without" heads a phrase that goes with it ("and without delay")."""
    k = key.casefold()
    return (is_negation(k) and k != "without") or is_number(k) or k in ELISION_WORDS


def is_pronoun(key: str) -> bool:
    return key.casefold() in PRONOUNS


def is_name(text: str) -> bool:
    """A capitalised word or an acronym (a proper name, roughly)."""
    t = strip_invisible(text)
    return bool(t) and t[0].isupper() and t.casefold() not in STOPWORDS


def is_content(key: str) -> bool:
    return key not in STOPWORDS and any(c.isalnum() for c in key)


def stem(key: str) -> str:
    """A light stem for lexical support: plural and possessive endings, -ed/-ing."""
    k = strip_invisible(key.casefold())
    for suffix in ("'s", "s'"):
        if k.endswith(suffix):
            k = k[: -len(suffix)] or k
    if len(k) > 5 and k.endswith("ies"):
        return k[:-3] + "y"
    if len(k) > 5 and k.endswith("ing"):
        return k[:-3]
    if len(k) > 4 and k.endswith("ed"):
        return k[:-2]
    if len(k) > 3 and k.endswith("es") and k[-3] in "sxz":
        return k[:-2]
    if len(k) > 3 and k.endswith("s") and not k.endswith("ss"):
        return k[:-1]
    return k
