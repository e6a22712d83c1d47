"""Warnings (预警): issued, updated and cancelled in the shape of CAP, fanned out to everyone concerned."""
