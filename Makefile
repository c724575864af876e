.PHONY: run test lint format bench demo

run:  ## start web + worker
	bin/run

test:  ## run the test suite against PostgreSQL
	bin/test

demo:  ## offline demo: sample sites, sitemap import, worker, contacts table; app left running
	bin/demo

lint:
	bin/venv && .venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	bin/venv && .venv/bin/ruff check --fix . && .venv/bin/ruff format .

bench:
	bin/venv && .venv/bin/python bench/accuracy.py && .venv/bin/python bench/extract_speed.py
