# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
# The suite in as many processes as there are cores (at most 4): each builds its own test database and
# demo template, the tests share nothing else (own PostgreSQL schema, tmux socket, port, Redis prefix).
PYTEST_ARGS ?= -n auto --maxprocesses 4

.PHONY: run test install install-test system-deps demo bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "daihoi needs Python 3.11+ (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

install-test: $(VENV)/.installed-test

# A stamp: the test extra is installed again only when pyproject.toml changes (so two `make test` at once,
# as .ci/run starts them, do not both run pip in one venv).
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

## make run: install, migrate, load the demo province if the database is empty, serve.
run: install
	$(BIN)/daihoi db upgrade
	$(BIN)/daihoi demo --if-empty
	$(BIN)/daihoi serve --host $(HOST) --port $(PORT)

## make test: install with the test extras and the Debian programs the tests drive (Chromium, tmux,
## LibreOffice: apt-get when run as root, else a message naming the packages), run the whole suite.
test: install-test system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## make bench: the benchmarks at national scale (DB=postgresql for PostgreSQL); not part of `make test`.
DB ?= sqlite
UNITS ?= 150000
bench: install
	$(BIN)/python -m bench --units $(UNITS) --db $(DB)

system-deps:
	@scripts/system-deps

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
