"""The messaging channel's adapters: Telegram groups and WhatsApp chats (webhooks in, answers out)."""
