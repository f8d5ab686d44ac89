"""Running it for real: health checks, backups and restore, fault and load drills."""
