# The one entry point: `make run`, `make test`, `make lint`.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
# The newest Python 3.11+ on this machine that really runs (pyenv shims may exist without a version).
FIND_PYTHON := for candidate in python3.13 python3.12 python3.11 python3; do \
	if $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then \
		echo $$candidate; break; fi; done
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format install migrate seed messages clean

$(BIN)/activate: requirements.txt
	@interpreter="$$($(FIND_PYTHON))"; \
	if [ -z "$$interpreter" ]; then echo "Python 3.11 or newer is needed; none was found." >&2; exit 1; fi; \
	if ! pkg-config --exists icu-uc 2>/dev/null; then \
		echo "PyICU (look-alike pseudonyms) builds against ICU: apt-get install libicu-dev pkg-config g++" >&2; exit 1; fi; \
	echo "Creating $(VENV) with $$interpreter"; \
	"$$interpreter" -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --upgrade pip
	$(PYTHON) -m pip install --quiet -r requirements.txt
	touch $(BIN)/activate

install: $(BIN)/activate

migrate: install
	@mkdir -p var/mail var/media
	$(PYTHON) manage.py migrate --no-input

seed: migrate
	$(PYTHON) manage.py seed_demo

run: seed
	@echo ""
	@echo "Meet the Parents runs on http://$(HOST):$(PORT)  (Ctrl-C stops the server and the task worker)"
	@echo "E-mails are written as files to var/mail/"
	@echo ""
	@trap 'kill 0' INT TERM EXIT; \
	$(PYTHON) manage.py db_worker --queue-name '*' & \
	$(PYTHON) manage.py runserver $(HOST):$(PORT)

test: install
	@# Browser and race tests empty the database after each test (they commit, for a live
	@# server or for threads), so they run after the others rather than mixed with them on a
	@# worker. Exit code 5 (nothing selected, e.g. PYTEST_ARGS naming one file) is fine.
	@# The first run makes fresh test databases and keeps them; the second reuses them
	@# instead of migrating a new one per worker again.
	$(PYTHON) -m pytest -n auto --dist loadfile --create-db --reuse-db -m "not browser and not races" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PYTHON) -m pytest -n auto --dist loadfile --reuse-db -m "browser or races" $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	$(PYTHON) manage.py makemessages --locale nl --locale en --ignore=.venv --ignore=var --ignore=staticfiles --no-obsolete
	$(PYTHON) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles
