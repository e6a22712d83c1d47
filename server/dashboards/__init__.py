"""Dashboards (统计看板): the figures an office steers by, each with the list behind it."""
