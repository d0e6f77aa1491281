"""Personal reminders (`/remind`): one-off or repeating, read in the member's timezone."""
