"""The index: recall against exact search, and staying in step with the database's rows."""

import numpy as np
import pytest

from redress.cases import services as case_services
from redress.consistency import embedding, index, services
from redress.consistency.index import CaseIndex
from redress.consistency.models import CaseEmbedding

DIM = embedding.DIMENSIONS


def topic_centres(rng, topics=300):
    return embedding.unit_rows(rng.standard_normal((topics, DIM)).astype(np.float32))


def clustered_vectors(rng, centres, count):
    """Unit vectors around topic centres, as case texts cluster by kind of conduct: a point is
    about as near its topic's centre (cosine ~0.8) as real embeddings of like texts are."""
    picks = rng.integers(0, len(centres), (count, 2))
    blend = rng.uniform(0, 0.4, (count, 1)).astype(np.float32)
    noise = rng.standard_normal((count, DIM)).astype(np.float32) * (0.75 / np.sqrt(DIM))
    points = (1 - blend) * centres[picks[:, 0]] + blend * centres[picks[:, 1]] + noise
    return embedding.unit_rows(points)


def test_recall_at_10_against_exact_search_is_at_least_095():
    rng = np.random.default_rng(7)
    centres = topic_centres(rng)
    vectors = clustered_vectors(rng, centres, 20_000)
    queries = clustered_vectors(rng, centres, 200)
    built = CaseIndex(organisation_id=1)
    built.add_vectors(np.arange(1, len(vectors) + 1), vectors)
    exact = np.argsort(-(queries @ vectors.T), axis=1)[:, :10] + 1
    found = 0
    for query, truth in zip(queries, exact, strict=True):
        found += len({n.case_id for n in built.nearest(query, 10)} & set(truth.tolist()))
    assert found / exact.size >= 0.95


def test_a_case_embedded_again_is_found_by_its_new_vector_only():
    rng = np.random.default_rng(3)
    centres = topic_centres(rng)
    vectors = clustered_vectors(rng, centres, 50)
    built = CaseIndex(organisation_id=1)
    built.add_vectors(np.arange(1, 51), vectors)
    replacement = clustered_vectors(rng, centres, 1)
    built.add_vectors(np.array([7]), replacement)
    assert len(built) == 50
    nearest = built.nearest(replacement[0], 3)
    assert nearest[0].case_id == 7 and nearest[0].similarity > 0.98
    # Its old vector's slot is retired: searching there finds others, never case 7 twice.
    found = [n.case_id for n in built.nearest(vectors[6], 50)]
    assert found.count(7) == 1 and found[0] != 7


def _embedded_case(cast, summary, categories=("bullying",)):
    case = case_services.file_complaint(
        cast.organisation,
        categories=list(categories),
        summary=summary,
        respondent=cast.respondent,
        complainant=cast.complainant,
    ).case
    case_services.assign(case, user=cast.officer, role="officer", actor=cast.coordinator)
    services.embed_case(case.pk)
    return case


@pytest.mark.django_db
def test_the_index_follows_rows_added_after_it_was_loaded(cast):
    first = _embedded_case(cast, "He shouted abuse at a volunteer during a canvassing session.")
    loaded = index.index_of(cast.organisation.pk)
    assert len(loaded) == 1
    second = _embedded_case(cast, "A councillor posted antisemitic tropes about bankers online.")
    vector = embedding.from_bytes(CaseEmbedding.objects.get(case=second).vector)
    again = index.index_of(cast.organisation.pk)
    assert again is loaded  # the same index, caught up, not rebuilt
    assert [n.case_id for n in again.nearest(vector, 2)] == [second.pk, first.pk]


@pytest.mark.django_db
def test_a_changed_text_replaces_the_cases_vector_in_the_index(cast):
    case = _embedded_case(cast, "She mocked a colleague's accent in a team meeting.")
    other = _embedded_case(cast, "He sent a member threatening messages late at night.")
    loaded = index.index_of(cast.organisation.pk)
    before = CaseEmbedding.objects.get(case=case)
    case_services.add_allegation(
        case,
        category="other_racism",
        particulars="She told the colleague to go back to where she came from.",
        conduct_on=None,
        actor=cast.officer,
    )
    after = services.embed_case(case.pk)
    assert after.pk > before.pk
    assert list(CaseEmbedding.objects.filter(case=case)) == [after]  # the old row is gone
    assert loaded.catch_up() == 1
    assert len(loaded) == 2
    top = loaded.nearest(embedding.from_bytes(after.vector), 2)
    assert top[0].case_id == case.pk and top[0].similarity > 0.98
    assert {n.case_id for n in top} == {case.pk, other.pk}


@pytest.mark.django_db
def test_embedding_an_unchanged_case_again_adds_nothing(cast):
    case = _embedded_case(cast, "He ridiculed a disabled member's speech at a branch meeting.")
    row = CaseEmbedding.objects.get(case=case)
    assert services.embed_case(case.pk) == row
    assert CaseEmbedding.objects.filter(case=case).count() == 1


@pytest.mark.django_db
def test_a_snapshot_is_loaded_and_caught_up_from_its_watermark(cast, similar_cases_dir):
    first = _embedded_case(cast, "He posted a racist joke about Gypsy and Traveller families.")
    index.save_snapshot(cast.organisation.pk)
    assert (similar_cases_dir / f"organisation-{cast.organisation.pk}.json").exists()
    later = _embedded_case(cast, "She sent unwanted sexual messages to a young member.")
    index.forget_indexes()
    loaded = CaseIndex.load(similar_cases_dir, cast.organisation.pk)
    assert loaded is not None and len(loaded) == 1  # as saved
    assert loaded.catch_up() == 1
    assert {n.case_id for n in loaded.nearest(np.ones(DIM) / np.sqrt(DIM), 5)} == {
        first.pk,
        later.pk,
    }
    # Saving again replaces the snapshot whole and leaves no older files behind.
    loaded.save(similar_cases_dir)
    assert len(list(similar_cases_dir.glob("*.faiss"))) == 1


@pytest.mark.django_db
def test_a_row_committed_out_of_id_order_is_still_applied(cast):
    case = _embedded_case(cast, "He called a Muslim member a terrorist at a meeting.")
    loaded = index.index_of(cast.organisation.pk)
    row = CaseEmbedding.objects.get(case=case)
    # As if the row's transaction had committed after a later id was seen: the look-back
    # window finds it at the next catch-up.
    loaded.applied.discard(row.pk)
    loaded.watermark = row.pk + 10
    replaced = loaded.retired
    assert loaded.catch_up() == 1
    assert loaded.retired == replaced + 1
    assert loaded.nearest(embedding.from_bytes(row.vector), 1)[0].case_id == case.pk


def test_an_unreadable_snapshot_is_ignored(similar_cases_dir):
    similar_cases_dir.mkdir(parents=True)
    (similar_cases_dir / "organisation-5.json").write_text("{not json")
    assert CaseIndex.load(similar_cases_dir, 5) is None
