"""The access log (every read, write, export and refusal of personal data) and the change log."""
