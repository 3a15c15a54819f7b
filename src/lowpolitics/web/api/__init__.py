"""The JSON API under /api/v1, one module per entity; each defines ``router``."""
