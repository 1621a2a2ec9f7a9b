"""Redress: a fair, fast, recorded and open complaints process for membership organisations."""

__version__ = "0.1.0"
