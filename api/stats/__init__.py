"""Pilot statistics for evaluators: JSON, CSV and an HTML report with charts."""
