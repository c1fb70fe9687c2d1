"""The library's entry points: check files, texts or decoded documents; a run of many
articles, here or on Ray, with a baseline applied; an archive built. The CLI only parses and
prints around these."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from verify import pipeline
from verify.backend.models import Models, default_embedder
from verify.backend.protocols import Embedder, PairModel
from verify.config import Settings
from verify.errors import ConfigError
from verify.model import Document, Report, Sentence
from verify.read import collect_files, document_from_text, read_document
from verify.stores import MemoStore, source_embedder

NO_SOURCE = "no source given: pass --against FILE or set 'against' in the configuration"


@dataclass(frozen=True)
class Inputs:
    """A run's inputs, folders walked once: the article files, the source files, the
    archives (files or folders of shards) among the sources."""

    articles: tuple[str, ...]
    sources: tuple[str, ...]
    archives: tuple[str, ...]


def collect_inputs(
    articles: Sequence[str | os.PathLike[str]], sources: Sequence[str | os.PathLike[str]] | None
) -> Inputs:
    """The files of a run (folders expanded, each file once); the one-line error for no
    source, no article, or standard input named beside other articles."""
    if not sources:
        raise ConfigError(NO_SOURCE)
    from verify.archive import is_archive

    article_paths = collect_files(articles, "article")
    if not article_paths:
        raise ConfigError("no article given")
    if len(article_paths) > 1 and "-" in article_paths:
        raise ConfigError("standard input (-) can only be the one article")
    archives = tuple(os.fspath(p) for p in sources if is_archive(os.fspath(p)))
    plain = collect_files([p for p in sources if os.fspath(p) not in archives])
    return Inputs(tuple(article_paths), tuple(plain), archives)


def check(inputs: Inputs, settings: Settings, baseline: str | None = None) -> list[Report]:
    """Every article of ``inputs`` against its sources, on the settings' engine (``local``:
    this process; ``ray``: verify/rayengine.py), the findings ``baseline`` accepts marked;
    one report per article, in order."""
    from verify import baseline as baselines

    accepted = baselines.load(baseline) if baseline else None
    if settings.engine == "ray":
        from verify import rayengine

        reports = rayengine.check_many(check_inputs, inputs, settings)
    else:
        prefetch(settings)
        reports = check_inputs(inputs, settings)
    if accepted is None:
        return reports
    return [baselines.apply(r, accepted) for r in reports]


def prefetch(settings: Settings) -> None:
    """Start loading the settings' embedder in the background (it is almost always needed):
    the run reads and segments its inputs meanwhile."""
    from verify.backend.embedder import load_embedder
    from verify.errors import VerifyError

    try:
        embedder = load_embedder(settings.model, settings.runtime)
    except VerifyError:
        return  # said when the model is first used
    embedder.prefetch()


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
    """Check each article file against all the source files (folders expanded), in this
    process, reading the sources and loading the model once; one report per article."""
    return check_inputs(collect_inputs(articles, sources), settings or Settings(), embedder)


def check_inputs(
    inputs: Inputs, settings: Settings, embedder: Embedder | None = None
) -> list[Report]:
    """Every article of ``inputs`` in this process (rayengine runs it in each worker)."""
    arts = [read_document(p, "A", settings.encoding) for p in inputs.articles]
    docs = [read_document(p, f"S{i + 1}", settings.encoding) for i, p in enumerate(inputs.sources)]
    if len(arts) > 1:  # one model, and each source sentence encoded once for all articles
        embedder = source_embedder(embedder or default_embedder(settings)).with_stores(MemoStore())
    if not inputs.archives:
        return [verify_documents(art, docs, settings, embedder) for art in arts]
    return _against_archives(
        arts, docs, inputs.archives, settings, embedder or default_embedder(settings)
    )


def _against_archives(
    arts: Sequence[Document],
    docs: Sequence[Document],
    archive_paths: Sequence[str],
    settings: Settings,
    embedder: Embedder,
) -> list[Report]:
    """Each article against the given files plus the archive documents it draws on (the
    article prepared once: its sentences and quotations choose the documents, then are
    judged)."""
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
            prepared = pipeline.prepare_article(art, settings.thresholds)
            chosen: list[tuple[Document, tuple[Sentence, ...] | None]] = [(d, None) for d in docs]
            for group in archives:
                chosen += documents_for(group, prepared.sentences, prepared.quotes, embedder)
            renamed = [(replace(d, id=f"S{i + 1}"), ss) for i, (d, ss) in enumerate(chosen)]
            segmented = {
                d.id: tuple(replace(s, doc=d.id) for s in ss) for d, ss in renamed if ss is not None
            }
            models = Models(settings, emb)
            sources = [d for d, _ in renamed]
            reports.append(pipeline.run(art, sources, settings, models, segmented, prepared))
        return reports
    finally:
        for group in archives:
            for a in group:
                a.close()


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
    sources already segmented, by document id, e.g. from an archive; ``embedder`` and
    ``pair_model``: used instead of the settings' own). The stages are in verify/pipeline.py."""
    settings = settings or Settings()
    models = Models(settings, embedder, pair_model)
    return pipeline.run(article, sources, settings, models, segmented)


def build_archive(
    folder: str,
    out: str,
    settings: Settings,
    shards: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> Any:
    """``verify index``: one archive file, or (``shards``, the ``ray`` engine, or an existing
    folder of shards) a sharded archive built in this process or on Ray; its IndexStats. One
    build at a time per archive (archive/lock.py)."""
    from verify.archive.lock import build_lock
    from verify.backend.embedder import notice

    with build_lock(out, notice):
        return _build_archive(folder, out, settings, shards, progress)


def _build_archive(
    folder: str,
    out: str,
    settings: Settings,
    shards: int | None,
    progress: Callable[[int, int, str], None] | None,
) -> Any:
    from verify.archive import build_index, build_sharded, is_sharded

    if settings.engine == "ray":
        from verify import rayengine

        rayengine.require_ray()  # says how to install it, before any work
    if shards is None and settings.engine == "local" and not is_sharded(out):
        return build_index(folder, out, settings, default_embedder(settings), progress)
    embedder = default_embedder(settings)
    if shards is None and is_sharded(out):
        from verify.archive.shards import read_manifest

        shards = len(read_manifest(out).shards)
    if settings.engine == "ray":
        from verify import rayengine

        embedder.encode(["warm"])  # the one-time ONNX export here, not in every worker
        builder = rayengine.shard_builder(folder, settings, progress)
        shards = shards or settings.workers or os.cpu_count() or 1
    else:
        from verify.archive.shards import build_in_process

        builder = build_in_process(folder, settings, embedder, None)
    return build_sharded(folder, out, shards or 1, settings, embedder.key, builder)


def wait_for_prefetch() -> None:
    """Let background model loads finish (a process must not exit while a native runtime is
    being initialised in another thread)."""
    from verify.backend.embedder import wait_for_prefetch as wait

    wait()
