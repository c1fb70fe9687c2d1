"""The pipeline on decoded documents: prepare the article → index the sources → judge the
quotations → judge the claims (verify/claims/) → assemble the report. Each stage is a function
of plain data; the models are reached only through the run's bundle (verify/backend/models.py)
and a Scorer (verify/similarity.py)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from verify.backend.models import Models
from verify.claims.passes import PassInput
from verify.claims.registry import get_engine
from verify.claims.stage import engine_for, judge_claims, post_passes
from verify.claimunit import ClaimInput, prepare_claim
from verify.config import MAX_SENTENCE_CHARS, Settings, Thresholds
from verify.judge import (
    LexicalMatch,
    QuoteInput,
    judge_quote_lexical,
    judge_quote_semantic,
    prepare_quote,
)
from verify.model import Document, Omitted, Quote, Report, Sentence, Unit, Warning_
from verify.normalize import describe_char, invisible_chars
from verify.quotes import extract_quotes
from verify.segment import segment
from verify.similarity import EmbeddingScorer, EmptyScorer, Scorer
from verify.sources import SourceIndex
from verify.version import __version__


@dataclass(frozen=True)
class Article:
    """The article prepared for judging: sentences, quotations, warnings so far, the
    top-level quotations and the claim sentences."""

    doc: Document
    sentences: tuple[Sentence, ...]
    quotes: tuple[Quote, ...]
    warnings: list[Warning_]
    quote_inputs: list[QuoteInput]
    claims: list[ClaimInput]


def prepare_article(article: Document, th: Thresholds) -> Article:
    """Segment the article, find its quotations and the sentences judged as claims."""
    sentences = segment(article)
    quotes, warnings = extract_quotes(article, sentences)
    warns = sorted([*warnings, *_character_warnings(article)], key=lambda w: (w.start or 0, w.kind))
    top_quotes = [q for q in quotes if q.depth == 0]
    claims: list[ClaimInput] = []
    # top-level quotations do not overlap and are in text order: those in a sentence are the
    # ones starting inside it and the one before (which may run into it), found by bisection
    starts = [q.start for q in top_quotes]
    for s in sentences:
        if s.role != "body":
            continue
        lo = max(0, bisect.bisect_left(starts, s.start) - 1)
        hi = bisect.bisect_left(starts, s.end)
        in_sentence = [q for q in top_quotes[lo:hi] if q.start < s.end and q.end > s.start]
        ci = prepare_claim(article, s, in_sentence, th)
        if ci is not None:
            claims.append(ci)
    return Article(
        article, sentences, quotes, warns, [prepare_quote(article, q) for q in top_quotes], claims
    )


def index_sources(
    sources: Sequence[Document], segmented: dict[str, tuple[Sentence, ...]] | None, th: Thresholds
) -> SourceIndex:
    """Segment the sources (or take the sentences already segmented, by document id) and
    index them once."""
    known = segmented or {}
    sentences = tuple(
        s for d in sources for s in (known[d.id] if d.id in known else segment(d, is_source=True))
    )
    return SourceIndex.build(sources, sentences, th.min_clause_words)


def judge_quotes_lexically(
    art: Article, index: SourceIndex, th: Thresholds
) -> tuple[dict[int, Unit], dict[int, LexicalMatch | None]]:
    """Quotations settled by their words (verbatim, altered, not found); for the rest, their
    best lexical match, to be judged by meaning."""
    units: dict[int, Unit] = {}
    pending: dict[int, LexicalMatch | None] = {}
    for i, qi in enumerate(art.quote_inputs):
        unit, match = judge_quote_lexical(f"Q{i + 1}", qi, index, th)
        if unit is not None:
            units[i] = unit
        else:
            pending[i] = match
    return units, pending


def run(
    article: Document,
    sources: Sequence[Document],
    settings: Settings,
    models: Models,
    segmented: dict[str, tuple[Sentence, ...]] | None = None,
    prepared: Article | None = None,
) -> Report:
    """The whole pipeline (``segmented``: sentences of sources already segmented, by document
    id; ``prepared``: the article already prepared, prepare_article). Each model of
    ``models`` is asked for only when something needs it: the embedder when there is
    something to compare, the verdict model when there are claims, the strength scorer when
    a claim is borne out."""
    th = settings.thresholds
    art = prepared or prepare_article(article, th)
    index = index_sources(sources, segmented, th)
    q_units, q_lex = judge_quotes_lexically(art, index, th)
    pending = sorted(q_lex)
    need_model = bool(pending or art.claims) and bool(index.sentences)
    scorer: Scorer = EmbeddingScorer(index, models.embedder()) if need_model else EmptyScorer()
    q_sims, c_sims, cl_sims = scorer.sentence_scores(
        [
            [art.quote_inputs[i].norm.text for i in pending],
            [ci.compared.replace(" \u2026 ", " ") for ci in art.claims],
            [c.text for ci in art.claims for c in ci.clauses],
        ]
    )
    for row, i in enumerate(pending):
        q_units[i] = judge_quote_semantic(
            f"Q{i + 1}", art.quote_inputs[i], index, q_sims[row], q_lex[i], th
        )
    named = get_engine(settings.claim_engine)
    pairs = models.pairs() if named.uses_pair_model and art.claims and index.sentences else None
    engine = engine_for(settings.claim_engine, pairs)
    claim_units = judge_claims(art.claims, index, c_sims, cl_sims, th, engine, pairs)
    quotes = {
        art.quote_inputs[i].quote.start: (u, art.quote_inputs[i].words) for i, u in q_units.items()
    }
    claim_units = post_passes(claim_units, PassInput(art.claims, quotes, th, models.strength))
    unit_vectors = [q_sims[row] for row in range(len(pending))] + list(c_sims[: len(art.claims)])
    described = models.describe(named.uses_pair_model)
    return assemble(art, sources, index, q_units, claim_units, unit_vectors, settings, described)


def assemble(
    art: Article,
    sources: Sequence[Document],
    index: SourceIndex,
    q_units: dict[int, Unit],
    claim_units: list[Unit],
    unit_vectors: list[np.ndarray],
    settings: Settings,
    models: dict[str, dict[str, str | None] | None],
) -> Report:
    """The report: units in reading order, limits and warnings said, what the copy left out
    (``models``: each model's name and key, Models.describe)."""
    article = art.doc
    limit_notes: list[Warning_] = []
    for i, qi in enumerate(art.quote_inputs):
        if qi.truncated and i in q_units:
            u = q_units[i]
            note = (
                f"only its first {len(qi.tokens)} of {qi.words} words were compared word by "
                "word (limit MAX_QUOTE_WORDS)"
            )
            q_units[i] = replace(u, reason=f"{u.reason} [{note}]")
            limit_notes.append(
                Warning_(
                    article.id,
                    "limit",
                    f"quotation {u.id} has {qi.words} words: {note}",
                    u.start,
                    u.end,
                    u.line,
                )
            )
    limit_notes += _split_warnings(art.sentences) + _split_warnings(index.sentences)
    units = sorted(
        [q_units[i] for i in sorted(q_units)] + claim_units,
        key=lambda u: (u.start, u.kind != "claim"),
    )
    if not units:  # never a clean pass on nothing
        limit_notes.append(
            Warning_(
                article.id,
                "nothing_to_check",
                "no quotation or claim found in the article: nothing was checked",
            )
        )
    warns = sorted(
        [*art.warnings, *limit_notes],
        key=lambda w: (w.doc != article.id, w.doc, w.start or 0, w.kind),
    )
    omitted = _omitted(index, units, unit_vectors, settings.thresholds.omitted_max_similarity)
    return Report(
        article=article,
        sources=tuple(sources),
        article_sentences=art.sentences,
        source_sentences=index.sentences,
        quotes=art.quotes,
        units=tuple(units),
        omitted=omitted,
        warnings=tuple(warns),
        fail_on=settings.fail_on,
        model=str((models["embedder"] or {})["name"]),
        version=__version__,
        models=models,
    )


_WORD = re.compile(r"\w+")


def _split_warnings(sentences: Sequence[Sentence]) -> list[Warning_]:
    """One "limit" warning per over-long sentence that segmentation cut into pieces."""
    out: list[Warning_] = []
    run: list[Sentence] = []

    def flush() -> None:
        if run:
            first, last = run[0], run[-1]
            out.append(
                Warning_(
                    first.doc,
                    "limit",
                    f"a sentence of {last.end - first.start:,} characters with no sentence "
                    "punctuation was split "
                    f"into {len(run)} pieces of at most {MAX_SENTENCE_CHARS:,} characters (limit "
                    "MAX_SENTENCE_CHARS), "
                    "each judged on its own",
                    first.start,
                    last.end,
                    first.line,
                )
            )
            run.clear()

    for s in sentences:
        if s.split and run and (s.doc != run[-1].doc or s.paragraph != run[-1].paragraph):
            flush()
        if s.split:
            run.append(s)
        else:
            flush()
    flush()
    return out


def _character_warnings(doc: Document) -> list[Warning_]:
    """Invisible characters and mixed-script words (a Cyrillic letter in a Latin word)."""
    out = []
    words = (
        [m for m in _WORD.finditer(doc.text) if not m.group().isascii()]
        if not doc.text.isascii()
        else []
    )
    if words:
        from confusable_homoglyphs import confusables  # loads its tables: only when a word needs it

        for m in words:
            word = m.group()
            if confusables.is_mixed_script(word):
                out.append(
                    Warning_(
                        doc.id,
                        "mixed_script",
                        f"word {word!r} mixes scripts",
                        m.start(),
                        m.end(),
                        doc.line(m.start()),
                    )
                )
    for pos, ch in invisible_chars(doc.text):
        if ch == "\ufeff" and pos == 0:
            continue
        out.append(
            Warning_(
                doc.id,
                "invisible_character",
                f"invisible character {describe_char(ch)}",
                pos,
                pos + 1,
                doc.line(pos),
            )
        )
    return out


def _omitted(
    index: SourceIndex, units: Sequence[Unit], unit_vectors: list[np.ndarray], max_sim: float
) -> tuple[Omitted, ...]:
    used = {(e.source, e.start) for u in units for e in u.evidence}
    used_spans = [(e.source, e.start, e.end) for u in units for e in u.evidence]
    best = np.max(np.stack(unit_vectors), axis=0) if unit_vectors else None
    out = []
    for i, s in enumerate(index.sentences):
        if s.role != "body":
            continue
        if (s.doc, s.start) in used or any(
            d == s.doc and a < s.end and b > s.start for d, a, b in used_spans
        ):
            continue
        if best is not None and best.size and float(best[i]) >= max_sim:
            continue
        out.append(Omitted(s.doc, s.section, s.text, s.start, s.end, s.line))
    return tuple(out)
