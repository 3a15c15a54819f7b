"""Recommendations as Markdown, for ``lowpolitics recommend --format md`` and e-mail."""

from __future__ import annotations

from lowpolitics.framework.i18n import translator


def to_markdown(result: dict) -> str:
    _ = translator(result["language"])
    # translated once, outside f-strings, so message extraction sees every text
    heading, finding, options, evidence = (
        _("Recommendations"),
        _("Finding"),
        _("Options"),
        _("Evidence"),
    )
    figure, value, rows, priority, rule_word, benchmark = (
        _("Figure"),
        _("Value"),
        _("Rows"),
        _("Priority"),
        _("rule"),
        _("Benchmark"),
    )
    lines = [f"# {heading}", ""]
    fired = [r for r in result["recommendations"] if r["state"] == "fired"]
    if not fired:
        lines += [_("No rule fired on these data."), ""]
    for rule in fired:
        lines += [f"## {rule['recommendation']}", "", f"**{finding}:** {rule['finding']}", ""]
        if rule["options"]:
            lines += [f"**{options}:**", ""] + [f"- {o}" for o in rule["options"]] + [""]
        lines += [f"**{evidence}:**", "", f"| {figure} | {value} | {rows} |", "| --- | --- | --- |"]
        for item in rule["evidence"]:
            ids = ", ".join(item["ids"][:10]) + (" …" if len(item["ids"]) > 10 else "")
            lines.append(f"| {item['label']} | {item['shown']} | {ids or '—'} |")
        if rule.get("benchmark"):
            mark = rule["benchmark"]
            lines += ["", f"**{benchmark}:** {mark['text']} ({mark['source']})"]
        lines += ["", f"_{priority} {rule['priority']} · {rule_word} `{rule['id']}`_", ""]
    quiet = [r for r in result["recommendations"] if r["state"] in ("thin", "no_data")]
    if quiet:
        lines += ["## " + _("Rules that could not be judged"), ""]
        for rule in quiet:
            if rule["state"] == "no_data":
                why = _("no data")
            elif rule.get("undecided"):
                why = _("the data do not decide")
            else:
                why = _("too few cases")
            lines.append(f"- `{rule['id']}` — {why}: {rule['reason']}")
        lines.append("")
    return "\n".join(lines)
