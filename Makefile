# Silver. `make help` lists the targets. `make run` and `make test` set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
NEO4J_DIR := ops/neo4j
NEO4J_STAMP := $(NEO4J_DIR)/target/.built
PORT ?= 8000
export PORT

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(VENV)/.deps: requirements.txt requirements-dev.txt | icu-install
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

.PHONY: deps
deps: pdf-libs $(VENV)/.deps i18n-compile ## Create the virtualenv, install the pinned dependencies (and Pango for PDFs), compile the translations

# The pages' translations (Flask-Babel): web/translations/<lang>/LC_MESSAGES/messages.po is the
# catalog in the repository; its compiled .mo is made here and never committed.
PYBABEL := $(BIN)/pybabel
I18N_DIR := web/translations
I18N_POT := $(I18N_DIR)/messages.pot
I18N_PO := $(wildcard $(I18N_DIR)/*/LC_MESSAGES/messages.po)
I18N_MO := $(I18N_PO:.po=.mo)

.PHONY: i18n-extract
i18n-extract: $(VENV)/.deps ## Extract the pages' messages (`_()`, `N_()`) into web/translations/messages.pot
	$(PYBABEL) --quiet extract -F babel.cfg -k translate -k N_ --no-location --sort-output \
	  --project=Silver -o $(I18N_POT) web

.PHONY: i18n-update
i18n-update: i18n-extract ## Merge new messages into the catalogs (then translate the empty msgstr in the .po)
	$(PYBABEL) --quiet update -i $(I18N_POT) -d $(I18N_DIR) --no-fuzzy-matching --ignore-obsolete \
	  --width=100

.PHONY: i18n-compile
i18n-compile: $(I18N_MO) ## Compile the catalogs (.po) into the .mo files the pages read

$(I18N_DIR)/%/LC_MESSAGES/messages.mo: $(I18N_DIR)/%/LC_MESSAGES/messages.po | $(VENV)/.deps
	$(PYBABEL) --quiet compile -i $< -o $@ -l $*

# WeasyPrint (the PDF report) needs Pango >= 1.44 with its FreeType backend and HarfBuzz's subset
# library, plus a font; Debian 11 and later package them.
PDF_LIBS := libpango-1.0.so.0 libpangoft2-1.0.so.0 libharfbuzz-subset.so.0 libfontconfig.so.1
.PHONY: pdf-libs
pdf-libs: ## Install Pango and a font from Debian packages when missing (WeasyPrint's PDF report)
	@ldconfig=$$(command -v ldconfig || echo /sbin/ldconfig); \
	missing=; for lib in $(PDF_LIBS); do $$ldconfig -p | grep -q "$$lib" || missing=1; done; \
	if [ -n "$$missing" ] || ! fc-list 2>/dev/null | grep -q .; then \
	  echo "installing Pango, HarfBuzz and DejaVu fonts (Debian packages) for the PDF report"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core >/dev/null; \
	fi

$(NEO4J_STAMP): $(NEO4J_DIR)/pom.xml $(NEO4J_DIR)/src/main/java/silver/neo4j/Launcher.java
	@if [ -n "$$NEO4J_URI" ]; then echo "NEO4J_URI is set: not building the local Neo4j"; else \
	  echo "building the local Neo4j launcher with Maven (first time: downloads Neo4j from Maven Central)"; \
	  cd $(NEO4J_DIR) && mvn --batch-mode --quiet -DskipTests package && touch target/.built; fi

.PHONY: neo4j-build
neo4j-build: $(NEO4J_STAMP) ## Build the embedded Neo4j launcher (unless NEO4J_URI is set)

.PHONY: icu-install
icu-install: ## Install what PyICU (of followthemoney) builds with, from Debian packages, when missing
	@missing=""; \
	if ! command -v pkg-config >/dev/null || ! pkg-config --exists icu-i18n; then missing="libicu-dev pkg-config"; fi; \
	command -v c++ >/dev/null || missing="$$missing g++"; \
	py=$$( [ -x $(BIN)/python ] && echo $(BIN)/python || echo $(PYTHON) ); \
	$$py -c 'import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
	  || missing="$$missing python3-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing (Debian packages) to build PyICU"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq $$missing >/dev/null; \
	fi

.PHONY: redis-install
redis-install: ## Install redis-server from Debian packages when it is missing (unless REDIS_URL is set)
	@if [ -z "$$REDIS_URL" ] && ! command -v redis-server >/dev/null; then \
	  echo "installing redis-server (Debian package)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq redis-server >/dev/null; \
	fi

.PHONY: chromium-install
chromium-install: ## Install Debian's chromium for the browser tests when it is missing (unless SILVER_CHROMIUM is set)
	@if [ -z "$$SILVER_CHROMIUM" ] && [ ! -x /usr/bin/chromium ]; then \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium >/dev/null; \
	fi

.PHONY: setup
setup: deps neo4j-build redis-install ## Everything installed and built, nothing started

.PHONY: services
services: setup ## Start the local Neo4j and Redis (those not given by NEO4J_URI / REDIS_URL)
	@ops/services.sh start neo4j redis
	@$(FLASK) graph init

.PHONY: run
run: services ## Set up and serve the API at http://127.0.0.1:$PORT with an rq worker
	@ops/services.sh start worker web
	@echo
	@echo "Silver is serving at http://127.0.0.1:$(PORT)  (health: http://127.0.0.1:$(PORT)/healthz)"
	@echo "Create a user:  echo 'a-long-password' | $(FLASK) users create NAME --role caseworker --agency FIOD --password-stdin"
	@echo "Stop it all:    make stop     Logs: var/log/"

.PHONY: stop
stop: ## Stop everything `make run` or `make services` started (and nothing else)
	@ops/services.sh stop web worker redis neo4j

.PHONY: status
status: ## Show which local processes are running
	@ops/services.sh status

.PHONY: test
test: setup chromium-install lint ## Set up, lint, and run the whole test suite (unit, integration, browser) against real services
	@ops/test.sh

.PHONY: bench
bench: setup ## Run every benchmark in bench/ at a small scale against its own services: figures and ratios
	@ops/bench.sh

.PHONY: unit
unit: deps ## Run the unit tests only (no services)
	$(BIN)/pytest tests/unit -q

.PHONY: lint
lint: deps ## ruff (lint and format check), mypy --strict and the layer contracts (import-linter)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy silver graph screening api web worker wsgi.py
	$(BIN)/lint-imports

.PHONY: fmt
fmt: deps ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

.PHONY: clean
clean: stop ## Stop services and remove build output (keeps var/ data and keys)
	rm -rf $(NEO4J_DIR)/target .pytest_cache .mypy_cache .ruff_cache
