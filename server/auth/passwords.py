"""The password policy (密码规则): 8 to 128 characters, not blank, not common, not the account's own login.

In the spirit of NIST SP 800-63B (§3.1.1.2): a length, and a check against values that are commonly
used, repetitive or specific to the account, rather than rules on character classes. The lists are
server/data/common-passwords-*.txt.
"""

from pathlib import Path

import marshmallow as ma

from server.core.cache import memoised
from server.core.i18n import tr

MIN_LENGTH, MAX_LENGTH = 8, 128
MIN_DISTINCT = 4  # fewer different characters is a repetition: 12121212, 123123123, aaaabbbb
LISTS = Path(__file__).resolve().parent.parent / "data"


@memoised(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The common passwords, lower-cased, read once per process (a few milliseconds)."""
    words = set()
    for path in sorted(LISTS.glob("common-passwords-*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                words.add(line.strip().lower())
    return frozenset(words)


def problems(password: str, *, username: str | None = None, phone: str | None = None) -> list[str]:
    """What is wrong with a password, one message per rule it breaks, in the request's language; none
    when the policy takes it. Give the account's username and phone where the account is known."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return [
            tr(
                "密码长度须为 {a}–{b} 个字符",
                "A password must be {a} to {b} characters long",
                a=MIN_LENGTH,
                b=MAX_LENGTH,
            )
        ]
    if not password.strip():
        return [tr("密码不能只由空格组成", "A password cannot be only spaces")]
    found = []
    folded = password.strip().lower()
    if len(set(folded)) < MIN_DISTINCT:
        found.append(
            tr(
                "密码过于简单：至少要有 {n} 个不同的字符",
                "Too simple: use at least {n} different characters",
                n=MIN_DISTINCT,
            )
        )
    elif folded in common_passwords():
        found.append(
            tr("这是常见密码，很容易被猜中，请换一个", "This is a common password, easily guessed: choose another")
        )
    if username and username.lower() in password.lower():
        found.append(tr("密码不能包含用户名", "A password must not contain the username"))
    if phone and phone in password:
        found.append(tr("密码不能包含手机号", "A password must not contain the phone number"))
    return found


class PasswordPolicy(ma.validate.Validator):
    """The policy as a field validator, for the rules that need no account (the views and schemas that
    know the account check the rest). `min`, `max` and `equal` are what apispec reads to document a
    length, as it does for marshmallow's own Length."""

    min, max, equal = MIN_LENGTH, MAX_LENGTH, None

    def __call__(self, value: str) -> str:
        found = problems(value)
        if found:
            raise ma.ValidationError(found)
        return value
