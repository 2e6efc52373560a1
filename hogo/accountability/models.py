"""Models of accountability (training, contractors; being built)."""
