"""People: users, their roles and their unit; signing in and out."""
