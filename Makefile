# The two commands a newcomer needs (see README.md).
.PHONY: run test lint

run:  ## install and start the gateway on the embedded default (SQLite, local memory)
	bash scripts/run.sh

test:  ## install and run the whole test suite (lint, unit, API, integration)
	bash scripts/test.sh

lint:
	.venv/bin/ruff check .
