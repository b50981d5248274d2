.PHONY: run test lint typecheck bench serve-prod

run:  ## install what is missing, migrate, load the demo, serve on 127.0.0.1:$PORT (8000) with a worker
	@bash scripts/run.sh

test:  ## install the test dependencies and run the whole suite
	@bash scripts/test.sh

lint:  ## ruff, missing migrations, and the type checker
	@bash -c 'source scripts/env.sh && "$$UV" sync --locked --quiet && .venv/bin/ruff check . && .venv/bin/python manage.py makemigrations --check --dry-run && .venv/bin/mypy'

typecheck:  ## mypy with django-stubs over tutela/ and config/ (settings in pyproject.toml)
	@bash -c 'source scripts/env.sh && "$$UV" sync --locked --quiet && .venv/bin/mypy'

bench:
	@bash bench/run.sh
