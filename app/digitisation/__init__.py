"""Digitisation at the desk: scanned documents and results stored once by content hash, reused by CCCD,
electronic results signed with the unit's certificate."""
