"""NATS JetStream between offices: streams, the outbox relay, the inbox consumer, the connection."""
