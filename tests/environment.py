"""Loaded by pytest (`-p tests.environment`) before Django reads its settings.

Gives the test run the safe defaults a developer machine would have: a throwaway secret,
the test hosts, and plain HTTP. Real environment variables still win.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("HTTPS", "0")
