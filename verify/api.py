"""Run the pipeline: read → normalise → segment → quotes → align → judge → Report."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from verify import __version__
from verify.align import cosine_matrix
from verify.config import MAX_SENTENCE_CHARS, Settings
from verify.embed import Embedder, load_embedder
from verify.errors import ConfigError
from verify.judge import (
    ClaimInput,
    ClaimSims,
    SourceIndex,
    judge_claim,
    judge_quote_lexical,
    judge_quote_semantic,
    prepare_claim,
    prepare_quote,
)
from verify.model import Document, Omitted, Report, Sentence, Unit, Warning_
from verify.normalize import describe_char, invisible_chars
from verify.quotes import extract_quotes
from verify.read import document_from_text, read_document
from verify.segment import segment


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


SOURCE_EXTENSIONS = (".txt", ".md", ".markdown", ".text", ".html", ".htm", ".xhtml", ".pdf")


def collect_files(paths: Sequence[str | os.PathLike[str]], what: str = "source") -> list[str]:
    """Files named, and the files with a known extension inside folders named (recursively,
    sorted, hidden ones skipped); each file once, in the order given."""
    out: list[str] = []
    for raw in paths:
        p = os.fspath(raw)
        if p != "-" and os.path.isdir(p):
            found = []
            for folder, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found += [os.path.join(folder, f) for f in sorted(files)
                          if not f.startswith(".") and f.lower().endswith(SOURCE_EXTENSIONS)]
            if not found:
                raise ConfigError(f"{p}: folder holds no {what} files ({', '.join(SOURCE_EXTENSIONS)})")
            out += found
        else:
            out.append(p)
    return list(dict.fromkeys(out))


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
        raise ConfigError("no source given: pass --against FILE or set 'against' in the configuration")
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
        from verify.embed import MemoEmbedder

        embedder = MemoEmbedder(embedder if embedder is not None else default_embedder(settings))
    if not archive_paths:
        return [verify_documents(art, docs, settings, embedder) for art in arts]
    return _against_archives(arts, docs, archive_paths, settings, embedder or default_embedder(settings))


def _against_archives(arts: Sequence[Document], docs: Sequence[Document], archive_paths: Sequence[str],
                      settings: Settings, embedder: Embedder) -> list[Report]:
    """Each article against the given files plus the archive documents it draws on."""
    from verify.archive import Archive, ArchiveEmbedder, check_model, documents_for

    archives = [Archive(p) for p in archive_paths]
    try:
        emb: Embedder = embedder
        for a in archives:
            check_model(a, embedder)
            emb = ArchiveEmbedder(emb, a)
        reports = []
        for art in arts:
            chosen: list[tuple[Document, tuple[Sentence, ...] | None]] = [(d, None) for d in docs]
            for a in archives:
                chosen += documents_for(a, art, settings, embedder)
            renamed = [(replace(d, id=f"S{i + 1}"), ss) for i, (d, ss) in enumerate(chosen)]
            segmented = {d.id: tuple(replace(s, doc=d.id) for s in ss) for d, ss in renamed if ss is not None}
            reports.append(verify_documents(art, [d for d, _ in renamed], settings, emb, segmented))
        return reports
    finally:
        for a in archives:
            a.close()


def default_embedder(settings: Settings) -> Embedder:
    """The settings' model on the settings' runtime, with the on-disk cache of source
    embeddings unless the settings turn it off. Nothing is loaded until it is used."""
    base = load_embedder(settings.model, settings.runtime)
    if not settings.cache:
        return base
    from verify.cache import CachedEmbedder, EmbeddingCache

    key = getattr(base, "key", None) or base.name
    return CachedEmbedder(base, EmbeddingCache(), f"{type(base).__name__}:{key}")


def encode_sources(emb: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Source-side texts, through the embedder's cache where it has one."""
    method = getattr(emb, "encode_sources", None)
    return method(texts) if method is not None else emb.encode(texts)


def verify_texts(
    article: str,
    sources: Sequence[str],
    settings: Settings | None = None,
    embedder: Embedder | None = None,
) -> Report:
    """Check article text against source texts already in memory."""
    art = document_from_text(article, "<article>", "A")
    docs = [document_from_text(t, f"<source {i + 1}>", f"S{i + 1}") for i, t in enumerate(sources)]
    return verify_documents(art, docs, settings, embedder)


