"""The load benchmark's mix, percentiles and per-operation statistics against hand-computed
examples."""

import math

import pytest

from benchmarks.load import OpStats, Sample, parse_mix, percentile, rows, summarise


def test_percentile_interpolates_between_closest_ranks():
    # ranks 0..3; p50 sits at rank 1.5 (between 20 and 30), p99 at rank 2.97
    assert percentile([40, 10, 30, 20], 50) == pytest.approx(25.0)
    assert percentile([10, 20, 30, 40], 99) == pytest.approx(39.7)
    assert percentile([10, 20, 30, 40], 0) == 10
    assert percentile([10, 20, 30, 40], 100) == 40
    assert percentile([7.5], 99) == 7.5
    assert math.isnan(percentile([], 50))


def test_summarise_counts_errors_and_429_apart_and_times_only_2xx():
    samples = [Sample("search", 100, 200), Sample("search", 200, 200), Sample("search", 300, 200),
               Sample("search", 50, 500), Sample("create", 80, 201), Sample("create", 5, 429),
               Sample("patch", 12, 0)]
    stats = summarise(samples, seconds=2.0)
    assert stats["search"] == OpStats(requests=4, per_s=2.0, p50_ms=200.0,
                                      p99_ms=pytest.approx(298.0), errors=1, limited=0)
    assert stats["create"] == OpStats(requests=2, per_s=1.0, p50_ms=80.0, p99_ms=80.0,
                                      errors=0, limited=1)
    patch = stats["patch"]
    assert (patch.requests, patch.per_s, patch.errors, patch.limited) == (1, 0.5, 1, 0)
    assert math.isnan(patch.p50_ms) and math.isnan(patch.p99_ms)
    # all: 2xx latencies 80, 100, 200, 300
    assert stats["all"] == OpStats(requests=7, per_s=3.5, p50_ms=150.0,
                                   p99_ms=pytest.approx(297.0), errors=2, limited=1)
    assert "match" not in stats


def test_rows_put_concurrent_p50_over_single_client_p50():
    concurrent = {"search": OpStats(40, 4.0, 200.0, 900.0, 0, 0),
                  "create": OpStats(10, 1.0, 300.0, 1200.0, 1, 2),
                  "all": OpStats(50, 5.0, 210.0, 1100.0, 1, 2)}
    single = {"search": OpStats(5, 5.0, 50.0, 80.0, 0, 0),
              "create": OpStats(5, 5.0, 120.0, 150.0, 0, 0),
              "all": OpStats(10, 10.0, 80.0, 150.0, 0, 0)}
    assert rows(concurrent, single) == [
        ["search", 40, "4.0", "200", "900", 0, 0, "50", "4.00"],
        ["create", 10, "1.0", "300", "1200", 1, 2, "120", "2.50"],
        ["all", 50, "5.0", "210", "1100", 1, 2, "", ""],
    ]


def test_parse_mix_weighs_named_operations_and_zeroes_the_rest():
    assert parse_mix("search=5, match=3") == {"search": 5.0, "match": 3.0, "create": 0.0,
                                              "patch": 0.0}


@pytest.mark.parametrize(("text", "message"), [
    ("serch=1", "unknown operation 'serch' (use search, match, create, patch)"),
    ("search=-1", "weight of 'search' must be a number ≥ 0, got '-1'"),
    ("match", "weight of 'match' must be a number ≥ 0, got ''"),
    ("search=0,match=0", "the mix needs at least one operation with a positive weight"),
])
def test_parse_mix_rejects_bad_mixes(text, message):
    with pytest.raises(ValueError) as error:
        parse_mix(text)
    assert str(error.value) == message
