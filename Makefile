.PHONY: bench bench-scale bench-diff

# Seed PostgreSQL (ed_bench) with 10,000 articles once, serve with gunicorn, load with wrk.
# See docs/performance.md. Needs PostgreSQL on 127.0.0.1:5432 and Debian's wrk.
bench:
	.venv/bin/python bench/run.py

# The working pages at the size of a real site (issue 10): seeds ed_bench_scale once, then
# measures every signed-in page with DEBUG off. See docs/performance.md.
bench-scale:
	.venv/bin/python bench/scale.py

# The word diff on 10,000 and 50,000 words with scattered changes (no database).
bench-diff:
	.venv/bin/python bench/diff.py
