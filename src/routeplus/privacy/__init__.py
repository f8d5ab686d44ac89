"""Privacy by design: processing register, legal basis and consent, retention, data-subject and research exports."""
