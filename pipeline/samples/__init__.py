"""Deterministic sample returns that look like the real system, for the demo and benchmarks."""
