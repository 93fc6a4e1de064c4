"""Field declarations, validation and the exit criteria — Qt-free."""
