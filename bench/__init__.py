"""Benchmarks and the load test: scripts that print tables (see docs/benchmarks.md). Not tests."""
