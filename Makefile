# The two commands of the README: `make demo` and `make test`. Each sets up what it needs.
# `make bench` measures the toolkit's speed against its budgets (benchmarks/README.md).
VENV := .venv
STAMP := $(VENV)/.installed
EXAMPLE := examples/japan-rok-relations.md

BENCH_STAMP := $(VENV)/.bench-installed
BENCH_ARGS ?=

.PHONY: setup demo test lint typecheck unit bench clean

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $@

setup: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/exporter build $(EXAMPLE) --out dist --explain

lint: $(STAMP)
	$(VENV)/bin/ruff check exporter tests scripts benchmarks
	$(VENV)/bin/ruff format --check exporter tests scripts benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/pytest

test: lint typecheck unit

# pandoc (pypandoc-binary) and the proof benchmark's HTTP client, beside the toolkit.
$(BENCH_STAMP): benchmarks/requirements.txt $(STAMP)
	$(VENV)/bin/python -m pip install -q -r benchmarks/requirements.txt
	touch $@

# Every figure beside its budget, written to dist/bench.json; BENCH_ARGS=--quick for less.
bench: $(BENCH_STAMP)
	$(VENV)/bin/python benchmarks/bench.py $(BENCH_ARGS)

clean:
	rm -rf dist test-artifacts .pytest_cache .mypy_cache .ruff_cache
