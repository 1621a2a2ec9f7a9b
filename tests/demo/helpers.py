"""Shared by the demo tests."""

# The real hasher takes half a second a password; the demo seeds fifteen accounts.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
