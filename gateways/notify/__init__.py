"""Notifications outside the app: each person's chosen kinds by e-mail (the office's SMTP) and by the office's
Telegram bot, recorded in a delivery ledger before they are sent and sent once."""
