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
	@echo "tipdash: open http://localhost:$(PORT) (Ctrl+C to stop)"
	$(BIN)/python -m streamlit run app.py --server.headless true --server.port $(PORT) \
		--browser.gatherUsageStats false

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not e2e"

# Benchmarks at scale (bench/README.md); `bench/run.py --quick` is the smoke configuration.
bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache
