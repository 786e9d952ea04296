# ntrdb: `make run` to use the site, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz setup migrate seed superuser check clean bench bench-clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py load_seeds

run: seed
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: setup
	$(BIN)/python -m pytest

# The property-based tests (tests/fuzz), searching far more random examples than `make test` does.
fuzz: setup
	HYPOTHESIS_PROFILE=fuzz-long $(BIN)/python -m pytest tests/fuzz

superuser: migrate
	$(BIN)/python manage.py createsuperuser

check: setup
	$(BIN)/python manage.py check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Benchmark: demo databases are built once into .bench/ and reused; bump the version when
# catalog/demo_data.py changes what it generates.
BENCH_DATA_VERSION := 1
BENCH_DIR := .bench
BENCH_ENV := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=benchmark-only DJANGO_ALLOWED_HOSTS=testserver DJANGO_LOG_LEVEL=WARNING DJANGO_STATIC_ROOT=$(BENCH_DIR)/static

$(BENCH_DIR)/demo-v$(BENCH_DATA_VERSION)-%.sqlite3: | setup
	@mkdir -p $(BENCH_DIR)
	rm -f $@.tmp
	NTRDB_SQLITE_PATH=$@.tmp $(BIN)/python manage.py migrate -v0
	NTRDB_SQLITE_PATH=$@.tmp $(BIN)/python manage.py generate_demo_data --works $* --seed 1
	NTRDB_SQLITE_PATH=$@.tmp $(BIN)/python manage.py load_seeds
	mv $@.tmp $@

bench: setup $(BENCH_DIR)/demo-v$(BENCH_DATA_VERSION)-10000.sqlite3 $(BENCH_DIR)/demo-v$(BENCH_DATA_VERSION)-100000.sqlite3
	$(BENCH_ENV) $(BIN)/python manage.py collectstatic --noinput -v0
	for n in 10000 100000; do NTRDB_SQLITE_PATH=$(BENCH_DIR)/demo-v$(BENCH_DATA_VERSION)-$$n.sqlite3 $(BIN)/python manage.py migrate -v0; done
	NTRDB_SQLITE_PATH=$(BENCH_DIR)/demo-v$(BENCH_DATA_VERSION)-10000.sqlite3 $(BENCH_ENV) $(BIN)/python manage.py benchmark --output $(BENCH_DIR)/results-10000.json
	NTRDB_SQLITE_PATH=$(BENCH_DIR)/demo-v$(BENCH_DATA_VERSION)-100000.sqlite3 $(BENCH_ENV) $(BIN)/python manage.py benchmark --output $(BENCH_DIR)/results-100000.json --compare $(BENCH_DIR)/results-10000.json

bench-clean:
	rm -rf $(BENCH_DIR)
