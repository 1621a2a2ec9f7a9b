"""The nearest-neighbour index of an organisation's case embeddings, kept in step with the database.

The server's PostgreSQL has no pgvector, so the search runs in each process that asks for it, on
an HNSW graph from faiss (inner product of unit vectors, which is the cosine; vectors held as
8-bit scalars). The database stays the only source of truth: an index is a cache built from
`CaseEmbedding` rows and can always be thrown away and built again.

How an index stays in step:
- Rows are only ever added (a case's older rows are deleted with the insert of its new one), and
  their ids only grow. An index remembers the highest row id it has applied (its watermark).
- Before every search it asks the database for the ids above `watermark - LOOKBACK` and applies
  the rows it has not applied yet: one indexed range scan of a few hundred integers. The look-back
  window catches a row whose transaction took its id before another's but committed after it; an
  insert that commits more than LOOKBACK rows late is picked up by the next rebuild.
- faiss's HNSW graph cannot delete, so a case embedded again gets a new slot and its old slot is
  retired: searches skip retired slots, and `redress similar-cases index --rebuild` drops them.
- Loading from nothing means reading every vector from the database, which at a million cases
  takes minutes, so `redress similar-cases index` (or the worker's `save_index_snapshot` task)
  writes a snapshot, the graph, its slots' cases and its watermark, under SIMILAR_CASES_DIR. A
  process starts from the snapshot and catches up from its watermark. Run it daily; a stale
  snapshot only means a longer catch-up.
- Each process (each web worker, each task worker) holds its own copy, so nothing here assumes a
  single process or a shared disk; a missing or unreadable snapshot is rebuilt from the rows.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from redress.consistency.embedding import DIMENSIONS, MODEL_ID, from_bytes
from redress.consistency.models import CaseEmbedding

LOOKBACK = 512
BUILD_CHUNK = 10_000
# HNSW parameters, measured in bench/similar_cases.py at a million cases: a modest expansion
# while adding keeps a rebuild to minutes; a wide one while searching (a few milliseconds) is
# what keeps the true nearest ten among the hundred candidates that the services rank exactly.
NEIGHBOURS_PER_NODE = 16
EXPANSION_ADD = 64
EXPANSION_SEARCH = 512
RANGE = 0.5


@dataclass(frozen=True)
class Neighbour:
    case_id: int
    similarity: float  # cosine, 1 for the same text


def _faiss() -> Any:
    """faiss, imported on first use, so that a process that never searches (most commands, a
    web worker before its first decision page) does not load it."""
    import faiss

    return faiss


def new_graph() -> Any:
    faiss = _faiss()
    graph = faiss.IndexHNSWSQ(
        DIMENSIONS, faiss.ScalarQuantizer.QT_8bit, NEIGHBOURS_PER_NODE, faiss.METRIC_INNER_PRODUCT
    )
    # An 8-bit scale fixed in advance, so that an empty index can take its first case: the
    # components of a 384-dimensional unit vector are rarely beyond +-0.3 (a few above 0.5
    # would leave no room for the rest), so [-0.5, 0.5] in 255 steps loses about 2 % of a
    # typical component and nothing of the ranking that recall measures.
    storage = faiss.downcast_index(graph.storage)
    storage.sq.rangestat = faiss.ScalarQuantizer.RS_minmax
    graph.train(np.vstack([np.full(DIMENSIONS, -RANGE), np.full(DIMENSIONS, RANGE)]).astype("f4"))
    graph.hnsw.efConstruction = EXPANSION_ADD
    graph.hnsw.efSearch = EXPANSION_SEARCH
    return graph


class CaseIndex:
    """One organisation's graph, with the case in each of its slots and what it has applied of
    the database's rows."""

    def __init__(self, organisation_id: int) -> None:
        self.organisation_id = organisation_id
        self.graph = new_graph()
        self.case_of_slot = np.zeros(0, dtype=np.int64)  # -1 for a retired slot
        self.slot_of_case: dict[int, int] = {}
        self.retired = 0
        self.watermark = 0
        self.applied: set[int] = set()  # row ids within the look-back window
        self.lock = threading.RLock()

    def __len__(self) -> int:
        return len(self.slot_of_case)

    # --- keeping in step ------------------------------------------------------------------

    def catch_up(self) -> int:
        """Apply the rows committed since the last call. Returns how many were applied."""
        with self.lock:
            recent = list(
                CaseEmbedding.objects.filter(
                    organisation_id=self.organisation_id, id__gt=self.watermark - LOOKBACK
                ).values_list("id", flat=True)
            )
            missing = [row_id for row_id in recent if row_id not in self.applied]
            applied = 0
            for start in range(0, len(missing), BUILD_CHUNK):
                rows = (
                    CaseEmbedding.objects.filter(id__in=missing[start : start + BUILD_CHUNK])
                    .order_by("id")
                    .values_list("id", "case_id", "model", "vector")
                )
                applied += self._apply(rows)
            self._advance(recent)
            return applied

    def build(self) -> int:
        """Read every row of the organisation from the database (a rebuild from nothing)."""
        with self.lock:
            self.__init__(self.organisation_id)  # type: ignore[misc]
            rows = (
                CaseEmbedding.objects.filter(organisation_id=self.organisation_id)
                .order_by("id")
                .values_list("id", "case_id", "model", "vector")
            )
            batch: list[tuple[int, int, str, bytes]] = []
            seen: list[int] = []
            for row in rows.iterator(chunk_size=BUILD_CHUNK):
                batch.append(row)
                seen.append(row[0])
                if len(batch) == BUILD_CHUNK:
                    self._apply(batch)
                    batch = []
            self._apply(batch)
            self._advance(seen)
            return len(self)

    def add_vectors(self, case_ids: np.ndarray, vectors: np.ndarray) -> None:
        """Put each case's vector in a new slot, retiring the slot it had."""
        with self.lock:
            first = self.graph.ntotal
            for offset, case_id in enumerate(case_ids.tolist()):
                old = self.slot_of_case.get(case_id)
                if old is not None:
                    self.case_of_slot[old] = -1
                    self.retired += 1
                self.slot_of_case[case_id] = first + offset
            self.graph.add(np.ascontiguousarray(vectors, dtype=np.float32))
            self.case_of_slot = np.concatenate([self.case_of_slot, case_ids.astype(np.int64)])

    def _apply(self, rows: Iterable[tuple[int, int, str, bytes | memoryview]]) -> int:
        latest: dict[int, np.ndarray] = {}
        for _row_id, case_id, model, raw in rows:
            if model == MODEL_ID:  # a row from another model lives in another space
                latest[case_id] = from_bytes(raw)
        if latest:
            keys = np.fromiter(latest, dtype=np.int64, count=len(latest))
            self.add_vectors(keys, np.vstack(list(latest.values())))
        return len(latest)

    def _advance(self, row_ids: list[int]) -> None:
        if row_ids:
            self.watermark = max(self.watermark, max(row_ids))
        self.applied.update(row_ids)
        floor = self.watermark - LOOKBACK
        self.applied = {row_id for row_id in self.applied if row_id > floor}

    # --- searching ------------------------------------------------------------------------

    def nearest(self, vector: np.ndarray, count: int) -> list[Neighbour]:
        """The `count` cases whose vectors are nearest to `vector`, nearest first."""
        with self.lock:
            if count <= 0 or not self.slot_of_case:
                return []
            query = np.asarray(vector, dtype=np.float32).reshape(1, DIMENSIONS)
            params = None
            if self.retired:
                faiss = _faiss()
                live = faiss.IDSelectorBatch(np.flatnonzero(self.case_of_slot < 0))
                params = faiss.SearchParametersHNSW(sel=faiss.IDSelectorNot(live))
                params.efSearch = EXPANSION_SEARCH
            scores, slots = self.graph.search(query, count, params=params)
            return [
                Neighbour(int(self.case_of_slot[slot]), float(score))
                for score, slot in zip(scores[0], slots[0], strict=True)
                if slot >= 0 and self.case_of_slot[slot] >= 0
            ]

    # --- snapshots ------------------------------------------------------------------------

    def save(self, directory: Path) -> Path:
        """Write the graph and its slots' cases under names of their own, then replace the state
        file that names them (a rename, so readers see the old snapshot or the new one, whole),
        then delete the files of older snapshots. Returns the state file."""
        with self.lock:
            directory.mkdir(parents=True, exist_ok=True)
            stem = f"organisation-{self.organisation_id}"
            version = f"{stem}-{self.watermark}-{self.graph.ntotal}-{os.getpid()}"
            _faiss().write_index(self.graph, str(directory / f"{version}.faiss"))
            np.save(directory / f"{version}.npy", self.case_of_slot)
            state = {
                "model": MODEL_ID,
                "graph": f"{version}.faiss",
                "slots": f"{version}.npy",
                "watermark": self.watermark,
                "applied": sorted(self.applied),
            }
            state_path = directory / f"{stem}.json"
            partial = directory / f"{version}.json.partial"
            partial.write_text(json.dumps(state))
            os.replace(partial, state_path)
            for old in directory.glob(f"{stem}-*"):
                if old.name not in (state["graph"], state["slots"]):
                    old.unlink(missing_ok=True)
            return state_path

    @classmethod
    def load(cls, directory: Path, organisation_id: int) -> CaseIndex | None:
        """The snapshot in `directory`, or None if there is none this code can use."""
        try:
            state = json.loads((directory / f"organisation-{organisation_id}.json").read_text())
            if state.get("model") != MODEL_ID:
                return None
            graph = _faiss().read_index(str(directory / state["graph"]))
            case_of_slot = np.load(directory / state["slots"]).astype(np.int64)
        except (OSError, ValueError, KeyError, RuntimeError):
            return None  # none, or replaced while being read: built from the rows instead
        if graph.d != DIMENSIONS or graph.ntotal != len(case_of_slot):
            return None
        loaded = cls(organisation_id)
        graph.hnsw.efSearch = EXPANSION_SEARCH
        loaded.graph = graph
        loaded.case_of_slot = case_of_slot
        live = np.flatnonzero(case_of_slot >= 0)
        loaded.slot_of_case = dict(zip(case_of_slot[live].tolist(), live.tolist(), strict=True))
        loaded.retired = len(case_of_slot) - len(live)
        loaded.watermark = int(state["watermark"])
        loaded.applied = {int(row_id) for row_id in state["applied"]}
        return loaded


def snapshot_directory() -> Path:
    return Path(settings.SIMILAR_CASES_DIR)


_indexes: dict[int, CaseIndex] = {}
_registry_lock = threading.Lock()


def index_of(organisation_id: int) -> CaseIndex:
    """This process's index of the organisation's cases, in step with the database."""
    with _registry_lock:
        index = _indexes.get(organisation_id)
        if index is None:
            index = CaseIndex.load(snapshot_directory(), organisation_id)
            if index is None:
                index = CaseIndex(organisation_id)
                index.build()
            _indexes[organisation_id] = index
    index.catch_up()
    return index


def forget_indexes() -> None:
    """Drop this process's indexes (the next search loads them again)."""
    with _registry_lock:
        _indexes.clear()


def save_snapshot(organisation_id: int, *, rebuild: bool = False) -> CaseIndex:
    """Bring the organisation's index up to date (from nothing if `rebuild`) and save it."""
    if rebuild:
        index = CaseIndex(organisation_id)
        index.build()
        with _registry_lock:
            _indexes[organisation_id] = index
    else:
        index = index_of(organisation_id)
    index.save(snapshot_directory())
    return index
