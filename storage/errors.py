"""The error every storage module raises for the user to read (storage.db re-exports it)."""


class StorageError(Exception):
    """An error the user must read: the message is Chinese with the English in brackets."""
