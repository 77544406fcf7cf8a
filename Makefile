# Every target sets itself up from nothing: a fresh clone needs only Python 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DATA ?= data
PORT ?= 8866
CHROMIUM ?= /usr/bin/chromium
# Debian's initdb; the store's tests start a throwaway PostgreSQL cluster with it.
PG_INITDB ?= /usr/lib/postgresql/*/bin/initdb
PG_LOOK = { ls $(PG_INITDB) || command -v initdb; } >/dev/null 2>&1
# 1 when PostgreSQL is there (expanded when a recipe runs, so after `postgres` has installed it).
PG_FOUND = $(shell $(PG_LOOK) && echo 1 || echo 0)
# LibreOffice (Debian's libreoffice-calc-nogui): the export tests open the files in it and read them back.
SOFFICE ?= soffice
LO_FOUND = $(shell command -v $(SOFFICE) >/dev/null 2>&1 && echo 1 || echo 0)
# Debian's nginx: the deploy site is checked (nginx -t) and run in front of the hub in tests/hub/.
NGINX ?= /usr/sbin/nginx
NGINX_FOUND = $(shell [ -x $(NGINX) ] && echo 1 || echo 0)
# poppler-utils' pdftotext: the certificate tests read the PDF back with it.
POPPLER_FOUND = $(shell command -v pdftotext >/dev/null 2>&1 && echo 1 || echo 0)
# pytest-xdist workers for `make test`: three on two cores, because most of the slow tests wait (on a
# server starting, a page, pip) rather than compute (`make test WORKERS=4` on a bigger machine).
WORKERS ?= 3
# The fast tier computes: one worker a core.
FAST_WORKERS ?= 2
# PYTHONDONTWRITEBYTECODE emptied: many containers set it, and then every process the tests start
# (each Voila server and kernel) compiled the package's modules again (~1 s of CPU a process,
# hundreds of processes in a run); with it empty the first one writes __pycache__ (ignored by git).
TEST_ENV = PZ_CHROMIUM=$(CHROMIUM) PZ_REQUIRE_POSTGRES=$(PG_FOUND) PZ_REQUIRE_LIBREOFFICE=$(LO_FOUND) \
	PZ_REQUIRE_NGINX=$(NGINX_FOUND) PZ_REQUIRE_POPPLER=$(POPPLER_FOUND) PYTHONDONTWRITEBYTECODE=

.PHONY: demo test test-fast bench check chromium postgres proxy libreoffice poppler nginx ab clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## demo: set up, create the demo trainings in ./data and start the apps (Ctrl+C stops)
demo: $(STAMP)
	$(BIN)/pztraining demo --data-dir $(DATA) --port $(PORT)

## lint: ruff (lint rules in pyproject.toml, and the layout `ruff format` writes) and mypy (strict on the pure layers)
.PHONY: lint
lint: $(STAMP)
	$(BIN)/ruff check pztraining tests benchmarks
	$(BIN)/ruff format --check pztraining tests benchmarks
	$(BIN)/mypy

# `make test` lints after its set-up and before any test, and stops at the first finding (a rule of
# its own, so the test recipe itself stays as it is).
test: lint

## test: set up, make sure Chromium, PostgreSQL and LibreOffice are there, and run the whole suite (browser
## tests included); where PostgreSQL or LibreOffice is there its tests may not skip (PZ_REQUIRE_POSTGRES=1,
## PZ_REQUIRE_LIBREOFFICE=1), and every skip is listed (-rs). Two phases: every test on $(WORKERS) workers
## (pytest-xdist; a module's servers stay on one worker), then the tests that measure time or CPU use
## (marker `alone`) with nothing beside them. Both phases run; the target fails when either failed.
test: $(STAMP) chromium postgres proxy libreoffice poppler nginx
	@status=0; \
	$(TEST_ENV) $(BIN)/python -m pytest -q -rs -n $(WORKERS) --dist loadfile -m "not alone" || status=1; \
	$(TEST_ENV) $(BIN)/python -m pytest -q -rs -m alone || status=1; \
	exit $$status

## test-fast: the tests that run in one process only (marker `fast`: pure logic, widgets, the store on
## SQLite; no server, browser, PostgreSQL, LibreOffice or other process), on $(FAST_WORKERS) workers
# Python keeps the package's bytecode and pytest its rewritten test modules (__pycache__, ignored by
# git) also where the environment says not to (PYTHONDONTWRITEBYTECODE, set in many containers):
# otherwise every worker compiles the package and rewrites every test module again, each run
# (~2.5 s of CPU a worker, before the first test).
test-fast: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -m fast -n $(FAST_WORKERS)

## check: validate every content file
check: $(STAMP)
	$(BIN)/pztraining check

## bench: print the benchmark tables
bench: $(STAMP) nginx ab
	$(BIN)/python benchmarks/run.py

chromium:
	@if [ -x "$(CHROMIUM)" ]; then \
		echo "Chromium: $(CHROMIUM)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "Chromium ontbreekt: installeren met apt-get…"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; \
	else \
		echo "Chromium ontbreekt voor de browsertests. Installeer het als root met:"; \
		echo "    sudo apt-get install chromium"; \
		echo "of wijs een andere Chromium aan met: make test CHROMIUM=/pad/naar/chromium"; \
		exit 1; \
	fi

postgres:
	@if [ "$(PG_FOUND)" = "1" ]; then \
		echo "PostgreSQL: aanwezig (de store-tests draaien ook op PostgreSQL)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "PostgreSQL ontbreekt: installeren met apt-get (voor de store-tests)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }; \
		if ! $(PG_LOOK); then \
			echo "PostgreSQL installeren is mislukt: zonder PostgreSQL draaien de store-tests maar half."; \
			echo "Installeer het met: apt-get install postgresql"; \
			exit 1; \
		fi; \
	else \
		echo "PostgreSQL ontbreekt: de PostgreSQL-varianten van de store-tests worden overgeslagen."; \
		echo "Installeer het met: sudo apt-get install postgresql"; \
	fi

# configurable-http-proxy (npm): the proxy of the real JupyterHub in tests/hub/.
proxy:
	@if command -v configurable-http-proxy >/dev/null; then \
		echo "configurable-http-proxy: $$(command -v configurable-http-proxy)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "configurable-http-proxy ontbreekt: installeren met npm…"; \
		command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }; \
		npm install -g --silent configurable-http-proxy >/dev/null; \
		command -v configurable-http-proxy >/dev/null || { echo "configurable-http-proxy installeren is mislukt."; exit 1; }; \
	else \
		echo "configurable-http-proxy ontbreekt voor de JupyterHub-test. Installeer het als root met:"; \
		echo "    sudo apt-get install npm && sudo npm install -g configurable-http-proxy"; \
		exit 1; \
	fi

libreoffice:
	@if [ "$(LO_FOUND)" = "1" ]; then \
		echo "LibreOffice: $$(command -v $(SOFFICE)) (de exports worden erin teruggelezen)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "LibreOffice ontbreekt: installeren met apt-get (voor de exporttests)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null; }; \
		if ! command -v $(SOFFICE) >/dev/null 2>&1; then \
			echo "LibreOffice installeren is mislukt: zonder LibreOffice worden de exports niet teruggelezen."; \
			echo "Installeer het met: apt-get install libreoffice-calc-nogui"; \
			exit 1; \
		fi; \
	else \
		echo "LibreOffice ontbreekt: de exporttests die de bestanden in LibreOffice openen worden overgeslagen."; \
		echo "Installeer het met: sudo apt-get install libreoffice-calc-nogui"; \
	fi

# nginx (Debian's package; its service is not started: the tests run a private one).
nginx:
	@if [ -x "$(NGINX)" ]; then \
		echo "nginx: $$($(NGINX) -v 2>&1)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "nginx ontbreekt: installeren met apt-get (voor de tests van de nginx-site)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }; \
		if [ ! -x "$(NGINX)" ]; then \
			echo "nginx installeren is mislukt. Installeer het met: apt-get install nginx"; \
			exit 1; \
		fi; \
	else \
		echo "nginx ontbreekt: de tests van de nginx-site worden overgeslagen."; \
		echo "Installeer het met: sudo apt-get install nginx"; \
	fi

# ApacheBench (Debian's apache2-utils): the benchmarks' page rows with a client in C beside the Python phones.
ab:
	@if command -v ab >/dev/null; then \
		echo "ApacheBench: $$(command -v ab)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "ApacheBench ontbreekt: installeren met apt-get (voor de benchmarks)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2-utils >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq apache2-utils >/dev/null; }; \
	else \
		echo "ApacheBench ontbreekt: de benchmarks meten de pagina's alleen met de Python-telefoons."; \
		echo "Installeer het met: sudo apt-get install apache2-utils"; \
	fi

# pdftotext (Debian's poppler-utils): the certificate tests read the printed PDF back as text.
poppler:
	@if command -v pdftotext >/dev/null; then \
		echo "pdftotext: $$(command -v pdftotext)"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "pdftotext ontbreekt: installeren met apt-get (voor de certificaattests)…"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null 2>&1 || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null; }; \
		command -v pdftotext >/dev/null || { echo "poppler-utils installeren is mislukt."; exit 1; }; \
	else \
		echo "pdftotext ontbreekt: de certificaattests worden overgeslagen. Installeer het als root met:"; \
		echo "    sudo apt-get install poppler-utils"; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache
