# ntrdb: `make run` to use the site, `make test` to check it, `make lint` to check the code.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# What each kind of target installs into .venv: the site's dependencies (`.`), then the test
# tools the site does not need (`.[test]`: pytest, Playwright, Hypothesis...), then the lint tools.
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
LINT_STAMP := $(VENV)/.installed-lint
HOST ?= 127.0.0.1
PORT ?= 8000
# The end-to-end tests drive Debian's Chromium through Playwright; no browser is downloaded.
CHROMIUM := /usr/bin/chromium
APT_GET := $(if $(filter 0,$(shell id -u)),,sudo )env DEBIAN_FRONTEND=noninteractive apt-get
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: run test lint fuzz setup setup-test migrate seed superuser check clean bench bench-clean serve loadtest backup require-secret-key browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

# Each stamp builds on the one before, so a changed pyproject.toml reinstalls all three in turn.
$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

$(LINT_STAMP): $(TEST_STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,lint]'
	touch $(LINT_STAMP)

# The site (run, serve, migrate, the benchmark and the load test); the test suite.
setup: $(STAMP)
setup-test: $(TEST_STAMP)

# The formatter and linter, the template indentation, the type checker ([tool.mypy]) and the
# app-layer contracts ([tool.importlinter]), all configured in pyproject.toml.
lint: $(LINT_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates
	$(BIN)/mypy
	$(BIN)/lint-imports

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_seeds

run: seed
	@echo ""
	@echo "ntrdb is served at http://$(HOST):$(PORT)/ (another port: make run PORT=8080)"
	@echo "Curation: http://$(HOST):$(PORT)/admin/ (make an account for it with make superuser)"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite on SQLite, then on PostgreSQL in a throwaway database when a server answers on
# 127.0.0.1:5432 (tests/run.py); the other two run one database only. Extra pytest
# arguments: make test PYTEST_ARGS="-k search".
.PHONY: test-sqlite test-postgres
test: setup-test browser
	$(BIN)/python -m tests.run $(PYTEST_ARGS)

test-sqlite: setup-test browser
	$(BIN)/python -m tests.run --only sqlite $(PYTEST_ARGS)

test-postgres: setup-test browser
	$(BIN)/python -m tests.run --only postgresql $(PYTEST_ARGS)

# Production: gunicorn (config/gunicorn.py) with DEBUG off, whitenoise serving the collected files.
# DJANGO_ALLOWED_HOSTS defaults to the loopback names so a local try works as it is.
PROD_ENV = DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"

require-secret-key:
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make serve: set DJANGO_SECRET_KEY to a long random string first (see README, Production deployment)." >&2; exit 1; }

serve: require-secret-key setup
	$(PROD_ENV) $(BIN)/python manage.py migrate --noinput
	$(PROD_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	$(PROD_ENV) HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn --config config/gunicorn.py

# The site under gunicorn on a throwaway database (DATABASE_URL picks SQLite or PostgreSQL),
# driven by concurrent clients; e.g. make loadtest LOADTEST_ARGS="--clients 32 --duration 60".
loadtest: setup browser
	$(BIN)/python -m tooling.loadtest $(LOADTEST_ARGS)

backup: setup
	$(BIN)/python manage.py backup

browser:
	@if [ ! -x $(CHROMIUM) ] || ! command -v npm >/dev/null; then \
		echo "Installing what the end-to-end tests need: Debian's chromium, and npm for axe-core"; \
		echo "+ $(APT_GET) update && $(APT_GET) install -y chromium$$(command -v npm >/dev/null || echo ' npm')"; \
		$(APT_GET) update -q && $(APT_GET) install -y -q chromium $$(command -v npm >/dev/null || echo npm); \
	fi

# The property-based tests (tests/fuzz), searching far more random examples than `make test` does.
fuzz: setup-test
	HYPOTHESIS_PROFILE=fuzz-long $(BIN)/python -m pytest tests/fuzz

superuser: migrate
	$(BIN)/python manage.py createsuperuser
	@echo "Log in at http://$(HOST):$(PORT)/admin/ while make run serves the site."

check: setup
	$(BIN)/python manage.py check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .e2e screenshots

# Benchmark (tooling/bench.py): every page on SQLite and, when a server answers on
# 127.0.0.1:5432, on PostgreSQL, at 10,000 and 100,000 works. Each demo database is built once
# (.bench/ for SQLite, databases ntrdb_bench_v* on the server) and reused; tooling/bench.py's
# DATA_VERSION is bumped when tooling/demo_data.py changes what it generates.
# bench-large: the same at 1,000,000 works (long: the first build takes about an hour per database).
# bench-http: list pages under gunicorn against a bare Django view (tooling/bench_http.py; needs wrk).
.PHONY: bench-large bench-http
bench: setup
	$(BIN)/python -m tooling.bench --sizes 10000 100000 $(BENCH_ARGS)

bench-large: setup
	$(BIN)/python -m tooling.bench --sizes 10000 1000000 $(BENCH_ARGS)

bench-http: setup
	@command -v wrk >/dev/null || { echo "+ $(APT_GET) install -y wrk"; $(APT_GET) install -y -q wrk; }
	$(BIN)/python -m tooling.bench_http $(BENCH_ARGS)

bench-clean: setup
	$(BIN)/python -m tooling.bench --drop
	rm -rf .bench
