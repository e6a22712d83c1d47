"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the first 17."""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_character(first17: str) -> str:
    total = sum(CHARSET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def problem(code: str) -> str | None:
    """What is wrong with a code, in Chinese and English, or None if it is valid."""
    if len(code) != 18:
        return "统一社会信用代码应为 18 位 / must be 18 characters"
    bad = sorted({c for c in code if c not in CHARSET})
    if bad:
        return f"含有不允许的字符 {''.join(bad)} / contains characters not allowed: {''.join(bad)}"
    if not code[2:8].isdigit():
        return "第 3-8 位应为行政区划代码 / characters 3-8 must be an administrative division code"
    if check_character(code[:17]) != code[17]:
        return "校验位不正确 / the check character is wrong"
    return None
