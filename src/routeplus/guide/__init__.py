"""The guide (wegwijzer): rules per age and situation, each with its source."""
