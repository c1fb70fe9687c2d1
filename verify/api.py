"""Run the pipeline: read → normalise → segment → quotes → align → judge → Report."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from verify.claims import (
    ClaimInput,
    ClaimSims,
    judge_claim,
    judge_claim_hybrid,
    judge_claim_with_pairs,
    prepare_claim,
)
from verify.config import MAX_SENTENCE_CHARS, Settings
from verify.embed import Embedder, load_embedder
from verify.errors import ConfigError
from verify.judge import judge_quote_lexical, judge_quote_semantic, prepare_quote
from verify.model import Document, Omitted, Report, Sentence, Unit, Warning_
from verify.normalize import describe_char, invisible_chars
from verify.pairmodel import PairModel, load_pair_model
from verify.quotes import extract_quotes
from verify.read import collect_files, document_from_text, read_document
from verify.segment import segment
from verify.similarity import EmbeddingScorer, EmptyScorer, Scorer
from verify.sources import SourceIndex
from verify.stores import MemoStore, SourceEmbedder, source_embedder
from verify.version import __version__


def verify_files(
    article: str | os.PathLike[str],
    sources: Sequence[str | os.PathLike[str]],
    settings: Settings | None = None,
    embedder: Embedder | None = None,
) -> Report:
    """Check the article file against the source files ("-" reads standard input)."""
    settings = settings or Settings()
    if not sources:
        raise ConfigError("no source given: pass --against FILE")
    art = read_document(article, "A", settings.encoding)
    docs = [read_document(p, f"S{i + 1}", settings.encoding) for i, p in enumerate(sources)]
    return verify_documents(art, docs, settings, embedder)


def verify_many(
    articles: Sequence[str | os.PathLike[str]],
    sources: Sequence[str | os.PathLike[str]],
    settings: Settings | None = None,
    embedder: Embedder | None = None,
) -> list[Report]:
    """Check each article file against all the source files (folders expanded), reading
    the sources and loading the model once; one report per article, in order."""
    settings = settings or Settings()
    if not sources:
        raise ConfigError(
            "no source given: pass --against FILE or set 'against' in the configuration"
        )
    from verify.archive import is_archive

    archive_paths = [os.fspath(p) for p in sources if is_archive(os.fspath(p))]
    source_paths = collect_files([p for p in sources if os.fspath(p) not in archive_paths])
    article_paths = collect_files(articles, "article")
    if not article_paths:
        raise ConfigError("no article given")
    if len(article_paths) > 1 and "-" in article_paths:
        raise ConfigError("standard input (-) can only be the one article")
    arts = [read_document(p, "A", settings.encoding) for p in article_paths]
    docs = [read_document(p, f"S{i + 1}", settings.encoding) for i, p in enumerate(source_paths)]
    if len(arts) > 1:  # one model, and each source sentence encoded once for all articles
        embedder = source_embedder(embedder or default_embedder(settings)).with_stores(MemoStore())
    if not archive_paths:
        return [verify_documents(art, docs, settings, embedder) for art in arts]
    return _against_archives(
        arts, docs, archive_paths, settings, embedder or default_embedder(settings)
    )


def _against_archives(
    arts: Sequence[Document],
    docs: Sequence[Document],
    archive_paths: Sequence[str],
    settings: Settings,
    embedder: Embedder,
) -> list[Report]:
    """Each article against the given files plus the archive documents it draws on."""
    from verify.archive import Archive, ArchiveStore, check_model, documents_for

    archives = [Archive(p) for p in archive_paths]
    try:
        for a in archives:
            check_model(a, embedder)
        emb = source_embedder(embedder).with_stores(*(ArchiveStore(a) for a in reversed(archives)))
        reports = []
        for art in arts:
            chosen: list[tuple[Document, tuple[Sentence, ...] | None]] = [(d, None) for d in docs]
            for a in archives:
                chosen += documents_for(a, art, settings, embedder)
            renamed = [(replace(d, id=f"S{i + 1}"), ss) for i, (d, ss) in enumerate(chosen)]
            segmented = {
                d.id: tuple(replace(s, doc=d.id) for s in ss) for d, ss in renamed if ss is not None
            }
            reports.append(verify_documents(art, [d for d, _ in renamed], settings, emb, segmented))
        return reports
    finally:
        for a in archives:
            a.close()


def default_embedder(settings: Settings) -> SourceEmbedder:
    """The settings' model on the settings' runtime, with the on-disk cache of source
    embeddings unless the settings turn it off. Nothing is loaded until it is used."""
    base = load_embedder(settings.model, settings.runtime)
    if not settings.cache:
        return SourceEmbedder(base)
    from verify.cache import DiskStore, EmbeddingCache

    # the cache keys on the runtime too: onnxruntime and torch differ in the last digits
    return SourceEmbedder(base, [DiskStore(EmbeddingCache(), f"{type(base).__name__}:{base.key}")])


def default_pair_model(settings: Settings) -> PairModel | None:
    """The claim verdict model the settings name: the packaged one by default, a folder,
    or None for ``pair_model="none"`` (claims judged by cosine thresholds alone)."""
    if settings.pair_model == "none":
        return None
    return load_pair_model(settings.pair_model)


def verify_texts(
    article: str,
    sources: Sequence[str],
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    pair_model: PairModel | None = None,
) -> Report:
    """Check article text against source texts already in memory."""
    art = document_from_text(article, "<article>", "A")
    docs = [document_from_text(t, f"<source {i + 1}>", f"S{i + 1}") for i, t in enumerate(sources)]
    return verify_documents(art, docs, settings, embedder, pair_model=pair_model)


def verify_documents(
    article: Document,
    sources: Sequence[Document],
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    segmented: dict[str, tuple[Sentence, ...]] | None = None,
    pair_model: PairModel | None = None,
) -> Report:
    """Check one decoded article against decoded sources (``segmented``: sentences of
    sources already segmented, by document id, e.g. from an archive; ``pair_model``: the
    claim verdict model, by default the settings')."""
    settings = settings or Settings()
    th = settings.thresholds
    art_sents = segment(article)
    known = segmented or {}
    src_sents = tuple(
        s for d in sources for s in (known[d.id] if d.id in known else segment(d, is_source=True))
    )
    quotes, warnings = extract_quotes(article, art_sents)
    warns = sorted([*warnings, *_character_warnings(article)], key=lambda w: (w.start or 0, w.kind))
    index = SourceIndex.build(sources, src_sents, th.min_clause_words)

    # quotations: lexical first; the model only for what words cannot settle
    top_quotes = [q for q in quotes if q.depth == 0]
    q_inputs = [prepare_quote(article, q) for q in top_quotes]
    q_units: dict[int, Unit] = {}
    q_lex = {}
    for i, qi in enumerate(q_inputs):
        unit, match = judge_quote_lexical(f"Q{i + 1}", qi, index, th)
        if unit is not None:
            q_units[i] = unit
        else:
            q_lex[i] = match
    claims: list[ClaimInput] = []
    for s in art_sents:
        if s.role != "body":
            continue
        in_sentence = [q for q in top_quotes if q.start < s.end and q.end > s.start]
        ci = prepare_claim(article, s, in_sentence, th)
        if ci is not None:
            claims.append(ci)

    pending_quotes = sorted(q_lex)
    need_model = bool(pending_quotes or claims) and bool(index.sentences)
    scorer: Scorer = EmptyScorer()
    if need_model:
        scorer = EmbeddingScorer(index, source_embedder(embedder or default_embedder(settings)))
    q_sims, c_sims, cl_sims = scorer.sentence_scores(
        [
            [q_inputs[i].norm.text for i in pending_quotes],
            [ci.compared.replace(" \u2026 ", " ") for ci in claims],
            [c.text for ci in claims for c in ci.clauses],
        ]
    )
    pairs = (pair_model or default_pair_model(settings)) if claims and index.sentences else None
    unit_vectors: list[np.ndarray] = []
    for row, i in enumerate(pending_quotes):
        q_units[i] = judge_quote_semantic(
            f"Q{i + 1}", q_inputs[i], index, q_sims[row], q_lex[i], th
        )
        unit_vectors.append(q_sims[row])
    claim_units: list[Unit] = []
    pos = 0
    for k, ci in enumerate(claims):
        n = len(ci.clauses)
        sims = ClaimSims(c_sims[k], cl_sims[pos : pos + n])
        if pairs is None:
            claim_units.append(judge_claim(f"C{k + 1}", ci, index, sims, th))
        else:
            judge = (
                judge_claim_with_pairs if settings.claim_engine == "pairs" else judge_claim_hybrid
            )
            claim_units.append(judge(f"C{k + 1}", ci, index, sims, th, pairs.predict))
        pos += n
        unit_vectors.append(c_sims[k])

    limit_notes: list[Warning_] = []
    for i, qi in enumerate(q_inputs):
        if qi.truncated and i in q_units:
            u = q_units[i]
            note = (
                f"only its first {len(qi.tokens)} of {qi.words} words were compared word by word "
                f"(limit MAX_QUOTE_WORDS)"
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
    limit_notes += _split_warnings(art_sents) + _split_warnings(src_sents)
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
        [*warns, *limit_notes], key=lambda w: (w.doc != article.id, w.doc, w.start or 0, w.kind)
    )
    omitted = _omitted(index, units, unit_vectors, th.omitted_max_similarity)
    return Report(
        article=article,
        sources=tuple(sources),
        article_sentences=art_sents,
        source_sentences=src_sents,
        quotes=quotes,
        units=tuple(units),
        omitted=omitted,
        warnings=tuple(warns),
        fail_on=settings.fail_on,
        model=settings.model or "all-MiniLM-L6-v2 (packaged)",
        version=__version__,
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
