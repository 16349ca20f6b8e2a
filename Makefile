# Quick start: `make run` (answer the bundled example, then chat in the console) and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test eval bench lint clean

# Graphviz's `dot` draws the workflow PNG; install it with the system's package manager when
# we can (root on Debian/Ubuntu), otherwise say how. Without it answers still carry the text
# diagram.
system-deps:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get install -y -qq graphviz >/dev/null 2>&1 || \
	     (apt-get update -qq >/dev/null && apt-get install -y -qq graphviz >/dev/null)) \
	    && echo "installed graphviz"; \
	  else echo "note: install graphviz (e.g. 'sudo apt-get install graphviz') for PNG diagrams"; fi; }

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

# Bytecode for the project's own modules: an editable install compiles none, and where
# PYTHONDONTWRITEBYTECODE is set every command would recompile them (~70 ms of a cold `ask`).
setup: system-deps $(STAMP)
	@$(BIN)/python -m compileall -q bot adapters templates >/dev/null

run: setup
	$(BIN)/sourcebound serve

test: setup
	$(BIN)/pytest

eval: setup
	$(BIN)/python ../shared/eval/score.py --cli "$(BIN)/sourcebound" -v

bench: setup
	$(BIN)/python bench/run.py

lint: setup
	$(BIN)/ruff check bot adapters tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .mypy_cache
