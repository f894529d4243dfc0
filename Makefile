# Front door: `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && echo python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-quick lint format bench fuzz install clean-var check-deploy backup restore messages

# Both cores: pytest-xdist, tests with a real worker kept together in one process.
XDIST ?= -n auto --dist loadgroup

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12+ is required (see .python-version)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The English interface: compiled from its .po file whenever that changes (polib, no GNU
# gettext needed). `make messages` extracts the interface strings again after a change.
MO := locale/en/LC_MESSAGES/django.mo locale/nl/LC_MESSAGES/django.mo

$(MO) &: locale/en/LC_MESSAGES/django.po locale/nl/LC_MESSAGES/django.po | $(STAMP)
	$(BIN)/python scripts/messages.py compile

install: $(STAMP) $(MO)

messages: $(STAMP)
	$(BIN)/python scripts/messages.py update

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --silent
	@touch $@

run: $(STAMP) $(MO)
	@scripts/require weasyprint
	@scripts/run

test: $(STAMP) $(MO) node_modules/axe-core/axe.min.js
	@scripts/require chromium
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# The quick loop: everything but the real browser and the real worker.
# QUICK = which tests: CI's run on another day also leaves out "realtime" (see pyproject).
QUICK ?= not browser and not worker
test-quick: $(STAMP) $(MO)
	$(BIN)/pytest $(XDIST) -m "$(QUICK)" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python scripts/messages.py check

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# `make bench`: pages and report; `make bench SCENARIO=load`: users on a real gunicorn
# (scripts/bench_load.py; options in BENCH_ARGS, e.g. BENCH_ARGS="--users 16 --duration 60").
SCENARIO ?=
bench: $(STAMP)
ifeq ($(SCENARIO),load)
	$(BIN)/python scripts/bench_load.py $(BENCH_ARGS)
else ifeq ($(SCENARIO),)
	$(BIN)/python scripts/bench.py
else
	$(error SCENARIO is empty (pages and report) or "load")
endif

# `make fuzz`: schemathesis against a real gunicorn over a throwaway demo database: no
# server error, no status, content type or body the OpenAPI schema does not document
# (scripts/fuzz, scripts/fuzz.toml). FUZZ_EXAMPLES (10), FUZZ_TIMEOUT (900 s), FUZZ_PHASES.
fuzz: $(STAMP) $(MO)
	scripts/fuzz

check-deploy: $(STAMP)
	DEBUG=0 SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=actieplanmonitor.example \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# Backup and restore (README, "Operations"), in the environment of the server (DATABASE_URL,
# VAR_DIR, SECRET_KEY; DEBUG=1 on a development machine). `make backup` writes
# var/backups/actieplanmonitor-<date>-<time>.tar.gz; FILE=<archive> or DIR=<folder> to choose.
# `make restore FILE=<archive>` restores into the empty database of DATABASE_URL.
backup: $(STAMP)
	$(BIN)/python manage.py backup $(if $(FILE),--output "$(FILE)") $(if $(DIR),--dir "$(DIR)")

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=var/backups/actieplanmonitor-....tar.gz" >&2; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"
