"""Judging vehicles: rule sets, per-vehicle-day statistics, period metrics, scores and proposals."""
