"""Read models built from the event log, each write committed with its tracking position (issue 4)."""
