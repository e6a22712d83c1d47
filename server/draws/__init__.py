"""双随机、一公开: conflicts of interest, the reproducible draw of targets and inspectors, its publication."""
