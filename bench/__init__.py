"""Benchmarks (see each module); they print ratios against a reference, never assert timings."""
