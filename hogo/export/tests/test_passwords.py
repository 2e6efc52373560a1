import math
import re

from hogo.export import generate_password, password_fingerprint
from hogo.export.passwords import ALPHABET, ENTROPY_BITS, check_password


def test_passwords_are_six_groups_of_four_unambiguous_characters():
    for _ in range(200):
        password = generate_password()
        assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){5}", password), password
        assert not set("0o1liI") & set(password)
        check_password(password)


def test_entropy_is_at_least_100_bits():
    assert not set("0O1lI") & set(ALPHABET) and len(set(ALPHABET)) == len(ALPHABET) == 31
    assert ENTROPY_BITS == 24 * math.log2(31) >= 100


def test_passwords_differ():
    assert len({generate_password() for _ in range(1000)}) == 1000


def test_the_fingerprint_is_short_stable_and_not_the_password():
    password = generate_password()
    label = password_fingerprint(password)
    assert re.fullmatch(r"PW-[0-9A-F]{8}", label)
    assert label == password_fingerprint(password)
    assert label != password_fingerprint(generate_password())
    assert not any(group in label.lower() for group in password.split("-"))
