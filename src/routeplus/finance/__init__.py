"""The business case: Route Arbeid+ against the 0-variant, per payer, with its uncertainty."""
