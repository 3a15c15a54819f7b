# Two commands: `make run` (the main job on the bundled data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# where `make run` serves the dashboard: `make run PORT=8123 HOST=0.0.0.0`
PORT ?= 8000
HOST ?= 127.0.0.1

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/lowpolitics demo --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -n 2 tests

# every benchmark at 10× and 100× the demo's size, each against its baseline in the same run
# (about 45 minutes on 2 cores; figures vary with load — see docs/performance.md)
bench: $(VENV)/.installed-dev
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/import_throughput.py 10000 100000 --refused
	$(BIN)/python bench/analyse_all.py 10000 100000
	$(BIN)/python bench/activity_list.py 100000
	$(BIN)/python bench/web_latency.py 10000
	$(BIN)/python bench/api_open_loop.py 10000 100000 --backend both
	$(BIN)/python bench/document_import.py 1 10
	$(BIN)/python bench/segment_throughput.py
	$(BIN)/python bench/place_lookup.py
	$(BIN)/python bench/classify_throughput.py --mb 5 --full 100

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench

clean:
	rm -rf $(VENV) lowpolitics-demo .pytest_cache
