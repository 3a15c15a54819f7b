"""Sub-commands imported on demand, so that a command loads only the modules it uses.

The program's help lists every command from a table of names and one-line help; running (or
asking the help of) one command imports that command's module alone. Without this, printing
``lowpolitics --help`` would import the database layer, the analysis and the exchange formats of
every command (about 0.8 s before the first line of output).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """One entry of a lazy group's table.

    ``target`` is ``"module:attribute"``: a command function, or a :class:`typer.Typer` for a
    group of sub-commands. ``help`` is what the group's help lists beside the name: the first
    paragraph of the command's own help, line breaks included (a test keeps the two equal).
    """

    name: str
    target: str
    help: str

    def load(self) -> TyperCommand | TyperGroup:
        """Import the target and build its command the way ``app.command``/``add_typer`` do."""
        module, _, attribute = self.target.partition(":")
        target = getattr(import_module(module), attribute)
        holder = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        if isinstance(target, typer.Typer):
            holder.add_typer(target, name=self.name)
        else:
            holder.command(self.name)(target)
            holder.callback()(_no_options)  # a group even for one command, to find it by name
        group = typer.main.get_command(holder)
        assert isinstance(group, TyperGroup)
        return group.commands[self.name]


class Listed(TyperCommand):
    """Stands for a command not imported yet: its name and help, for the group's listing."""

    def __init__(self, entry: LazyCommand) -> None:
        super().__init__(name=entry.name, help=entry.help)
        self.entry = entry


def _no_options() -> None:
    """The holder group's callback: it has none of its own."""


class LazyGroup(TyperGroup):
    """A Typer group whose commands come from :attr:`table` and are imported when resolved.

    Subclass it with the table and pass the subclass as ``typer.Typer(cls=...)``. Until a
    command is resolved, the group holds a :class:`Listed` stand-in under its name, so the
    listing order and Typer's "did you mean" suggestions see every command.
    """

    table: tuple[LazyCommand, ...] = ()

    def __init__(self, **attrs) -> None:
        super().__init__(**attrs)
        for entry in self.table:
            self.commands.setdefault(entry.name, Listed(entry))
        self._listing = False

    def get_command(self, ctx: typer.Context, cmd_name: str):
        command = self.commands.get(cmd_name)
        if isinstance(command, Listed) and not self._listing:
            command = self.commands[cmd_name] = command.entry.load()
        return command

    @contextmanager
    def _list_only(self) -> Iterator[None]:
        """While the help is printed, commands are listed from the table, not imported."""
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

    def format_help(self, ctx: typer.Context, formatter) -> None:
        with self._list_only():
            super().format_help(ctx, formatter)

    def format_commands(self, ctx: typer.Context, formatter) -> None:
        with self._list_only():
            super().format_commands(ctx, formatter)
