"""Complaints (苦情, R-701): intake, routing, answer within the target, closure, yearly list."""
