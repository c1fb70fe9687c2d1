"""Source embeddings through stores (verify/stores.py): first store that holds a text wins, the
rest is encoded once and kept by every store; the copy is never stored."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tests.conftest import FakeEmbedder
from verify.stores import MemoStore, SourceEmbedder, source_embedder, text_key

TEXTS = [
    "The United States does not seek conflict.",
    "We will defend our allies.",
    "Sanctions remain.",
]


class ReadOnly:
    """An archive-like store: holds some vectors, keeps nothing."""

    def __init__(self, held: dict[str, np.ndarray]) -> None:
        self.held = held
        self.asked: list[list[str]] = []

    def get(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        self.asked.append(list(texts))
        return {t: self.held[t] for t in texts if t in self.held}

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        pass


def test_stores_are_asked_in_order_and_the_rest_encoded_once() -> None:
    fake = FakeEmbedder()
    held = {TEXTS[0]: fake.encode([TEXTS[0]])[0]}
    fake.calls = 0
    archive, memo, disk = ReadOnly(held), MemoStore(), MemoStore()
    emb = SourceEmbedder(fake, [memo, disk]).with_stores(archive)
    assert emb.stores[0] is archive and emb.key == fake.key
    first = emb.encode_sources(TEXTS)
    assert fake.calls == 1 and archive.asked == [TEXTS]
    assert set(disk.get(TEXTS)) == set(memo.get(TEXTS)) == set(TEXTS[1:])
    again = emb.encode_sources(TEXTS)
    assert fake.calls == 1 and np.array_equal(first, again)
    np.testing.assert_allclose(first, fake.encode(TEXTS), atol=1e-6)


def test_copy_is_never_stored() -> None:
    memo = MemoStore()
    emb = SourceEmbedder(FakeEmbedder(), [memo])
    emb.encode(["unpublished copy"])
    assert memo.get(["unpublished copy"]) == {}


def test_a_plain_embedder_becomes_a_source_embedder_without_stores() -> None:
    fake = FakeEmbedder()
    wrapped = source_embedder(fake)
    assert wrapped.stores == () and source_embedder(wrapped) is wrapped
    assert len(text_key("a")) == 16 and text_key("a") != text_key("b")


def test_a_later_store_hit_is_kept_by_the_earlier_stores() -> None:
    fake = FakeEmbedder()
    memo, disk = MemoStore(), MemoStore()
    disk.put(TEXTS, fake.encode(TEXTS))
    fake.calls = 0
    SourceEmbedder(fake, [memo, disk]).encode_sources(TEXTS)
    assert fake.calls == 1 and set(memo.get(TEXTS)) == set(TEXTS)  # 1: the size probe


def test_vectors_of_another_size_in_a_store_are_encoded_again() -> None:
    fake = FakeEmbedder()
    disk = MemoStore()
    disk.put(TEXTS, np.ones((len(TEXTS), 7), dtype=np.float32))  # another model's vectors
    out = SourceEmbedder(fake, [disk]).encode_sources(TEXTS)
    assert out.shape == (len(TEXTS), fake.dims)
    np.testing.assert_allclose(out, fake.encode(TEXTS), atol=1e-6)
