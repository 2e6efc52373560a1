"""Accounts pages: log-in, people and operators, leavers, tokens, TOTP, policy profile."""
