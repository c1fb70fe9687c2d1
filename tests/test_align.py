"""Alignment primitives: arrays in, arrays out; token alignment of quotations."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from verify.align import align_tokens, cosine_matrix, lexical_candidates, top_indices


def test_cosine_and_top_indices_are_deterministic() -> None:
    a = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    b = np.array([[1.0, 0.0], [0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
    sims = cosine_matrix(a, b)
    assert sims.shape == (2, 3)
    assert top_indices(sims[0], 3) == [0, 2, 1]  # tie between 0 and 2 broken by index
    assert top_indices(np.zeros(0), 3) == []


def test_fragment_of_a_longer_sentence_has_no_edge_edits() -> None:
    source = "he also raised the solarwinds hack and reports of bounties".split()
    quote = "the solarwinds hack".split()
    al = align_tokens(quote, source)
    assert al.similarity == 1.0
    assert [o.tag for o in al.ops] == ["equal"]
    assert (al.window_start, al.window_end) == (3, 6)


def test_changed_words_merge_into_one_edit() -> None:
    source = "they discussed both countries willingness".split()
    quote = "two leaders discussed both countries willingness".split()
    al = align_tokens(quote, source)
    edits = [
        (o.tag, source[o.src_start : o.src_end], quote[o.art_start : o.art_end])
        for o in al.ops
        if o.tag != "equal"
    ]
    assert edits == [("replace", ["they"], ["two", "leaders"])]


def test_gap_absorbs_dropped_source_words() -> None:
    source = "we will act firmly and without delay in defense of our interests".split()
    quote = "we will act firmly in defense of our interests".split()
    plain = align_tokens(quote, source)
    assert any(o.tag == "delete" for o in plain.ops)
    with_gap = align_tokens(quote, source, gaps=frozenset({4}), free_gap=True)
    assert all(o.tag == "equal" for o in with_gap.ops)
    assert with_gap.similarity == 1.0


def test_lexical_candidates_rank_containing_passage_first() -> None:
    passages = [["a", "b", "c"], ["x", "the", "solarwinds", "hack", "y"], ["the", "hack"]]
    ranked = lexical_candidates(["the", "solarwinds", "hack"], passages, 2)
    assert ranked[0][0] == 1 and ranked[0][1] == 1.0


@given(
    st.lists(st.sampled_from(list("abcdef")), min_size=1, max_size=12),
    st.lists(st.sampled_from(list("abcdef")), min_size=1, max_size=20),
)
def test_applying_the_edits_to_the_source_words_gives_the_quotation(
    quote: list[str], source: list[str]
) -> None:
    al = align_tokens(quote, source)
    rebuilt: list[str] = []
    for o in al.ops:
        if o.tag == "equal":
            assert source[o.src_start : o.src_end] == quote[o.art_start : o.art_end]
        rebuilt.extend(quote[o.art_start : o.art_end])
    if al.ops:
        assert rebuilt == quote
        # opcodes cover the source window contiguously
        assert al.ops[0].src_start == al.window_start and al.ops[-1].src_end == al.window_end


def test_the_postings_bound_gives_the_same_candidates_as_scoring_every_passage() -> None:
    """The bound only skips passages that cannot reach the k best: on random token lists
    (repeated words, empty passages, queries longer than passages) the answer is identical,
    scores and tie order included."""
    import random

    from verify.align import Postings

    rng = random.Random(7)
    for vocab, plen, qlen in ((8, 30, 40), (40, 20, 25), (200, 80, 12), (15, 5, 90)):
        words = [f"w{i}" for i in range(vocab)]
        for _ in range(300):
            passages = [
                [rng.choice(words) for _ in range(rng.randint(0, plen))]
                for _ in range(rng.randint(1, 150))
            ]
            query = [rng.choice(words) for _ in range(rng.randint(1, qlen))]
            k = rng.randint(1, 12)
            assert lexical_candidates(query, passages, k, Postings(passages)) == (
                lexical_candidates(query, passages, k)
            )
