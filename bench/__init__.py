"""Benchmarks on data of realistic size: `python -m bench [NAME ...]` (or `make bench`).

Each benchmark runs in a PostgreSQL database of its own, `redress_bench`, made afresh from a
migrated template on the server `DATABASE_URL` names, so it never touches the database that URL
names. It prints one line and writes its figures to `bench/results/NAME.json`.
"""
