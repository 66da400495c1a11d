# TradeDesk — the two commands are `make run` and `make test`; the rest are their steps.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test install translations translations-shared translations-area compile-translations db seed chromium lint bench serve clean

run: install compile-translations db seed serve

serve:
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install lint compile-translations chromium
	$(BIN)/pytest

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "TradeDesk needs Python 3.11 or newer")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

db: install
	mkdir -p instance
	$(BIN)/flask db upgrade

seed: install
	$(BIN)/flask seed-demo

# Catalogues: app/translations holds the shared strings (layout, core, auth, admin, home);
# each area keeps its own app/<area>/translations so areas never edit one file at once.
translations: translations-shared
	@for area in customers research plans care contracts coordination pricing reports; do \
	  if [ -d app/$$area/translations ]; then $(MAKE) -s translations-area AREA=$$area; fi; done
	$(MAKE) compile-translations

translations-shared: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k pgettext:1c,2 -k lazy_pgettext:1c,2 -o /tmp/tradedesk-core.pot \
	  app/__init__.py app/config.py app/extensions.py app/core app/auth app/admin app/home \
	  templates/*.html templates/auth templates/admin templates/home templates/errors
	$(BIN)/python -m app.core.catalogues update /tmp/tradedesk-core.pot app/translations
	$(BIN)/pybabel compile -f -d app/translations >/dev/null

# One area's catalogue only (what an area's developer runs): make translations-area AREA=customers
translations-area: install
	@test -n "$(AREA)" || { echo "usage: make translations-area AREA=<area>"; exit 2; }
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k pgettext:1c,2 -k lazy_pgettext:1c,2 -o /tmp/tradedesk-$(AREA).pot \
	  app/$(AREA) $$(test -d templates/$(AREA) && echo templates/$(AREA)) >/dev/null
	$(BIN)/python -m app.core.catalogues update /tmp/tradedesk-$(AREA).pot app/$(AREA)/translations
	$(BIN)/pybabel compile -f -d app/$(AREA)/translations >/dev/null

compile-translations: install
	@for dir in app/translations app/*/translations; do \
	  if [ -d $$dir ]; then $(BIN)/pybabel compile -f -d $$dir >/dev/null 2>&1 || $(BIN)/pybabel compile -f -d $$dir; fi; done

# Chromium for the browser tests: installed with apt when we are root, else a clear message.
chromium:
	@if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian chromium for the browser tests…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else \
	  echo "The browser tests need Chromium at /usr/bin/chromium. Install it with: sudo apt-get install chromium fonts-noto-cjk" >&2; exit 1; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/bandit -q -c pyproject.toml -r app

bench: install compile-translations
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache
