"""The ``articulation`` command line: the top layer, which nothing else imports.

Engine commands (:mod:`articulation.cli.commands`), the database (:mod:`articulation.cli.db`)
and the HTTP server (:mod:`articulation.cli.serve`). Bad input goes to stderr with exit code 2;
``--json`` prints the machine-readable result on stdout.
"""

from __future__ import annotations

import typer

from articulation.cli import commands
from articulation.cli.column import column
from articulation.cli.db import db_app
from articulation.cli.flagship import flagship
from articulation.cli.interop import ca_app, metrics, ooapi_app
from articulation.cli.plan import plan
from articulation.cli.serve import serve

app = typer.Typer(
    name="articulation",
    help="Gap analysis and proven-optimal bridging programmes between VU and UT curricula.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(commands.validate)
app.command()(commands.schema)
app.command("gap")(commands.gap_command)
app.command()(commands.bridge)
app.command()(commands.minor)
app.command()(flagship)
app.command()(commands.scan)
app.command()(column)
app.command("diff")(commands.diff_command)
app.command()(plan)
app.command()(metrics)
app.add_typer(ca_app, name="ca")
app.add_typer(ooapi_app, name="ooapi")
app.add_typer(db_app, name="db")
app.command()(serve)

__all__ = ["app"]
