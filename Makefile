# Samia hub: two commands (`make demo`, `make test`); everything installs into .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test lint typecheck pytest demo bench clean

install: $(STAMP)

# Reinstall only when the lock or the project metadata changed, so a warm run takes seconds.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.9"
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@# The dashboard's browser test drives Debian's Chromium; as root with apt, install it
	@# once (about 30 s); anywhere else, or if apt fails, that one test skips and says why.
	@command -v chromium >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 \
	  || [ "$$(id -u)" != 0 ] || { echo "installing chromium for the dashboard browser test"; \
	  ( DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
	    || { apt-get update -qq >/dev/null 2>&1 \
	         && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; } ) \
	  || echo "chromium not installed: the dashboard browser test will skip"; }
	@touch $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -n 2 --dist loadgroup

test: lint typecheck pytest

demo: install
	$(BIN)/samia demo

bench: install
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var/*.db
