# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
# The first Python >= 3.11 on the PATH (Django 5.2 supports 3.10-3.13; we use 3.11's typing), unless
# PYTHON names one.
PYTHON ?= $(shell for p in python3.11 python3.12 python3.13 python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
SPA_PORT ?= 5173
# For commands that load the settings but sign nothing; a fresh one each time, strong enough for
# production settings (DEBUG stays off, so they see what production sees).
THROWAWAY_KEY = $$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')
# The locks (README "Dependencies"): every package pinned with the hashes of all its published files,
# resolved from pyproject.toml's ranges for Python >= 3.11 on every platform. base.txt is the image's,
# dev.txt the venv's and CI's, bench.txt dev + bench; each is resolved within the next bigger one, so a
# package has the same version in all three. PYPI may name a mirror that serves PyPI's own files.
PYPI ?= https://pypi.org/simple
LOCK = $(BIN)/uv pip compile pyproject.toml --group build --universal --python-version 3.11 --generate-hashes \
	--index-url $(PYPI) --custom-compile-command "make lock" --quiet $(LOCK_ARGS)

.PHONY: run demo test lock browser-deps pgbouncer-deps lint hadolint schema clients check-deploy services soak clean help bench bench-scale bench-servers

help:
	@echo "make run     - install, migrate and serve on http://$(HOST):$(PORT) (SQLite, db engine)"
	@echo "make demo    - the demo SPA on http://localhost:$(SPA_PORT) and the API it calls on port $(PORT)"
	@echo "make test    - the whole test suite (starts nothing; see README for PostgreSQL/Redis)"
	@echo "make lint    - ruff and mypy"
	@echo "make lock    - re-resolve requirements/*.txt from pyproject.toml (LOCK_ARGS=--upgrade: newest allowed)"
	@echo "make hadolint - lint the Dockerfile"
	@echo "make schema  - regenerate openapi.yaml"
	@echo "make clients - regenerate the client SDKs from openapi.yaml (TypeScript needs Node.js >= 20)"
	@echo "make soak    - two minutes of mixed traffic on gunicorn + PostgreSQL + Redis (docs/reliability.md)"
	@echo "make bench   - benchmarks against stock Django + DRF (PostgreSQL, Redis, wrk; ~20 min; --engines all: ~30)"

# The locked versions, hashes checked, then the project alone, built by the locked setuptools.
$(STAMP): pyproject.toml requirements/dev.txt clients/python/pyproject.toml
	@[ -n "$(PYTHON)" ] || { echo "need Python 3.11 or newer (python3.11, 3.12, 3.13 or python3)"; exit 1; }
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements/dev.txt
	$(BIN)/pip install -q --no-deps --no-build-isolation -e . -e clients/python
	touch $(STAMP)

# After changing pyproject.toml's dependencies. Keeps every version it can; LOCK_ARGS=--upgrade moves all
# to the newest allowed, LOCK_ARGS="--upgrade-package django" one.
lock: $(STAMP)
	$(LOCK) --extra dev --extra bench -o requirements/bench.txt
	$(LOCK) --extra dev -c requirements/bench.txt -o requirements/dev.txt
	$(LOCK) -c requirements/dev.txt -o requirements/base.txt

run: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput
	@echo
	@echo "  API:        http://$(HOST):$(PORT)/api/v1/"
	@echo "  Swagger UI: http://$(HOST):$(PORT)/api/docs/"
	@echo "  ReDoc:      http://$(HOST):$(PORT)/api/redoc/"
	@echo
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The demo SPA (examples/spa) on its own origin, and the API set up to accept it (docs/spa.md).
# Both on localhost: the SPA's and the API's cookies then belong to the same site. Ctrl-C stops both.
demo: $(STAMP)
	DEBUG=$${DEBUG:-1} $(BIN)/python manage.py migrate --noinput -v0
	@echo
	@echo "  SPA:        http://localhost:$(SPA_PORT)/?api=http://localhost:$(PORT)"
	@echo "  API:        http://localhost:$(PORT)/api/v1/"
	@echo "  Swagger UI: http://localhost:$(PORT)/api/docs/"
	@echo
	@trap 'kill $$spa 2>/dev/null' EXIT; \
	$(BIN)/python -m http.server $(SPA_PORT) --bind $(HOST) --directory examples/spa & spa=$$!; \
	DEBUG=$${DEBUG:-1} CORS_ALLOWED_ORIGINS=http://localhost:$(SPA_PORT) \
		CSRF_TRUSTED_ORIGINS=http://localhost:$(SPA_PORT) \
		$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Three workers (each with servers of its own; on two cores a third fills the time tests spend waiting
# on servers and clocks) for most tests; then the black-box suite again on every
# engine that uses Redis, on a Redis Cluster and a Sentinel group the tests start, and on the
# PostgreSQL engines behind PgBouncer (one transport: both reach the stores through the same code);
# then alone the ones that measure time.
PYTEST_WORKERS ?= 3
test: $(STAMP) browser-deps pgbouncer-deps
	PGBOUNCER_TESTS=none $(BIN)/pytest -n $(PYTEST_WORKERS) -m "not serial"
	TEST_ENGINES=scaled TEST_TRANSPORTS=header \
		$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not serial" tests/accounts tests/sessions
	$(BIN)/pytest -m serial

# Headless Chromium for tests/browser, from Debian's packages; returns at once when it is there.
browser-deps:
	@bash scripts/install-browser.sh

# PgBouncer, which the db and cached_db tests also run behind, from Debian's package; the same.
pgbouncer-deps:
	@bash scripts/install-pgbouncer.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=$(THROWAWAY_KEY) $(BIN)/mypy .

hadolint: $(STAMP)
	$(BIN)/hadolint Dockerfile

schema: $(STAMP)
	SECRET_KEY=$(THROWAWAY_KEY) $(BIN)/python manage.py spectacular --validate --fail-on-warn --file openapi.yaml

# The clients generated from openapi.yaml (clients/, README "Client SDKs"); tests fail when they drift.
clients: schema
	cd clients/typescript && npm ci --no-audit --no-fund && npm run generate && npm run build && npm run spa
	$(BIN)/python clients/python/generate.py

check-deploy: $(STAMP)
	SECRET_KEY=$(THROWAWAY_KEY) DEBUG=0 \
		ALLOWED_HOSTS=api.example.com $(BIN)/python manage.py check --deploy --fail-level WARNING

# Two minutes of logins, reads, writes, expiry changes and revocations against gunicorn on the tests'
# PostgreSQL and Redis: fails on any 5xx, lost write or worker memory still growing.
soak: $(STAMP)
	$(BIN)/python benchmarks/soak.py --duration $${SOAK_SECONDS:-120}

# Start the local PostgreSQL and Redis the tests use, if they are installed and down (CI does this).
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || \
		pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || \
		redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no

# Benchmarks (docs/performance.md, results in benchmarks/RESULTS.md): the service under its production
# server and settings on PostgreSQL + Redis, driven by wrk, next to the stock baseline of ../shared/bench when it is there.
# Options go in BENCH_ARGS, e.g. make bench BENCH_ARGS="--engines all --repeat 5".
BENCH_STAMP := $(VENV)/.bench-installed
$(BENCH_STAMP): $(STAMP) requirements/bench.txt
	$(BIN)/pip install -q --require-hashes -r requirements/bench.txt
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP) services
	$(BIN)/python benchmarks/bench.py --chart docs/bench.png $(BENCH_ARGS)

bench-scale: $(BENCH_STAMP) services
	$(BIN)/python benchmarks/scale.py $(BENCH_ARGS)

bench-servers: $(BENCH_STAMP) services
	$(BIN)/python benchmarks/servers.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .mypy_cache .ruff_cache *.egg-info
