# Set-up and everyday jobs. `make demo` and `make test` work from a fresh clone:
# both first install what the project needs (Debian packages, then a virtual
# environment with the project and its test tools) and skip what is there.

VENV ?= .venv
BIN := $(VENV)/bin
EXTRAS ?= dev,ocr

.PHONY: setup demo test lint format clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/apt-packages.txt scripts/setup-system
	scripts/setup-system
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[$(EXTRAS)]'
	touch $@

# Serves the site on http://127.0.0.1:8001/ until Ctrl-C; `make demo DEMO_ARGS=--no-serve` builds and exits.
demo: setup
	$(BIN)/xxgk demo $(DEMO_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache
