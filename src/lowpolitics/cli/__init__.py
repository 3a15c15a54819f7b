"""The ``lowpolitics`` command: a thin Typer shell over the library."""
