"""Perceptron's shared core: settings, database, logging, Temporal client, embedded stack, CLI."""
