"""The `helpdesk` command."""
