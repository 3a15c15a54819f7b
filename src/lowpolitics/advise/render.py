"""Recommendations as Markdown, for ``lowpolitics recommend --format md`` and e-mail."""

from __future__ import annotations

from lowpolitics.framework.i18n import translator


def to_markdown(result: dict) -> str:
    _ = translator(result["language"])
    lines = [f"# {_('Recommendations')}", ""]
    fired = [r for r in result["recommendations"] if r["state"] == "fired"]
    if not fired:
        lines += [_("No rule fired on these data."), ""]
    for rule in fired:
        lines += [f"## {rule['recommendation']}", "", f"**{_('Finding')}:** {rule['finding']}", ""]
        if rule["options"]:
            lines += [f"**{_('Options')}:**", ""] + [f"- {o}" for o in rule["options"]] + [""]
        lines += [
            f"**{_('Evidence')}:**",
            "",
            f"| {_('Figure')} | {_('Value')} | {_('Rows')} |",
            "| --- | --- | --- |",
        ]
        for figure in rule["evidence"]:
            rows = ", ".join(figure["ids"][:10]) + (" …" if len(figure["ids"]) > 10 else "")
            lines.append(f"| {figure['label']} | {figure['shown']} | {rows or figure['see']} |")
        lines += ["", f"_{_('Priority')} {rule['priority']} · {_('rule')} `{rule['id']}`_", ""]
    quiet = [r for r in result["recommendations"] if r["state"] in ("thin", "no_data")]
    if quiet:
        lines += [f"## {_('Rules that could not be judged')}", ""]
        for rule in quiet:
            why = _("too few cases") if rule["state"] == "thin" else _("no data")
            lines.append(f"- `{rule['id']}` — {why}: {rule['reason']}")
        lines.append("")
    return "\n".join(lines)
