"""Shared test support: factories, fixtures and the browser harness. Imported only by tests."""
