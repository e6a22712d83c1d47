"""The hazard loop."""
