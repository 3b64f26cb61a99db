"""The SIPOL helpdesk's domain model: pure Python, no I/O, no clock reads, no environment."""
