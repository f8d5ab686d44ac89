"""The single door to case files: who may see and do what, and the log of every decision."""
