"""Lotse's web admin: the catalogue, facilitators and desks, freshness, import/export, insights."""
