"""The real model, run on a few texts: meaning, not shared words, decides what is near."""

import numpy as np
import pytest

from redress.consistency import embedding

RACIST_POST = "He posted a meme mocking Jewish people in the branch's Facebook group."
SAME_CONDUCT = "The member shared an antisemitic cartoon on the local party's social media page."
UNRELATED = "The treasurer did not file the branch accounts by the end of the financial year."
SLUR_AT_MEETING = "At the ward meeting she called a Muslim councillor a terrorist sympathiser."
SAME_SLUR = "During a constituency meeting a member described a Muslim colleague as an extremist."


@pytest.fixture(scope="module")
def vectors():
    texts = [RACIST_POST, SAME_CONDUCT, UNRELATED, SLUR_AT_MEETING, SAME_SLUR]
    return dict(zip(texts, embedding.embed_texts(texts), strict=True))


def test_vectors_are_unit_length_float32_of_the_models_size(vectors):
    for vector in vectors.values():
        assert vector.shape == (embedding.DIMENSIONS,)
        assert vector.dtype == np.float32
        assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_texts_about_the_same_conduct_rank_above_unrelated_ones(vectors):
    def cos(a, b):
        return float(vectors[a] @ vectors[b])

    assert cos(RACIST_POST, SAME_CONDUCT) > cos(RACIST_POST, UNRELATED) + 0.2
    assert cos(SLUR_AT_MEETING, SAME_SLUR) > cos(SLUR_AT_MEETING, UNRELATED) + 0.2
    # Nearest by meaning, for each: its counterpart, not the other kind of conduct.
    for text, counterpart in [(RACIST_POST, SAME_CONDUCT), (SLUR_AT_MEETING, SAME_SLUR)]:
        others = [t for t in vectors if t != text]
        assert max(others, key=lambda t: cos(text, t)) == counterpart


def test_the_same_text_gives_the_same_vector_alone_or_in_a_batch(vectors):
    alone = embedding.embed_texts([UNRELATED])[0]
    assert float(alone @ vectors[UNRELATED]) > 0.9999


def test_a_long_text_is_cut_at_the_models_limit_not_refused():
    long_text = " ".join([SAME_SLUR] * 200)
    vector = embedding.embed_texts([long_text])[0]
    assert float(vector @ embedding.embed_texts([SAME_SLUR])[0]) > 0.8


def test_vectors_survive_the_database_encoding(vectors):
    vector = vectors[RACIST_POST]
    raw = embedding.to_bytes(vector)
    assert len(raw) == embedding.DIMENSIONS * 4
    assert np.array_equal(embedding.from_bytes(raw), vector)


def test_no_texts_give_no_rows():
    assert embedding.embed_texts([]).shape == (0, embedding.DIMENSIONS)
