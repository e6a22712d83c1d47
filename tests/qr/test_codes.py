"""Site tag codes: signing, verifying, hand-typing, key rotation, and the URL in the QR code."""

import re

import pytest

from qr.codes import (
    ALPHABET,
    CODE_LENGTH,
    MAX_SERIAL,
    InvalidCode,
    Tag,
    code_from_url,
    normalize,
    parse_keys,
    sign,
    tag_url,
    verify,
)
from server.config import KEY_IDS

SECRET_A = "jianghan-tag-key-A-2024"
SECRET_B = "jianghan-tag-key-B-2025"
ONLY_A = parse_keys(f"A:{SECRET_A}")
CODE_SHAPE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$")
SERIALS = [1, 2, 31, 32, 33, 1023, 1024, 99_999, 123_456_789, MAX_SERIAL, *range(5, 5000, 97)]


@pytest.fixture(autouse=True)
def transaction():
    """qr is a plain library: these tests need neither the app nor its database."""
    yield


def refusal(code, keyring):
    with pytest.raises(InvalidCode) as refused:
        verify(code, keyring)
    return refused.value.reason


def test_a_signed_code_verifies_back_to_its_serial():
    codes = {sign(serial, ONLY_A) for serial in SERIALS}
    assert len(codes) == len(SERIALS)
    for serial in SERIALS:
        code = sign(serial, ONLY_A)
        assert CODE_SHAPE.match(code), code
        assert verify(code, ONLY_A) == Tag(kid="A", serial=serial)


def test_the_code_is_short_enough_to_type():
    code = sign(123_456, ONLY_A)
    assert len(code.replace("-", "")) == CODE_LENGTH == 15
    assert len(code) == 17


@pytest.mark.parametrize("serial", [0, -1, MAX_SERIAL + 1, True, 1.0, "5", None])
def test_only_whole_serials_in_range_are_signed(serial):
    with pytest.raises(ValueError, match="serial"):
        sign(serial, ONLY_A)


@pytest.mark.parametrize("serial", [1, 77, 4_321_987, MAX_SERIAL])
def test_every_single_character_typo_is_refused(serial):
    both = parse_keys(f"A:{SECRET_A},B:{SECRET_B}")
    compact = sign(serial, both).replace("-", "")
    for position, original in enumerate(compact):
        for typo in ALPHABET.replace(original, ""):
            mistyped = compact[:position] + typo + compact[position + 1 :]
            expected = {"bad_signature"} if position or typo == "B" else {"unknown_key"}
            assert refusal(mistyped, both) in expected, (mistyped, position)


def test_swapping_two_neighbouring_characters_is_refused():
    compact = sign(4_321_987, ONLY_A).replace("-", "")
    for position in range(1, CODE_LENGTH - 1):
        swapped = compact[:position] + compact[position + 1] + compact[position] + compact[position + 2 :]
        if swapped != compact:
            assert refusal(swapped, ONLY_A) == "bad_signature"


def test_a_hand_typed_code_is_read_the_way_crockford_base32_intends():
    code = sign(1, ONLY_A)  # serial 1 gives a code with zeros and a one in it
    assert "0" in code and "1" in code
    tag = Tag(kid="A", serial=1)
    typed = [
        code.lower(),
        code.replace("-", ""),
        code.replace("-", " "),
        f"  {code}  ",
        code.replace("0", "O").replace("1", "I"),
        code.replace("0", "o").replace("1", "l").lower(),
        code.translate(
            str.maketrans(
                "0123456789ABCDEFGHJKMNPQRSTVWXYZ-",
                "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＭＮＰＱＲＳＴＶＷＸＹＺ－",
            )
        ),
    ]
    for variant in typed:
        assert verify(variant, ONLY_A) == tag, variant
        assert normalize(variant) == code


@pytest.mark.parametrize(
    "make_bad",
    [
        lambda code: "",
        lambda code: "-- --",
        lambda code: "A",
        lambda code: code[:-1],
        lambda code: code + "0",
        lambda code: code[:-1] + "U",
        lambda code: code[:-1] + "u",
        lambda code: code[:-1] + "!",
        lambda code: code[:-1] + "*",
        lambda code: code[:-1] + "é",
        lambda code: code[:-1] + "码",
        lambda code: code[:-1] + "🙂",
        lambda code: code[:-1] + "\x00",
        lambda code: code.replace("-", "_"),
        lambda code: "场所码场所码场所码场所码场所码",
        lambda code: code * 1000,
        lambda code: None,
        lambda code: 12345,
        lambda code: code.encode(),
    ],
)
def test_malformed_input_is_refused_as_malformed_and_nothing_else(make_bad):
    assert refusal(make_bad(sign(123_456, ONLY_A)), ONLY_A) == "malformed"


