# The handful of commands people need. `make play` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: play test lint format bench simulate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml tests/node/package-lock.json | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	cd tests/node && npm ci --silent --no-audit --no-fund  # a standard EventSource for the tests
	touch $@ $(VENV)/.installed-run

play: $(VENV)/.installed-run  ## play a game in the terminal
	$(BIN)/werewolf play $(ARGS)

test: $(VENV)/.installed-dev  ## run the whole suite (and every check)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pyright
	$(BIN)/pytest -q -n 2 $(ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/pyright

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

simulate: $(VENV)/.installed-run
	$(BIN)/werewolf simulate --games 500 --players 9 --seed 1

bench: $(VENV)/.installed-dev  ## every benchmark in docs/benchmarks.md (several minutes)
	$(BIN)/werewolf simulate --games 500 --players 9 --seed 1
	$(BIN)/python bench/server_bench.py --games 50 --viewers 5 --pace 30 --seconds 25
	$(BIN)/python bench/tui_bench.py --rate 100 --seconds 10
	$(BIN)/python bench/llm_bench.py --games 5
	$(BIN)/python bench/bots_bench.py --games 40

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .import_linter_cache
