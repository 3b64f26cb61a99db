"""Adapters: HTTP, CLI, persistence, reference data, clock, configuration, and the composition root."""
