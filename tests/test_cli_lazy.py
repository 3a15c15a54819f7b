"""The command table of the lazy CLI: the program's help is the one Typer prints when every
command is registered up front, each entry's help is its command's own, and resolving one
command imports that command's module and no other."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import import_module

import pytest
import typer
from typer.testing import CliRunner

from lowpolitics.cli import main
from lowpolitics.cli.lazy import Listed

ENTRIES = {entry.name: entry for entry in main.COMMANDS}


def _target(entry):
    module, _, attribute = entry.target.partition(":")
    return getattr(import_module(module), attribute)


def _eager_app() -> typer.Typer:
    """The program as it was built before the table: every command registered when imported."""
    app = typer.Typer(
        name="lowpolitics",
        help=main.app.info.help,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    app.callback()(main.root)
    for entry in main.COMMANDS:
        target = _target(entry)
        if isinstance(target, typer.Typer):
            app.add_typer(target, name=entry.name)
        else:
            app.command(entry.name)(target)
    return app


def _help(app: typer.Typer, *args: str) -> str:
    result = CliRunner().invoke(
        app, [*args, "--help"], prog_name="lowpolitics", terminal_width=100, env={"TERM": "dumb"}
    )
    assert result.exit_code == 0, result.output
    return result.output


def test_names_are_unique():
    assert len(ENTRIES) == len(main.COMMANDS)


@pytest.mark.parametrize("name", list(ENTRIES))
def test_each_entry_lists_its_commands_own_help(name):
    command = ENTRIES[name].load()
    assert command.name == name
    first_paragraph = (command.short_help or command.help or "").split("\n\n")[0].strip()
    assert ENTRIES[name].help == first_paragraph


def test_the_program_help_is_the_one_of_the_eager_program():
    eager = _eager_app()
    lazy_help = _help(main.app)
    assert lazy_help == _help(eager)
    for name, entry in ENTRIES.items():
        assert f" {name} " in lazy_help
        assert entry.help.split()[0] in lazy_help


@pytest.mark.parametrize("args", [["classify"], ["import"], ["analyse"], ["analyse", "all"]])
def test_a_commands_help_is_the_one_of_the_eager_program(args):
    assert _help(main.app, *args) == _help(_eager_app(), *args)


def test_listing_imports_nothing_and_running_loads_the_command():
    group = typer.main.get_command(main.app)
    with typer.Context(group) as ctx:
        with group._list_only():
            assert isinstance(group.get_command(ctx, "classify"), Listed)
        loaded = group.get_command(ctx, "classify")
        assert not isinstance(loaded, Listed) and loaded.callback is not None
        assert group.get_command(ctx, "no-such-command") is None


def test_a_misspelt_command_is_still_suggested(cli):
    result = cli("clasify")
    assert result.code == 2 and "Did you mean 'classify'" in result.err


def test_a_command_imports_its_module_and_no_other_commands():
    code = (
        "import json, sys\n"
        "from lowpolitics.cli.main import run\n"
        "run(['classify', '--help'])\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('lowpolitics.cli.'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    modules = set(json.loads(done.stdout.strip().splitlines()[-1]))
    assert "lowpolitics.cli.text_commands" in modules
    assert modules <= {
        "lowpolitics.cli.main",
        "lowpolitics.cli.lazy",
        "lowpolitics.cli.output",
        "lowpolitics.cli.state",
        "lowpolitics.cli.text_commands",
    }, sorted(modules)
