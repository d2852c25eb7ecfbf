"""Dossiers (hồ sơ): intake at the desk, their life through processing, finding them."""
