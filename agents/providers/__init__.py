"""Model providers behind small Protocols: a real implementation and a keyless local default."""
