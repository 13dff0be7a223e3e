# The two commands: `make run` (set up and start the dashboard) and `make test` (set up and run every test).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501

.PHONY: setup run test test-fast bench init clean

# Rebuilt when missing or older than the requirements.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)

init: setup
	$(BIN)/python -m tipdash init

run: init
	@tools/system-deps.sh run chromium:chromium
		@echo "tipdash: open http://localhost:$(PORT) (Ctrl+C to stop)"
	$(BIN)/python -m streamlit run app.py --server.headless true --server.port $(PORT) \
		--browser.gatherUsageStats false

# System programs (Chromium for the browser tests, pdftoppm for the PDF note, nginx and openssl for
# the replica test) are installed from Debian's packages when missing, or make stops with the line to run.
test: setup
	@tools/system-deps.sh test chromium:chromium pdftoppm:poppler-utils nginx:nginx openssl:openssl
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not e2e"

# Benchmarks at scale (bench/README.md); `bench/run.py --quick` is the smoke configuration.
bench: setup
	@tools/system-deps.sh bench chromium:chromium
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache
