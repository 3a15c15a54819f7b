"""``lowpolitics audit verify``: is the audit trail as it was written?"""

from __future__ import annotations

import typer

from lowpolitics.cli.output import out, print_json
from lowpolitics.cli.state import State
from lowpolitics.framework.errors import AuditBrokenError
from lowpolitics.store.db import require_schema, session_scope

audit_app = typer.Typer(help="The audit trail: verify its hash chain.")


@audit_app.command("verify")
def verify_command(
    ctx: typer.Context,
    fmt: str = typer.Option("table", "--format", "-f", help="table | json"),
) -> None:
    """Recompute the audit trail's hash chain and report the first link that does not hold
    (exit 2 when one is broken)."""
    from lowpolitics.store.audit import verify_chain

    state: State = ctx.obj
    require_schema(state.engine)
    with session_scope(state.engine) as session:
        report = verify_chain(session)
    if fmt == "json":
        print_json(
            {"entries": report.entries, "ok": report.ok, "broken_at": report.broken_at,
             "reason": report.reason, "last_chain": report.last_chain}
        )  # fmt: skip
    if not report.ok:
        where = f"entry {report.broken_at}" if report.broken_at is not None else "the head"
        raise AuditBrokenError(f"the audit trail is broken at {where}: {report.reason}")
    if fmt != "json":
        out().print(
            f"audit trail intact: {report.entries} entries, every link holds; last chain value "
            f"{report.last_chain or '—'}",
            highlight=False,
        )
