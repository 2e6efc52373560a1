"""Models of complaints (being built)."""
