"""Ingest: read users' files, validate every cell, and hand over clean records.

Nothing here touches the database; :mod:`lowpolitics.store.loader` writes what ingest
validated, in one transaction.
"""
