# Kipu: the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test bench lint serve clean system-deps messages venv

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# Kipu's settings are production-safe by default: the demonstration and the development server
# run in development mode (DEBUG, a fixed secret key, mail on the console), and say so.
demo serve: export KIPU_DEBUG := 1

demo: $(STAMP) system-deps
	@echo "Development mode (KIPU_DEBUG=1): for this machine only, never for production."
	$(BIN)/kipu init
	$(BIN)/kipu demo load
	$(BIN)/kipu sitrep --month 2019-11 --lang en --lang es --out out/sitrep-2019-11
	@echo "Situation report (November 2019): out/sitrep-2019-11/{en,es}/sitrep.{html,pdf,docx}"
	@echo "Background jobs: a worker runs beside the server (kipu serve --with-worker)."
	$(BIN)/kipu serve --with-worker --host $(HOST) --port $(PORT)

test: $(STAMP) system-deps
	bash tools/run-tests.sh

# Debian packages the tests and reports use: pdftotext/pdftoppm (poppler-utils), fonts,
# Redis (the RQ task backend's tests; the embedded default needs no server).
SYSTEM_PACKAGES := poppler-utils fonts-dejavu-core libharfbuzz-subset0 chromium redis-server
system-deps:
	@bash tools/system-deps.sh $(SYSTEM_PACKAGES)

bench: $(STAMP)
	$(BIN)/python -m bench.run

lint: $(STAMP)
	$(BIN)/ruff check src tests tools bench
	$(BIN)/ruff format --check src tests tools bench
	$(BIN)/mypy

serve: $(STAMP)
	@echo "Development mode (KIPU_DEBUG=1): for this machine only, never for production."
	$(BIN)/kipu serve --host $(HOST) --port $(PORT)

messages:
	bash tools/update-translations.sh

clean:
	rm -rf $(VENV) var out .pytest_cache .mypy_cache .ruff_cache
