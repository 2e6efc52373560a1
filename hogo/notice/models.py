"""Models of notice (being built)."""
