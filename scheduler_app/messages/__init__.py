"""Messages that reach people outside the app: the organisation's channels, the outbox, its sender and the
delivery log."""
