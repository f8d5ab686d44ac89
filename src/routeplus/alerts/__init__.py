"""Signals that ask a professional to act, and the worklist (Mijn werkvoorraad)."""
