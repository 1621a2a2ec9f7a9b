#!/usr/bin/env python
"""Django's manage.py, for developers used to it; operators use the `redress` command."""

from redress.cli import main

if __name__ == "__main__":
    main()
