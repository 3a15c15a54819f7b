"""The ``analyse`` group assembled: the commands of :mod:`analyse_commands`, then those that
:mod:`resilience_commands` adds to it (resilience, held-broken, restart), then discourse.

Imported only when the group runs (see :mod:`lowpolitics.cli.lazy`).
"""

from __future__ import annotations

from lowpolitics.cli import discourse_command, resilience_commands
from lowpolitics.cli.analyse_commands import analyse_app

# resilience_commands registers its commands on this same group when imported
assert resilience_commands.analyse_app is analyse_app
analyse_app.command("discourse")(discourse_command.discourse_command)

__all__ = ["analyse_app"]
