"""Messages in Simplified Chinese first, English when the client asks for it (Accept-Language)."""

import re
from zoneinfo import ZoneInfo

from flask import has_request_context, request

# Times are stored in UTC and shown, numbered and counted in the district's own zone.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def wants_english() -> bool:
    if not has_request_context():
        return False
    return request.accept_languages.best_match(["zh", "en"], default="zh") == "en"


def tr(zh: str, en: str, **params) -> str:
    """Pick the message for the request's language and fill in its {params}."""
    return (en if wants_english() else zh).format(**params)


# The validation messages marshmallow and webargs produce, in Chinese. Patterns keep their numbers.
_FIELD_MESSAGES = [
    (r"Unknown field\.", "未知字段。"),
    (r"Missing data for required field\.", "缺少必填字段。"),
    (r"Field may not be null\.", "不能为空值。"),
    (r"Not a valid string\.", "不是有效的字符串。"),
    (r"Not a valid integer\.", "不是有效的整数。"),
    (r"Not a valid number\.", "不是有效的数字。"),
    (r"Not a valid boolean\.", "不是有效的布尔值。"),
    (r"Not a valid UUID\.", "不是有效的 UUID。"),
    (r"Not a valid datetime\.", "不是有效的日期时间。"),
    (r"Not a valid list\.", "不是有效的列表。"),
    (r"Not a valid mapping type\.", "不是有效的对象。"),
    (r"Invalid input type\.", "输入类型无效。"),
    (r"Invalid value\.", "值无效。"),
    (r"Invalid JSON body\.", "JSON 格式错误。"),
    (r"Must be one of: (.*)\.", r"必须是以下之一：\1。"),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.", r"必须在 \1 到 \2 之间。"),
    (r"Must be greater than or equal to (\S+)\.", r"必须大于或等于 \1。"),
    (r"Must be less than or equal to (\S+)\.", r"必须小于或等于 \1。"),
    (r"Length must be between (\d+) and (\d+)\.", r"长度必须在 \1 到 \2 之间。"),
    (r"Shorter than minimum length (\d+)\.", r"长度不能少于 \1。"),
    (r"Longer than maximum length (\d+)\.", r"长度不能超过 \1。"),
    (r"String does not match expected pattern\.", "格式不正确。"),
    (r"Not a valid email address\.", "不是有效的电子邮件地址。"),
]
_FIELD_MESSAGES = [(re.compile(f"^{pattern}$"), zh) for pattern, zh in _FIELD_MESSAGES]


def translate_field_errors(errors):
    """Translate marshmallow's nested error messages in place of their English originals."""
    if wants_english():
        return errors
    if isinstance(errors, dict):
        return {key: translate_field_errors(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [translate_field_errors(value) for value in errors]
    if isinstance(errors, str):
        for pattern, zh in _FIELD_MESSAGES:
            if pattern.match(errors):
                return pattern.sub(zh, errors)
    return errors
