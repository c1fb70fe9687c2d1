"""Deterministic disagreements between a claim and a source passage about the same thing:
a number with the same unit and period (compared by value: "about 1,500", "at least 1,750",
"$1.2 billion"; "a week" is not "a year"),
a date, a weekday, a negation or a word of the opposite sense; and, in a claim that repeats a
passage word for word, another name or another number (one with no unit too). Conflict kinds:
number, date, weekday, negation, word, name."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from verify.align import Op
from verify.edits import notation_kind
from verify.tokens import (
    CURRENCY_SIGNS,
    MONTHS,
    WEEKDAYS,
    Token,
    is_content,
    is_name,
    is_negation,
    number_value,
    stem,
)


@dataclass
class Conflict:
    article: str
    source: str
    kind: str


#: Words that make a number approximate or a bound, and how a value satisfies them.
_APPROX = frozenset(
    {
        "about",
        "around",
        "approximately",
        "roughly",
        "nearly",
        "almost",
        "some",
        "estimated",
        "circa",
        "close",
    }
)
_AT_LEAST = frozenset(
    {"least", "over", "more", "above", "exceeding", "older", "higher", "greater", "larger"}
)  # "at least", "more than", "over", "older than"
_AT_MOST = frozenset(
    {"most", "under", "less", "fewer", "below", "up", "younger", "lower", "smaller"}
)  # "at most", "less than", "up to", "younger than"
_SCALE = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "m": 1e6,
    "k": 1e3,
}
#: An approximate number ("about 1,500") agrees with a value within this share of it.
APPROX_TOLERANCE = 0.1


@dataclass(frozen=True)
class Number:
    value: float
    unit: str | None  # the content word after it ("troops", "percent"): what it counts
    pos: int  # token position
    bound: str  # "=", "~", ">=", "<="
    shown: str = ""  # as written, with its sign ("$1.5", "4-3/4", "5%")
    per: str | None = None  # the period of a rate ("300 a week" -> "week"): only like compares


#: Periods of a rate: "a week", "per year", "each day", "annually".
_PERIODS = frozenset(
    {"second", "minute", "hour", "day", "week", "month", "quarter", "year", "decade"}
)
_PER_WORDS = frozenset({"a", "an", "per", "each", "every"})
_PERIOD_ADVERBS = {
    "hourly": "hour",
    "daily": "day",
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
    "annually": "year",
    "yearly": "year",
}


def _period(tokens: Sequence[Token], after: int) -> str | None:
    """The period of a rate stated within the three words after position ``after``."""
    window = [t.key for t in tokens[after + 1 : after + 5]]
    for i, key in enumerate(window):
        if key in _PERIOD_ADVERBS:
            return _PERIOD_ADVERBS[key]
        if key in _PER_WORDS and i + 1 < len(window) and window[i + 1] in _PERIODS:
            return window[i + 1]
    return None


def _numbers(tokens: Sequence[Token]) -> list[Number]:
    """Every number of the tokens by value: scale words multiply ("1.2 billion"), and the
    words before it say whether it is exact, approximate or a bound ("about", "at least")."""
    out: list[Number] = []
    ends: list[int] = []
    skip = -1
    for i, t in enumerate(tokens):
        if i <= skip:
            continue
        v, j = _fraction(tokens, i)
        if v is None:
            v = number_value(t.key)
        if v is None or t.key in ("one", "first", "second", "half", "double") or t.key in _SCALE:
            continue
        while j + 1 < len(tokens) and tokens[j + 1].key in _SCALE:
            j += 1
            v *= _SCALE[tokens[j].key]
        skip = j
        before = {u.key for u in tokens[max(0, i - 2) : i]}
        bound = (
            "~"
            if before & _APPROX
            else ">="
            if before & _AT_LEAST
            else "<="
            if before & _AT_MOST
            else "="
        )
        nxt = _SIGN_UNIT.get(tokens[j].mark) or _SIGN_UNIT.get(t.mark)
        if nxt is None:
            nxt = next(
                (
                    stem(u.key)
                    for u in tokens[j + 1 : j + 3]
                    if is_content(u.key) and number_value(u.key) is None
                ),
                None,
            )
        shown = t.text + "".join("/" + u.text for u in tokens[i + 1 : j + 1] if u.key.isdigit())
        sign = tokens[j].mark if tokens[j].mark == "%" else ""
        if t.mark in CURRENCY_SIGNS:
            shown = t.mark + shown
        unit = _UNIT_WORDS.get(nxt, nxt) if nxt else None
        out.append(Number(v, unit, i, bound, shown + sign, _period(tokens, j)))
        ends.append(j)
    for k in range(len(out) - 2, -1, -1):  # "4-3/4 to 5 percent": a range's ends share a unit
        n, m = out[k], out[k + 1]
        between = [u.key for u in tokens[ends[k] + 1 : m.pos]]
        if n.unit is None and m.unit is not None and between in (["to"], ["and"], ["or"]):
            out[k] = replace(n, unit=m.unit)
    return out


#: The unit a sign gives a number ("5%", "$3"), and unit words that mean the same.
_SIGN_UNIT = {"%": "percent", "$": "dollar", "\u20ac": "euro", "\u00a3": "pound", "\u00a5": "yen"}
_UNIT_WORDS = {"pct": "percent", "dollars": "dollar", "euros": "euro", "pounds": "pound"}
_MIXED = re.compile(r"^(\d+)-(\d+)$")


def _fraction(tokens: Sequence[Token], i: int) -> tuple[float | None, int]:
    """A fraction or a mixed number written with a slash ("3/4", "4-3/4") starting at token
    ``i``: its value and the position of its last token; (None, i) otherwise."""
    t = tokens[i]
    if t.mark != "/" or i + 1 >= len(tokens) or not tokens[i + 1].key.isdigit():
        return None, i
    den = int(tokens[i + 1].key)
    mixed = _MIXED.match(t.key)
    if den == 0 or (mixed is None and not t.key.isdigit()):
        return None, i
    whole, num = (int(mixed.group(1)), int(mixed.group(2))) if mixed else (0, int(t.key))
    return whole + num / den, i + 1


def agrees(a: Number, b: Number) -> bool:
    """Whether two numbers about the same thing can both be true."""
    if a.value == b.value:
        return True
    for x, y in ((a, b), (b, a)):
        if x.bound == "~" and abs(x.value - y.value) <= APPROX_TOLERANCE * max(
            abs(x.value), abs(y.value)
        ):
            return True
        if x.bound == ">=" and y.value >= x.value:
            return True
        if x.bound == "<=" and y.value <= x.value:
            return True
    return False


def _dates(tokens: Sequence[Token]) -> set[tuple[int, int | None]]:
    out: set[tuple[int, int | None]] = set()
    for i, t in enumerate(tokens):
        m = MONTHS.get(t.key.rstrip("."))
        if m is None or not t.text[:1].isupper():
            continue
        day = None
        if (
            i + 1 < len(tokens)
            and tokens[i + 1].key.isdigit()
            and 1 <= int(tokens[i + 1].key) <= 31
        ):
            day = int(tokens[i + 1].key)
        out.add((m, day))
    return out


def find_conflicts(claim: Sequence[Token], source: Sequence[Token]) -> list[Conflict]:
    """Deterministic disagreements between a claim and a passage about the same thing:
    a number with the same unit, a date, a weekday, or negation."""
    conflicts: list[Conflict] = []
    src_numbers = _numbers(source)
    for n in _numbers(claim):
        if n.unit is None or any(agrees(n, m) for m in src_numbers):
            continue
        for m in src_numbers:
            if m.unit == n.unit and m.per == n.per and not agrees(n, m):
                conflicts.append(Conflict(n.shown, m.shown, "number"))
                break
    cd, sd = _dates(claim), _dates(source)
    for month, d in cd:
        if (month, d) in sd or (d is None and any(sm == month for sm, _ in sd)):
            continue
        other = [x for x in sd if d is not None and x[1] is not None]
        if other:
            month_names = {v: k.capitalize() for k, v in MONTHS.items() if len(k) > 3 or k == "may"}
            conflicts.append(
                Conflict(
                    f"{month_names[month]} {d}", f"{month_names[other[0][0]]} {other[0][1]}", "date"
                )
            )
    cw = {t.key for t in claim if t.key in WEEKDAYS}
    sw = {t.key for t in source if t.key in WEEKDAYS}
    if cw and sw and not (cw & sw):
        conflicts.append(
            Conflict(sorted(cw)[0].capitalize(), sorted(sw)[0].capitalize(), "weekday")
        )
    c_neg = [t for t in claim if is_negation(t.key)]
    s_neg = [t for t in source if is_negation(t.key)]
    if bool(c_neg) != bool(s_neg):
        if _shares_most_words(claim, source):
            conflicts.append(
                Conflict(
                    c_neg[0].text if c_neg else "(no negation)",
                    s_neg[0].text if s_neg else "(no negation)",
                    "negation",
                )
            )
    conflicts += _opposite_words(claim, source)
    return conflicts


def _shares_most_words(claim: Sequence[Token], source: Sequence[Token]) -> bool:
    """Whether the passage holds at least half the claim's content words (by stem): the two
    are about the same thing, so a negation or an opposite on one side only is a conflict."""
    c_stems = {stem(t.key) for t in claim if is_content(t.key)}
    s_stems = {stem(t.key) for t in source if is_content(t.key)}
    return bool(c_stems) and len(c_stems & s_stems) / len(c_stems) >= 0.5


def _opposite_words(claim: Sequence[Token], source: Sequence[Token]) -> list[Conflict]:
    """A word of the claim whose opposite (``OPPOSITES``) the passage has instead, where the
    two share most of the claim's content words (as for negation)."""
    c_keys = {t.key for t in claim}
    s_keys = {t.key for t in source}
    pair = next(
        (
            (a, b)
            for a in sorted(c_keys - s_keys)
            for b in sorted(s_keys - c_keys)
            if (a, b) in OPPOSITES
        ),
        None,
    )
    if pair is None or not _shares_most_words(claim, source):
        return []
    shown = {t.key: t.text for t in (*claim, *source)}
    return [Conflict(shown[pair[0]], shown[pair[1]], "word")]


