"""The audit log: who signed in, who changed which dossier, who downloaded what (append-only)."""
