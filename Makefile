# KetNoi: `make run` serves the API on localhost:8000 with the seed data; `make test` runs the tests.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install run init test test-postgres lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	# CPU build of torch from this machine's disk (a plain `torch` would pull a CUDA build)
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[sbert,dev]'
	touch $(STAMP)

install: $(STAMP)

init: $(STAMP)
	$(BIN)/ketnoi init

# The local demo lets /search answer without a key (as the README's curl does); every other
# route needs the admin key `ketnoi init` prints. Deployments leave KETNOI_PUBLIC_SEARCH unset.
run: init
	KETNOI_PUBLIC_SEARCH=$${KETNOI_PUBLIC_SEARCH:-true} $(BIN)/ketnoi serve

test: $(STAMP)
	$(BIN)/ruff check matcher api embeddings tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q
	$(MAKE) test-postgres

# The API and migration tests again on a throwaway PostgreSQL cluster the tests start
# themselves (needs the server programs: apt-get install postgresql); see README "Development".
# The browser tests run once, on SQLite (the pages' TestClient tests run on both).
test-postgres: $(STAMP)
	KETNOI_TEST_DATABASE=postgresql $(BIN)/python -m pytest -q -m "not browser" tests/api \
		tests/matcher/platform/test_migrations.py tests/matcher/platform/test_outbox.py \
		tests/matcher/platform/test_follower.py tests/matcher/alerts

lint: $(STAMP)
	$(BIN)/ruff check matcher api embeddings tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) data .pytest_cache
