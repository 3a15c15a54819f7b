"""The ``import`` and ``export`` groups assembled: the table formats of :mod:`data_commands`
with the REFI-QDA, IATI and document commands that live in modules of their own.

Imported only when one of the two groups runs (see :mod:`lowpolitics.cli.lazy`).
"""

from __future__ import annotations

from lowpolitics.cli import documents_command, iati_command, refi_command
from lowpolitics.cli.data_commands import export_app, import_app

export_app.command("qdpx")(refi_command.export_qdpx_command)
export_app.command("qdc")(refi_command.export_qdc_command)
export_app.command("iati")(iati_command.export_iati_command)
import_app.command("qdpx")(refi_command.import_qdpx_command)
import_app.command("qdc")(refi_command.import_qdc_command)
import_app.command("documents")(documents_command.import_documents_command)

__all__ = ["export_app", "import_app"]
