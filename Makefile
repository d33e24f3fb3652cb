# The two commands: `make demo` runs the product, `make test` passes the tests. Both create or reuse .venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test install postgres test-tools bench clean

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

test: install postgres test-tools
	$(PY) -m pytest -q -p no:cacheprovider

bench: install
	bash bench/run.sh

clean:
	rm -rf $(VENV) var .pytest_cache
