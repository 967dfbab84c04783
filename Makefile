# reviewsite: `make run` to try it, `make test` to test it. See README.md.

SHELL := /bin/bash
PORT ?= 8000
VENV ?= .venv
BIN := $(VENV)/bin
# The first Python 3.11+ on PATH; override with `make PYTHON=/path/to/python3.12 ...`.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && { echo $$p; break; }; done)
PIP_FLAGS ?= --quiet --disable-pip-version-check

.PHONY: help install install-dev run serve test test-fast lint format audit bench bench-follow lighthouse clean

help:
	@echo "make run    set up .venv, migrate, load demo content and accounts, serve on :$(PORT)"
	@echo "make test   the whole test suite (DATABASE_URL or SQLite), on every core"
	@echo "make test-fast  the suite without browser and system (real server) tests, on every core"
	@echo "make serve  production-style: gunicorn behind Varnish, DJANGO_DEBUG=0, static via whitenoise"
	@echo "make lint   ruff check and format check"
	@echo "make bench  load test of the review page against the framework's ceiling"
	@echo "make bench-follow  one review e-mailed to 10,000 followers: messages per second"
	@echo "make lighthouse  Lighthouse scores of the home page and the demo review (mobile, light and dark)"
	@echo "make audit  known vulnerabilities in installed packages; Django and Pillow up to date"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "reviewsite needs Python 3.11 or newer on PATH (or make PYTHON=...)." >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install $(PIP_FLAGS) -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install $(PIP_FLAGS) -e ".[dev]"
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py create_demo_accounts
	@echo "Serving on http://127.0.0.1:$(PORT)/  (demo review: /reviews/ballard-season-1-review/, admin: /admin/)"
	@# The task worker (e-mail) runs beside the dev server and stops with it; mail goes to this console.
	$(BIN)/python manage.py db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production-style on this machine. Without DJANGO_SECRET_KEY a random key is kept in the
# git-ignored .secret-key so sessions survive restarts. scripts/serve.py (which takes over
# this shell's pid) runs Varnish, gunicorn and the task worker, starts again any that ends,
# and stops them all on Ctrl-C or SIGTERM.
serve: install
	@test -n "$$DJANGO_SECRET_KEY" -o -s .secret-key || $(BIN)/python -c \
		"import secrets; print(secrets.token_urlsafe(50))" > .secret-key
	export DJANGO_DEBUG=0 DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat .secret-key)}" && \
	$(BIN)/python manage.py collectstatic --noinput -v0 && \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py load_demo && \
	PORT=$(PORT) exec $(BIN)/python scripts/serve.py

# Tests run in one process per core (pytest-xdist; TEST_WORKERS=0 for one process). A file's
# tests stay in one worker, so a module's servers start once. Each worker has its own test
# database (pytest-django's _gw0, _gw1 suffixes) and, with REDIS_URL, its own redis-server.
TEST_WORKERS ?= auto
XDIST = -n $(TEST_WORKERS) $(if $(filter 0,$(TEST_WORKERS)),,--dist loadfile)

test: install-dev
	$(BIN)/python manage.py makemigrations --check --dry-run -v1
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

# Everything but the browser tests and the system tests (real Varnish, gunicorn, PostgreSQL
# clusters, SMTP and the task worker): the loop to run while working.
test-fast: install-dev
	$(BIN)/pytest $(XDIST) -m "not browser and not system" $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev
	$(BIN)/python scripts/bench.py

bench-follow: install-dev
	$(BIN)/python scripts/bench_follow.py

lighthouse: install
	$(BIN)/python scripts/lighthouse.py

audit: install-dev
	$(BIN)/python scripts/audit.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache test-artifacts
