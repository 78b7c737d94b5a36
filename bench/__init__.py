"""Benchmarks of daihoi against their floors (raw SQL on the same database, bare Flask): `python -m bench`."""