#: Capitalised words that are titles, not names: "Mr. Biden" for "President Biden" is no
#: other name.
TITLE_WORDS = frozenset(
    """mr mrs ms dr president vice secretary minister senator sen rep representative gov governor
    general gen prime chancellor king queen prince princess sir lady lord judge justice chairman
    chairwoman chair mayor ambassador director professor prof rev reverend pope saint st
    leader spokesman spokeswoman spokesperson official officials""".split()
)


def _named(t: Token) -> bool:
    """A name, not a title, nor a dotted abbreviation ("U.S.", which also stands for
    "American")."""
    return is_name(t.text) and t.key.rstrip(".") not in TITLE_WORDS and t.text.count(".") < 2


def _opposites(*groups: tuple[str, str]) -> frozenset[tuple[str, str]]:
    out = set()
    for one, other in groups:
        for a in one.split():
            for b in other.split():
                out |= {(a, b), (b, a)}
    return frozenset(out)


#: Words of opposite sense, as news copy flips them ("unemployment rose" for "fell"); the
#: verdict model reads several of these pairs as entailment, so a claim that swaps one is a
#: conflict of kind "word" by this list.
OPPOSITES = _opposites(
    ("rise rises rising rose risen", "fall falls falling fell fallen"),
    ("increase increases increasing increased", "decrease decreases decreasing decreased"),
    ("up", "down"),
    ("higher", "lower"),
    ("highest", "lowest"),
    ("gain gains gained gaining", "loss losses lose loses lost losing"),
    ("win wins won winning", "lose loses lost losing"),
    ("pass passes passed passing", "fail fails failed failing"),
    ("approve approves approved approving", "reject rejects rejected rejecting"),
    ("accept accepts accepted accepting", "reject rejects rejected rejecting"),
    ("support supports supported supporting", "oppose opposes opposed opposing"),
    ("grow grows grew grown growing", "shrink shrinks shrank shrunk shrinking"),
    ("expand expands expanded expanding", "contract contracts contracted contracting"),
    ("raise raises raised raising", "lower lowers lowered lowering cut cuts cutting"),
    ("open opens opened opening", "close closes closed closing"),
    ("strengthen strengthens strengthened", "weaken weakens weakened"),
    ("improve improves improved improving", "worsen worsens worsened worsening"),
    ("above", "below"),
    ("largest biggest", "smallest"),
    ("best", "worst"),
    ("maximum", "minimum"),
    ("majority", "minority"),
    ("guilty", "innocent"),
    ("legal", "illegal"),
    ("convicted", "acquitted"),
    ("confirm confirms confirmed", "deny denies denied reject rejects rejected"),
    ("agree agrees agreed", "refuse refuses refused"),
    ("positive", "negative"),
    ("buy buys bought buying", "sell sells sold selling"),
    ("import imports imported", "export exports exported"),
    ("surplus", "deficit"),
    ("before", "after"),
    ("earlier", "later"),
)


