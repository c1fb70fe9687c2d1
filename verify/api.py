"""Run the pipeline: read → normalise → segment → quotes → align → judge → Report."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from verify import pipeline
from verify.config import Settings
from verify.embed import Embedder, load_embedder
from verify.errors import ConfigError
from verify.model import Document, Report, Sentence
from verify.pairclaims import PairScorer
from verify.pairmodel import PairModel, load_pair_model
from verify.read import collect_files, document_from_text, read_document
from verify.similarity import EmbeddingScorer
from verify.sources import SourceIndex
from verify.stores import MemoStore, SourceEmbedder, source_embedder
from verify.strength import StrengthScorer, lexicon_probabilities, load_strength_model


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
    from verify.archive import ArchiveStore, check_model, documents_for, open_archive

    archives = []  # each archive: its shards (one for an archive file)
    try:
        for p in archive_paths:
            archives.append(open_archive(p))
        shards = [shard for shards in archives for shard in shards]
        for a in shards:
            check_model(a, embedder)
        emb = source_embedder(embedder).with_stores(*(ArchiveStore(a) for a in reversed(shards)))
        reports = []
        for art in arts:
            chosen: list[tuple[Document, tuple[Sentence, ...] | None]] = [(d, None) for d in docs]
            for group in archives:
                chosen += documents_for(group, art, settings, embedder)
            renamed = [(replace(d, id=f"S{i + 1}"), ss) for i, (d, ss) in enumerate(chosen)]
            segmented = {
                d.id: tuple(replace(s, doc=d.id) for s in ss) for d, ss in renamed if ss is not None
            }
            reports.append(verify_documents(art, [d for d, _ in renamed], settings, emb, segmented))
        return reports
    finally:
        for group in archives:
            for a in group:
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
    claim verdict model, by default the settings'). The stages are in verify/pipeline.py."""
    settings = settings or Settings()

    def scorer_for(index: SourceIndex) -> EmbeddingScorer:
        return EmbeddingScorer(index, source_embedder(embedder or default_embedder(settings)))

    def pairs_for() -> PairScorer | None:
        model = pair_model or default_pair_model(settings)
        return model.predict if model is not None else None

    def strength_for() -> StrengthScorer:
        if settings.strength_model == "none":
            return lexicon_probabilities
        return load_strength_model(settings.strength_model)

    return pipeline.run(article, sources, settings, scorer_for, pairs_for, segmented, strength_for)


def build_archive(
    folder: str,
    out: str,
    settings: Settings,
    engine: str = "local",
    shards: int | None = None,
    workers: int | None = None,
    address: str | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Any:
    """``verify index``: one archive file, or (``shards``, ``engine="ray"``, or an existing
    folder of shards) a sharded archive built in this process or on Ray; its IndexStats."""
    from verify.archive import build_index, build_sharded, is_sharded

    if shards is None and engine == "local" and not is_sharded(out):
        return build_index(folder, out, settings, default_embedder(settings), progress)
    embedder = default_embedder(settings)
    if shards is None and is_sharded(out):
        from verify.archive.shards import read_manifest

        shards = len(read_manifest(out).shards)
    if engine == "ray":
        from verify import rayengine

        embedder.encode(["warm"])  # the one-time ONNX export here, not in every worker
        builder = rayengine.shard_builder(folder, settings, workers, address, progress)
        shards = shards or workers or os.cpu_count() or 1
    else:
        from verify.archive.shards import build_in_process

        builder = build_in_process(folder, settings, embedder, None)
    return build_sharded(folder, out, shards or 1, settings, embedder.key, builder)
