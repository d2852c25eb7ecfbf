"""Administrative units (city → optional district → ward/commune) and the scoping of every query to a user's subtree."""
