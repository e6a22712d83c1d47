"""The scorecards' demo weighting (演示), plain data: the config checks SCORECARD_WEIGHTS against it at start."""

# 演示 / demo weighting: points out of 100 for each level; a deduction line's "<key>.per_item" is what one item costs
DEMO_WEIGHTS = {
    "street": {
        "closure": 25,
        "acknowledged": 20,
        "overdue": 15,
        "overdue.per_item": 1,
        "patrol_coverage": 20,
        "patrol_presence": 10,
        "summonses": 10,
        "summonses.per_item": 5,
    },
    "department": {
        "in_time": 35,
        "overdue": 15,
        "overdue.per_item": 1,
        "assessments": 30,
        "summons_follow_up": 20,
    },
}
