"""Exchange: exports in formats other tools read (CSV now; REFI-QDA, IATI, backups later)."""
