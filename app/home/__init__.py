"""The first page after signing in: the user's unit at a glance."""
