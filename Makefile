.PHONY: bench

# Seed PostgreSQL (ed_bench) with 10,000 articles once, serve with gunicorn, load with wrk.
# See docs/performance.md. Needs PostgreSQL on 127.0.0.1:5432 and Debian's wrk.
bench:
	.venv/bin/python bench/run.py