def test_rotating_keys_keeps_old_tags_working_until_their_key_is_retired():
    old_tag = sign(500, ONLY_A)
    rotated = parse_keys(f"B:{SECRET_B},A:{SECRET_A}")  # B signs from now on, A still verifies
    new_tag = sign(501, rotated)
    assert new_tag.startswith("B") and old_tag.startswith("A")
    assert verify(old_tag, rotated) == Tag("A", 500)
    assert verify(new_tag, rotated) == Tag("B", 501)

    retired_a = parse_keys(f"B:{SECRET_B}")
    assert refusal(old_tag, retired_a) == "unknown_key"
    assert verify(new_tag, retired_a) == Tag("B", 501)


def test_a_code_signed_with_key_b_verifies_while_b_is_listed():
    code = sign(42, parse_keys(f"B:{SECRET_B}"))
    assert verify(code, parse_keys(f"A:{SECRET_A},B:{SECRET_B}")) == Tag("B", 42)
    assert verify(code, parse_keys(f"B:{SECRET_B}")) == Tag("B", 42)
    assert refusal(code, ONLY_A) == "unknown_key"


def test_a_code_from_another_deployment_with_the_same_key_id_is_refused():
    elsewhere = parse_keys("A:another-district-secret-key")
    assert refusal(sign(42, elsewhere), ONLY_A) == "bad_signature"


def test_a_reissued_tag_has_a_new_code_and_the_old_one_still_names_the_revoked_serial():
    # Revocation lives in the database: verify() tells the caller which serial to look up.
    revoked, reissued = sign(700, ONLY_A), sign(701, ONLY_A)
    assert revoked != reissued
    assert verify(revoked, ONLY_A).serial == 700
    assert verify(reissued, ONLY_A).serial == 701


def test_the_first_listed_key_signs_and_secrets_stay_out_of_logs():
    keyring = parse_keys(f"B:{SECRET_B},A:{SECRET_A}:with:colons")
    assert keyring.current == "B"
    assert keyring.keys == {"B": SECRET_B.encode(), "A": f"{SECRET_A}:with:colons".encode()}
    assert SECRET_B not in repr(keyring) and SECRET_B not in str(keyring)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("", "kid:secret"),
        ("A", "kid:secret"),
        (f"A:{SECRET_A},", "kid:secret"),
        ("A:too-short", "at least 16"),
        (f"a:{SECRET_A}", "key id 'a'"),
        (f"U:{SECRET_A}", "key id 'U'"),
        (f"I:{SECRET_A}", "key id 'I'"),
        (f"AB:{SECRET_A}", "key id 'AB'"),
        (f":{SECRET_A}", "key id ''"),
        (f"A:{SECRET_A},A:{SECRET_B}", "listed twice"),
    ],
)
def test_a_bad_key_list_is_refused_with_a_reason(spec, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_keys(spec)


def test_key_ids_are_the_alphabet_the_server_configuration_accepts():
    assert ALPHABET == KEY_IDS


def test_the_tag_url_is_upper_case_so_the_qr_code_can_use_alphanumeric_mode():
    code = sign(9, ONLY_A)
    assert tag_url("https://safegrid.example.cn", code) == f"HTTPS://SAFEGRID.EXAMPLE.CN/S/{code}"
    assert tag_url("https://safegrid.example.cn:8443/", code.lower()) == f"HTTPS://SAFEGRID.EXAMPLE.CN:8443/S/{code}"
    # A path below the host is case-sensitive, so it is kept as it is.
    assert tag_url("https://gov.example.cn/safegrid/", code) == f"HTTPS://GOV.EXAMPLE.CN/safegrid/S/{code}"


@pytest.mark.parametrize(
    "base_url",
    [
        "safegrid.example.cn",
        "ftp://safegrid.example.cn",
        "https://",
        "https://safegrid.example.cn/?x=1",
        "https://safegrid.example.cn/#top",
    ],
)
def test_a_tag_url_needs_a_plain_http_base_url(base_url):
    with pytest.raises(ValueError, match="base URL"):
        tag_url(base_url, sign(9, ONLY_A))


def test_the_code_is_read_back_from_either_form_of_the_url():
    code = sign(9, ONLY_A)
    for url in (
        tag_url("https://safegrid.example.cn", code),
        f"https://safegrid.example.cn/s/{code.lower()}",
        f"https://safegrid.example.cn/S/{code}/",
        f"https://safegrid.example.cn/S/{code.replace('-', '%2D')}",
        f"https://gov.example.cn/safegrid/s/{code}?from=wechat",
    ):
        assert code_from_url(url) == code, url
        assert verify(code_from_url(url), ONLY_A) == Tag("A", 9)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://safegrid.example.cn/",
        "https://safegrid.example.cn/S/",
        "https://safegrid.example.cn/x/A0000-01ESP-AT849",
        "https://safegrid.example.cn/A0000-01ESP-AT849",
        "https://safegrid.example.cn/S/A0000-01ESP-AT84",
        "http://[::1/S/x",
        "微信扫码",
        None,
        42,
    ],
)
def test_a_url_without_a_code_is_malformed(url):
    with pytest.raises(InvalidCode) as refused:
        code_from_url(url)
    assert refused.value.reason == "malformed"
