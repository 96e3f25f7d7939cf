.PHONY: bench mutate

# Seed PostgreSQL (ed_bench) with 10,000 articles once, serve with gunicorn, load with wrk.
# See docs/performance.md. Needs PostgreSQL on 127.0.0.1:5432 and Debian's wrk.
bench:
	.venv/bin/python bench/run.py

# Mutation testing of the rule core with mutmut on SQLite; survivors must be killed or listed
# in tools/mutation-equivalents.txt. See docs/mutation-testing.md.
mutate:
	.venv/bin/python tools/mutate.py
