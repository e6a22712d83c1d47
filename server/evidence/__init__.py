"""Evidence: the hash-chained record of state changes."""
