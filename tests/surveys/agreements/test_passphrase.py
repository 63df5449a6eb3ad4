"""Passphrases that hold: weak ones are refused before anything is made, with an example of
four random words; the school's own name does not count towards strength."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from surveys.keys import WeakPassphrase, check_passphrase, make_key_pair
from surveys.passphrases import WORDS, suggest

SCHOOL = "Oakfield Primary School"
WEAK = [
    "password12",
    "Summer2026!",
    "Password123!",
    "qwertyuiop",
    "aaaaaaaaaaaaaaaa",
    "guess guess guess",
    "short",
    SCHOOL,
    "OakfieldPrimary2026!",
    "oakfield school 2026",
    "Oakfield Primary School Kiosk",
    "esafety kiosk password",
]


@pytest.mark.parametrize("passphrase", WEAK)
def test_a_weak_passphrase_is_refused_with_four_fresh_random_words_to_try(passphrase):
    with pytest.raises(WeakPassphrase) as refused:
        check_passphrase(passphrase, [SCHOOL])
    message = str(refused.value)
    assert "four or more random words" in message
    example = re.search(r"for example “([a-z ]+)”", message)
    assert example, message
    assert len(example[1].split()) == 4 and set(example[1].split()) <= set(WORDS)
    check_passphrase(example[1], [SCHOOL])  # the example itself holds


def test_each_refusal_suggests_a_different_example():
    examples = set()
    for _ in range(5):
        with pytest.raises(WeakPassphrase) as refused:
            check_passphrase("password12")
        examples.add(str(refused.value))
    assert len(examples) == 5


def test_four_random_words_are_accepted():
    for _ in range(50):
        check_passphrase(suggest([SCHOOL]), [SCHOOL])
    check_passphrase("correct horse battery staple", [SCHOOL])


def test_a_weak_passphrase_makes_no_key_and_no_folder(tmp_path):
    for passphrase in ("password12", "Summer2026!", f"{SCHOOL} 2026"):
        with pytest.raises(WeakPassphrase):
            make_key_pair(tmp_path / "keys", passphrase, avoid=[SCHOOL])
    assert list(tmp_path.iterdir()) == []


def test_keys_init_shows_the_reason_and_makes_nothing(tmp_path, content_copy):
    school = content_copy / "school.yaml"
    school.write_text(school.read_text().replace('"Sample School"', f'"{SCHOOL}"'))
    exe = str(Path(sys.executable).parent / "esafety")
    check_passphrase("Oakfield Primary 2026!")  # strong, for a guesser who does not know us
    for passphrase in ("password12", "Oakfield Primary 2026!"):
        result = subprocess.run(
            [exe, "keys", "init", "--out", str(tmp_path / "keys"), "--content", str(content_copy)],
            env={**os.environ, "ESAFETY_PASSPHRASE": passphrase},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 1
        assert "too easy to guess" in result.stderr and "Nothing was made" in result.stderr
        assert re.search(r"for example “[a-z]+ [a-z]+ [a-z]+ [a-z]+”", result.stderr)
    assert not (tmp_path / "keys").exists()
