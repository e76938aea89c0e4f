"""What every part runs on: settings, database, runtime, and the outbox the index follows."""
