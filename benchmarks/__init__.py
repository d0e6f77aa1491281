"""The benchmark suite (issue 11): `python -m benchmarks [--quick]`.

Seeded synthetic guilds (`benchmarks.synthetic`, loaded by `benchmarks.data`) of 10k / 100k
members; one module per measurement (`bench_*`), each exposing
`async def run(ctx) -> list[Measurement]` and run once per backend, SQLite and PostgreSQL
(`benchmarks.harness`); results side by side in BENCHMARKS.md (`benchmarks.report`). See
BENCHMARKS.md for the method and the figures.
"""
