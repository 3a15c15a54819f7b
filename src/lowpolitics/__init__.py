"""lowpolitics — an observatory for cultural diplomacy between two states.

Data flows one way: sources → ingest → store → analyse → advise → present. Each stage is a
subpackage and imports only from stages to its left and from :mod:`lowpolitics.framework`.
"""

__version__ = "0.1.0"
