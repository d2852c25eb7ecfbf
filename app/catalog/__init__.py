"""The procedure catalog (national TTHC records) and each unit's offerings of it."""
