"""Patrol plans (巡查计划), the tasks they generate for each period, and coverage: what should have been inspected."""
