"""Benchmarks: scripts that print figures (never timed assertions). Entry point: ``python -m benchmarks.harness``."""
