"""Intake: registration with eligibility, capacity tied to the budget, and the waiting list."""
