"""Incident reports (突发事件信息报送): from the field, forwarded by the street to the district within 30 minutes."""
