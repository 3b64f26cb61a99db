"""Scenario builders and node helpers shared by the tests and the benchmarks (bench/ imports nothing else of tests/)."""
