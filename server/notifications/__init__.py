"""Notifications: the inbox."""
