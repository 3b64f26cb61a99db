"""The `helpdesk` command's exit codes (README "Command line"; the epilog of `helpdesk --help`)."""

from __future__ import annotations

DONE = 0  # also `helpdesk` alone and a command group alone (`helpdesk user`): their help
REFUSED = 1  # the rules or the data said no (an account refused, a broken audit chain, nothing to erase)
USAGE = 2  # argparse's own: the command line itself is wrong (an unknown option, a missing argument)
NODE_RUNNING = 3  # the node runs: a second `serve`, or a `restore` under it
CONFIG = 78  # EX_CONFIG of sysexits.h: a setting is missing or wrong (the message names the key)
