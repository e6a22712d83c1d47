"""Site tags."""
