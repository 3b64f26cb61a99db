"""Application services: eventsourcing Applications whose commands load, make one domain call, save."""
