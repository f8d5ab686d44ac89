"""Users, organisations, the municipalities they serve, memberships and roles."""
