"""Charts and maps for the policy brief, drawn from the ``analyse all`` document."""
