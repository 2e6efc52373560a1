"""Helpers the test suite shares: a real S3 server (moto_server) and hogo child processes.

Nothing here is imported by hogo itself; the suite loads `hogo.testing.s3` as a pytest plugin
from the root conftest.py.
"""
