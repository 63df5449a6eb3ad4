# One-command entry points. `make run` and `make test` work on a fresh clone.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA ?= kiosk-data
PORT ?= 8550

.PHONY: run test check lint types browser bench clean

$(BIN)/esafety: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

## run: set up, then serve the kiosk on the shipped sample content
run: $(BIN)/esafety
	$(BIN)/esafety kiosk --data $(DATA) --port $(PORT)

## browser: make sure Debian's Chromium is there for the real-browser tests
browser:
	@bash .ci/ensure-chromium

## test: set up, then run every test (core, CLI, content, real browser)
test: $(BIN)/esafety browser
	$(BIN)/pytest

## lint / types / check: ruff, mypy on the core, then every test
lint: $(BIN)/esafety
	$(BIN)/ruff check .
types: $(BIN)/esafety
	$(BIN)/mypy
check: lint types test

## bench: print the save-latency and register figures (not tests)
bench: $(BIN)/esafety
	$(BIN)/python tests/benchmarks/bench_save.py
	$(BIN)/python tests/benchmarks/bench_signatures.py
	$(BIN)/python tests/benchmarks/bench_export.py
	$(BIN)/python tests/benchmarks/bench_merge.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache .ruff_cache
