"""Framework-free video helpers: probe, NMEA sidecars, recorder file names, demo footage.

Imported by the Django apps, never importing Django, so each stage is unit-tested on its own.
"""
