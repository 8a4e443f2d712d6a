"""What the API and the commands ask of the product, one module per domain: its rules, its
queries, and the workflows it starts, signals or queries."""
