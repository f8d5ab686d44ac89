"""The young people (participants) and their personal data."""
