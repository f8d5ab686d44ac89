"""The monitor: the council table for any reference date, the register import, charts and exports."""
