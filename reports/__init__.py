"""Printable reports (reportlab) — Qt-free."""
