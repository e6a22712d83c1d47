"""Disaster statistics (自然灾害情况统计): first, follow-up and verified reports by community, added up by area."""
