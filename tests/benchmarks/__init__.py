"""Benchmark scripts: they print figures (tests/kiosk/test_bench_load.py keeps one working)."""
