# The two commands: `make demo` runs the product, `make test` passes the tests. Both create or reuse .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint install postgres test-tools bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "RoomiAI needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,voice,piper]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(VENV)/bin/roomi demo

postgres:
	@bash scripts/install-postgres.sh

test-tools:
	@bash scripts/install-test-tools.sh
	@bash scripts/install-docker.sh

test: install postgres test-tools lint
	$(PY) -m pytest -q -p no:cacheprovider

# code health: lint, formatting and types of src/ (configured in pyproject.toml)
lint: install
	$(PY) -m ruff check src
	$(PY) -m ruff format --check src
	$(PY) -m mypy

bench: install
	bash bench/run.sh

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
