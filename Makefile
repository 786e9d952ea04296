# ntrdb: `make run` to use the site, `make test` to check it.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup migrate seed superuser check clean

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

superuser: migrate
	$(BIN)/python manage.py createsuperuser

check: setup
	$(BIN)/python manage.py check

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