def copy_conflicts(
    tokens: Sequence[Token], source: Sequence[Token], ops: Sequence[Op]
) -> list[Conflict]:
    """What a claim that repeats a passage word for word changes that a fact-checker calls a
    contradiction: another name ("to Madrid" for "to Brussels", kind "name"; a sentence's first
    word, a title and another notation of the same name, "U.N." for "United Nations", are not)
    and another number ("in 1992" for "in 1990", kind "number": a year or a count needs no unit
    when the rest is copied; "five" for "5" is the same number)."""
    out = []
    for op in ops:
        if op.tag != "replace":
            continue
        art = tokens[op.art_start : op.art_end]
        src = source[op.src_start : op.src_end]
        src_keys = {t.key for t in src}
        art_keys = {t.key for t in art}
        ours = [t for i, t in enumerate(art, op.art_start) if i and _named(t)]
        theirs = [t for i, t in enumerate(src, op.src_start) if i and _named(t)]
        a_text, s_text = " ".join(t.text for t in art), " ".join(t.text for t in src)
        if notation_kind(a_text, s_text) is not None:  # "U.N." for "United Nations"
            continue
        if [t for t in ours if t.key not in src_keys] and [
            t for t in theirs if t.key not in art_keys
        ]:
            out.append(Conflict(a_text, s_text, "name"))
            continue
        a_values = {v for t in art if (v := number_value(t.key)) is not None}
        s_values = {v for t in src if (v := number_value(t.key)) is not None}
        if a_values and s_values and not a_values & s_values:
            out.append(Conflict(a_text, s_text, "number"))
    return out
