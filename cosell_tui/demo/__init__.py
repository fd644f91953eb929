"""Demo data: a deterministic partner world (organisations, people, a catalog, customers and deals)
for `cosell demo`, `cosell seed`, the tests and the benchmarks.

It is the only part of cosell that uses Faker, which is installed with the `demo` extra
(`pip install 'cosell-tui[demo]'`); nothing else imports this package.
"""
