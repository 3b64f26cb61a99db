"""The HTTP API (Litestar): controllers, DTOs, authentication, error mapping."""