def verify_documents(
    article: Document,
    sources: Sequence[Document],
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    segmented: dict[str, tuple[Sentence, ...]] | None = None,
) -> Report:
    """Check one decoded article against decoded sources (``segmented``: sentences of
    sources already segmented, by document id, e.g. from an archive)."""
    settings = settings or Settings()
    th = settings.thresholds
    art_sents = segment(article)
    known = segmented or {}
    src_sents = tuple(s for d in sources for s in (known[d.id] if d.id in known else segment(d, is_source=True)))
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
    claim_units: list[Unit] = []
    src_emb = np.zeros((0, 0), dtype=np.float32)
    unit_vectors: list[np.ndarray] = []
    if need_model:
        emb = embedder or default_embedder(settings)
        texts = [n.text for n in index.norms] + [c.text for c in index.clauses]
        q_texts = [q_inputs[i].norm.text for i in pending_quotes]
        c_texts = [ci.compared.replace(" \u2026 ", " ") for ci in claims]
        cl_texts = [c.text for ci in claims for c in ci.clauses]
        article_vectors = emb.encode(q_texts + c_texts + cl_texts)
        source_vectors = encode_sources(emb, texts)
        vectors = np.concatenate([v for v in (source_vectors, article_vectors) if v.size]) if (
            source_vectors.size or article_vectors.size) else np.zeros((0, 0), dtype=np.float32)
        n_s, n_c = len(index.norms), len(index.clauses)
        src_emb = vectors[:n_s]
        src_clause_emb = vectors[n_s:n_s + n_c]
        pos = n_s + n_c
        q_emb = vectors[pos:pos + len(q_texts)]
        pos += len(q_texts)
        c_emb = vectors[pos:pos + len(c_texts)]
        pos += len(c_texts)
        cl_emb = vectors[pos:]
        owner = np.asarray(index.clause_sentence, dtype=np.int64)

        def sentence_sims(m: np.ndarray) -> np.ndarray:
            """Best of (vs sentence, vs any clause of that sentence), per sentence."""
            direct = cosine_matrix(m, src_emb)
            if n_c:
                by_clause = cosine_matrix(m, src_clause_emb)
                best = np.full_like(direct, -1.0)
                np.maximum.at(best.T, owner, by_clause.T)
                direct = np.maximum(direct, best)
            return direct

        q_sims = sentence_sims(q_emb) if len(q_texts) else np.zeros((0, n_s))
        for row, i in enumerate(pending_quotes):
            q_units[i] = judge_quote_semantic(f"Q{i + 1}", q_inputs[i], index, q_sims[row], q_lex[i], th)
            unit_vectors.append(q_sims[row])
        c_sims = sentence_sims(c_emb) if len(c_texts) else np.zeros((0, n_s))
        cl_sims = sentence_sims(cl_emb) if len(cl_texts) else np.zeros((0, n_s))
        pos = 0
        for k, ci in enumerate(claims):
            n = len(ci.clauses)
            sims = ClaimSims(c_sims[k], cl_sims[pos:pos + n])
            pos += n
            claim_units.append(judge_claim(f"C{k + 1}", ci, index, sims, th))
            unit_vectors.append(c_sims[k])
    else:
        for i in pending_quotes:
            q_units[i] = judge_quote_semantic(f"Q{i + 1}", q_inputs[i], index, np.zeros(0), q_lex[i], th)
        for k, ci in enumerate(claims):
            claim_units.append(judge_claim(f"C{k + 1}", ci, index, ClaimSims(np.zeros(0), np.zeros((len(ci.clauses), 0))), th))

    limit_notes: list[Warning_] = []
    for i, qi in enumerate(q_inputs):
        if qi.truncated and i in q_units:
            u = q_units[i]
            note = (f"only its first {len(qi.tokens)} of {qi.words} words were compared word by word "
                    f"(limit MAX_QUOTE_WORDS)")
            q_units[i] = replace(u, reason=f"{u.reason} [{note}]")
            limit_notes.append(Warning_(article.id, "limit", f"quotation {u.id} has {qi.words} words: {note}",
                                        u.start, u.end, u.line))
    limit_notes += _split_warnings(art_sents) + _split_warnings(src_sents)
    units = sorted([q_units[i] for i in sorted(q_units)] + claim_units, key=lambda u: (u.start, u.kind != "claim"))
    if not units:  # never a clean pass on nothing
        limit_notes.append(Warning_(article.id, "nothing_to_check",
                                    "no quotation or claim found in the article: nothing was checked"))
    warns = sorted([*warns, *limit_notes], key=lambda w: (w.doc != article.id, w.doc, w.start or 0, w.kind))
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
            out.append(Warning_(first.doc, "limit",
                                f"a sentence of {last.end - first.start:,} characters with no sentence punctuation was split "
                                f"into {len(run)} pieces of at most {MAX_SENTENCE_CHARS:,} characters (limit MAX_SENTENCE_CHARS), "
                                "each judged on its own", first.start, last.end, first.line))
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
    words = [m for m in _WORD.finditer(doc.text) if not m.group().isascii()] if not doc.text.isascii() else []
    if words:
        from confusable_homoglyphs import confusables  # loads its tables: only when a word needs it

        for m in words:
            word = m.group()
            if confusables.is_mixed_script(word):
                out.append(Warning_(doc.id, "mixed_script", f"word {word!r} mixes scripts",
                                    m.start(), m.end(), doc.line(m.start())))
    for pos, ch in invisible_chars(doc.text):
        if ch == "\ufeff" and pos == 0:
            continue
        out.append(Warning_(doc.id, "invisible_character", f"invisible character {describe_char(ch)}",
                            pos, pos + 1, doc.line(pos)))
    return out


def _omitted(index: SourceIndex, units: Sequence[Unit], unit_vectors: list[np.ndarray], max_sim: float) -> tuple[Omitted, ...]:
    used = {(e.source, e.start) for u in units for e in u.evidence}
    used_spans = [(e.source, e.start, e.end) for u in units for e in u.evidence]
    best = np.max(np.stack(unit_vectors), axis=0) if unit_vectors else None
    out = []
    for i, s in enumerate(index.sentences):
        if s.role != "body":
            continue
        if (s.doc, s.start) in used or any(d == s.doc and a < s.end and b > s.start for d, a, b in used_spans):
            continue
        if best is not None and best.size and float(best[i]) >= max_sim:
            continue
        out.append(Omitted(s.doc, s.section, s.text, s.start, s.end, s.line))
    return tuple(out)
