"""Inspections (检查): scored, versioned checklists and the inspections made with them."""
