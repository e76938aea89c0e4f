"""Quality and speed benchmarks, run on demand with `make bench` (never part of the tests)."""
