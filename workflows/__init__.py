"""Temporal workflows: one module per workflow, its input and output beside it."""
