# The two commands of the README: `make demo` and `make test`. Each sets up what it needs.
VENV := .venv
STAMP := $(VENV)/.installed
EXAMPLE := examples/japan-rok-relations.md

.PHONY: setup demo test lint typecheck unit clean

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

clean:
	rm -rf dist test-artifacts .pytest_cache .mypy_cache .ruff_cache
