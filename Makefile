# The two commands of the README:
#   make run   sets everything up and starts the authoring app with the demo tour
#   make test  sets everything up and runs the whole test suite
# Both install what a fresh machine lacks: a virtual environment with the package
# (whose build runs `npm ci && npm run build` in web/), and Debian's Chromium for tests.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
DATA   ?= instance

.PHONY: setup run test chromium clean

$(BIN)/tourbuilder: pyproject.toml hatch_build.py web/package.json web/package-lock.json web/build.mjs $(shell find web/src -type f 2>/dev/null)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

setup: $(BIN)/tourbuilder

run: setup
	$(BIN)/tourbuilder --help >/dev/null
	$(BIN)/tourbuilder demo --data $(DATA)
	$(BIN)/tourbuilder serve --data $(DATA) --host $(HOST) --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: setup chromium
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) web/node_modules tourbuilder/static/build build dist
