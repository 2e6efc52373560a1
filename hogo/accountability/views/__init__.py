"""Screens of accountability: training (training.py) and contractors (contractors.py)."""
