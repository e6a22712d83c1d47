"""The password policy, wherever a password is set: an admin creating a user or resetting one's password,
and a user changing their own. Weak passwords are refused with a reason per rule, in Chinese or English."""

import pytest

from server.demo.loader import DEMO_PASSWORD
from tests.conftest import TEST_PASSWORD

USERNAME, PHONE = "li.na", "13807100077"

# password → the rule that refuses it (zh, en), as the 422 names it
REFUSED = [
    ("short", "长度须为", "8 to 128 characters"),
    ("5201314", "长度须为", "8 to 128 characters"),
    ("x" * 129, "长度须为", "8 to 128 characters"),
    (" " * 8, "只由空格", "only spaces"),
    ("\t \u3000 \t   ", "只由空格", "only spaces"),
    ("12345678", "常见密码", "common password"),
    ("password", "常见密码", "common password"),
    ("PassWord", "常见密码", "common password"),
    (" password1 ", "常见密码", "common password"),
    ("1qaz2wsx", "常见密码", "common password"),
    ("qq123456", "常见密码", "common password"),
    ("woaini1314", "常见密码", "common password"),
    ("a123456789", "常见密码", "common password"),
    ("iloveyou1314", "常见密码", "common password"),
    ("safegrid123", "常见密码", "common password"),
    ("11111111", "不同的字符", "different characters"),
    ("88888888", "不同的字符", "different characters"),
    ("123123123", "不同的字符", "different characters"),
    ("abababababab", "不同的字符", "different characters"),
    (f"{USERNAME}-2026!", "用户名", "username"),
    (f"My-{USERNAME.upper()}-key", "用户名", "username"),
    (f"tel{PHONE}", "手机号", "phone number"),
]
TAKEN = [TEST_PASSWORD, DEMO_PASSWORD, "a fresh passphrase 7", "长江大桥1957年通车", "Wuhan-re-gan-mian"]


def create(admin, world, password, language="zh"):
    return admin.post(
        "/api/v1/users",
        headers={"Accept-Language": language},
        json={
            "username": USERNAME,
            "phone": PHONE,
            "name": "李娜",
            "password": password,
            "roles": [{"role": "grid_worker", "area_id": world["grid_b1"]}],
        },
    )


def reset(admin, user, password, language="zh"):
    url = f"/api/v1/users/{user.id}"
    return admin.patch(
        url,
        json={"password": password},
        headers={"If-Match": admin.get(url).headers["ETag"], "Accept-Language": language},
    )


def change_own(caller, password, language="zh"):
    return caller.post(
        "/api/v1/me/password",
        json={"current_password": TEST_PASSWORD, "new_password": password},
        headers={"Accept-Language": language},
    )


def refusal(resp, field):
    assert resp.status_code == 422, resp.json
    assert set(resp.json["errors"]["json"]) == {field}
    return " ".join(resp.json["errors"]["json"][field])


@pytest.mark.parametrize("password, zh, en", REFUSED)
def test_an_admin_cannot_create_a_user_with_a_weak_password(login_as, world, password, zh, en):
    admin = login_as("district_admin")
    assert zh in refusal(create(admin, world, password), "password")
    assert en in refusal(create(admin, world, password, "en"), "password")


@pytest.mark.parametrize("password, zh, en", REFUSED)
def test_nobody_can_reset_or_change_to_a_weak_password(login_as, password, zh, en):
    admin = login_as("district_admin")
    user_fields = {"username": USERNAME, "phone": PHONE}
    target = login_as("grid_worker", **user_fields)
    assert en in refusal(reset(admin, target.user, password, "en"), "password")
    assert zh in refusal(change_own(target, password), "new_password")
    assert target.get("/api/v1/me").status_code == 200  # nothing changed: the session is still there


@pytest.mark.parametrize("password", TAKEN)
def test_good_passwords_are_taken_everywhere(client, login_as, world, password):
    admin = login_as("district_admin")
    assert create(admin, world, password).status_code == 201
    target = login_as("grid_worker")
    assert reset(admin, target.user, password).status_code == 200
    caller = login_as("grid_worker")
    assert change_own(caller, password).status_code == 204
    for login in (USERNAME, target.user.username, caller.user.username):
        assert client.post("/api/v1/auth/login", json={"login": login, "password": password}).status_code == 201


def test_an_admin_changing_a_phone_and_the_password_together_is_checked_against_the_new_phone(login_as):
    admin = login_as("district_admin")
    target = login_as("grid_worker")
    url = f"/api/v1/users/{target.user.id}"
    resp = admin.patch(
        url,
        json={"phone": "13807100099", "password": "call 13807100099"},
        headers={"If-Match": admin.get(url).headers["ETag"]},
    )
    assert "手机号" in refusal(resp, "password")


def test_one_password_can_break_several_rules_and_hear_about_each(login_as, world):
    admin = login_as("district_admin")
    messages = refusal(create(admin, world, f"{USERNAME}{PHONE}", "en"), "password")
    assert "username" in messages and "phone number" in messages
