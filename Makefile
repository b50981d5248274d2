.PHONY: run test lint bench serve-prod

run:  ## install what is missing, migrate, load the demo, serve on 127.0.0.1:$PORT (8000) with a worker
	@bash scripts/run.sh

test:  ## install the test dependencies and run the whole suite
	@bash scripts/test.sh

lint:
	@bash -c 'source scripts/env.sh && "$$UV" sync --locked --quiet && .venv/bin/ruff check . && .venv/bin/python manage.py makemigrations --check --dry-run'

bench:
	@bash bench/run.sh
