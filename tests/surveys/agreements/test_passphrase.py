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
from surveys.passphrases import MIN_LENGTH, MIN_SCORE, WORDS, suggest, weakness

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
    # two top passwords with a space: zxcvbn scores them apart, a guesser tries them joined
    "monkey dragon",
    "letmein monkey",
    "Summer2026!!",
    # "e-safety" inside "Online-Safety" must not break up "online" and "safety"
    "Kiosk-Online-Safety-2026",
    "Online-Safety-Kiosk-Oakfield",
    "K.i.o.s.k O_n_l_i_n_e 2026",
    "Oakfield-Primary_School!!",
    "OAKFIELDPRIMARY kiosk 26",
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


def test_two_hundred_fresh_suggestions_hold_with_or_without_spaces():
    seen = set()
    for _ in range(200):
        example = suggest([SCHOOL])
        seen.add(example)
        assert len(example.split()) == 4 and set(example.split()) <= set(WORDS)
        assert weakness(example, [SCHOOL]) is None, example
        assert weakness(example.replace(" ", ""), [SCHOOL]) is None, example
    assert len(seen) == 200


def test_the_bar_is_zxcvbns_top_score_and_a_clear_length():
    assert MIN_SCORE == 4
    assert MIN_LENGTH == 10
    assert weakness("Xq7#vL2!", []) == "it is shorter than 10 characters"
    with pytest.raises(WeakPassphrase, match="four or more random words"):
        check_passphrase("monkey dragon")


@pytest.mark.parametrize(
    "passphrase",
    ["Summer2026!!", "summer 2026 otter lantern maple", "otter lantern WINTER-2025 maple",
     "2026 March otter lantern maple", "otter lantern maple quiver sept'26",
     "autumn_1999 otter lantern maple", "december2026otterlanternmaple"],
)  # fmt: skip
def test_a_season_or_month_next_to_a_year_is_refused(passphrase):
    assert "season or month next to a year" in (weakness(passphrase, [SCHOOL]) or "")


@pytest.mark.parametrize(
    "passphrase",
    ["otter march lantern maple", "summer otter winter lantern", "grammar 2026 otter lantern",
     "otter lantern maple 2026", "marble 2026 otter lantern", "summer 123456 otter lantern"],
)  # fmt: skip
def test_seasons_months_and_numbers_apart_are_not_dates(passphrase):
    assert weakness(passphrase, [SCHOOL]) is None


def test_the_schools_name_and_our_words_are_taken_out_in_one_pass_in_any_case_and_spacing():
    # after taking out "Online-Safety", "Oakfield" and "kiosk", only "otter lantern" is left
    refused = "too little is left"
    for spelling in ("Online-Safety", "ONLINE SAFETY", "online_safety", "OnlineSafety"):
        assert refused in weakness(f"{spelling} Oakfield kiosk otter", [SCHOOL])
    assert refused in weakness("Oak-Field Prim.ary 2026 kiosk", [SCHOOL])
    assert refused in weakness("e safety kiosk 2026!", [SCHOOL])
    # what is left must hold on its own
    assert weakness("Oakfield kiosk otter lantern", [SCHOOL]) is not None
    assert weakness("Oakfield kiosk otter lantern maple quiver", [SCHOOL]) is None


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
