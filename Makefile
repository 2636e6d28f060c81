# The two commands of the README:
#   make run   sets everything up and starts the authoring app with the demo tour
#   make test  sets everything up and runs the whole test suite
# Both install what a fresh machine lacks: a virtual environment with the package
# (whose build runs `npm ci && npm run build` in web/), Debian's espeak-ng and ffmpeg for
# narration (robot voices, m4a recordings), Debian's Chromium for tests, and Debian's PostgreSQL
# server: `make test` runs the suite twice, on SQLite and on PostgreSQL (tests/pg/: a throwaway
# server in a temporary folder; the package's own cluster is not used).

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
DATA   ?= instance

.PHONY: setup run test test-sqlite test-postgres chromium voices postgres clean

# piper-tts is installed without its dependencies (onnxruntime...) only for its espeak-ng data
# folder (the Mongolian voice: lang/xgn/mn, mn_dict), read by Debian's espeak-ng in its own
# process; piper itself is never imported (GPL). See tourbuilder/narration/README.md.
$(BIN)/tourbuilder: pyproject.toml hatch_build.py tourbuilder/panorama/_sample.c web/package.json web/package-lock.json web/build.mjs $(shell find web/src -type f 2>/dev/null)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m pip install --quiet --no-deps "piper-tts>=1.8,<2"
	$(BIN)/python -m compileall -q tourbuilder  # an editable install under PYTHONDONTWRITEBYTECODE gets none
	touch $@

setup: $(BIN)/tourbuilder

run: setup voices
	$(BIN)/tourbuilder --help >/dev/null
	$(BIN)/tourbuilder demo --data $(DATA)
	$(BIN)/tourbuilder serve --data $(DATA) --host $(HOST) --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

voices:
	@command -v espeak-ng >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1 || { \
	  echo "Installing Debian's espeak-ng (offline robot voices) and ffmpeg (m4a recordings)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    espeak-ng ffmpeg >/dev/null; }

postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { \
	  echo "Installing Debian's PostgreSQL server (the second run of the tests)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    postgresql >/dev/null; }

test: test-sqlite test-postgres

test-sqlite: setup chromium voices
	$(BIN)/python -m pytest --database=sqlite

test-postgres: setup chromium voices postgres
	$(BIN)/python -m pytest --database=postgresql

clean:
	rm -rf $(VENV) web/node_modules tourbuilder/static/build build dist
