"""Framework-free rules: what the law and the seed documents decide, unit-tested without Django."""
