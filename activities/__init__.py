"""Temporal activities: classes with injected dependencies, one module per area."""
