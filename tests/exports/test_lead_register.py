"""The register's shared calls (exports.lead_register), used by ``esafety register`` and the
console: open, search, count by class, the files — and the class list from bytes."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exports.lead_register import (
    agreements_register,
    open_agreements,
    register_files,
)
from exports.register import ClassListError, parse_class_list, read_class_list
from surveys.agreements.aup import Signer
from surveys.agreements.sealing import seal_signature
from surveys.agreements.store import SignatureStore
from surveys.keys import make_key_pair, open_private_key, parse_public_key
from tests.surveys.agreements.signatures import PASSPHRASE, signature

CLASS_LIST = b"\xef\xbb\xbfName,CLASS\nPupil 1,4B\nAmira Patel,4B\nOliver Byrne,4C\n"


@pytest.fixture(scope="module")
def key_files(tmp_path_factory) -> tuple[Path, Path]:
    return make_key_pair(tmp_path_factory.mktemp("keys"), PASSPHRASE)


def signed(library):
    ks2, parents = library.aups["aup-ks2"], library.aups["aup-parents"]
    return [
        signature(ks2, 1),  # Pupil 1, 4B, their own
        signature(
            parents, 2, signer=Signer.PARENTS, signer_name="Zainab Okonkwo", relationship="Mum",
            child_name="Amira Patel", child_aup=ks2.ref,
        ),
        signature(ks2, 3, signer_name="Sam Lee", class_name="5A", year_group="year-5"),
    ]  # fmt: skip


def test_a_class_list_from_bytes_reads_as_the_file_does(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(CLASS_LIST)
    assert parse_class_list(CLASS_LIST, "list.csv") == read_class_list(path)
    assert parse_class_list(CLASS_LIST, "x")[1] == ("Amira Patel", "4B")
    with pytest.raises(ClassListError, match=r"^chosen\.csv: the first row must name"):
        parse_class_list(b"pupil,form\nA,B\n", "chosen.csv")
    with pytest.raises(ClassListError, match=r"chosen\.csv: cannot read it .*UTF-8"):
        parse_class_list("name,class\nZoë,4B\n".encode("utf-16"), "chosen.csv")
    with pytest.raises(ClassListError, match="larger than 5 MB"):
        parse_class_list(b"name,class\n" + b"a,b\n" * 2_000_000, "big.csv")


def test_search_by_class_and_who_has_not_signed(library):
    register = agreements_register(
        signed(library), library, parse_class_list(CLASS_LIST, "list.csv")
    )
    assert len(register.rows) == 3 and register.out_of_date == 0
    assert register.lacking == 3  # nobody on the list has both agreements
    found = register.matching("  okonKWO ")
    assert [r.signer_name for r in found.rows] == ["Zainab Okonkwo"]
    assert found.pupils == []  # she is not a pupil on the list
    by_amira = register.matching("amira")
    assert [r.child_name for r in by_amira.rows] == ["Amira Patel"]
    assert [(p.name, p.parent_agreement) for p in by_amira.pupils or []] == [
        ("Amira Patel", "signed")
    ]
    assert [
        (c.class_name, c.current, c.out_of_date, c.not_signed) for c in register.by_class()
    ] == [
        ("4B", 2, 0, 2),
        ("5A", 1, 0, 0),
        ("4C", 0, 0, 1),
    ]
    assert register.matching("").rows == register.rows
    assert {c.class_name for c in register.matching("4c").by_class()} == {"4C"}


def test_the_files_are_the_csv_the_class_list_status_and_the_printable_page(library):
    register = agreements_register(signed(library), library)
    assert list(register_files(register, library)) == [".csv", ".html"]
    listed = agreements_register(signed(library), library, [("Oliver Byrne", "4C")])
    files = register_files(listed, library)
    assert list(files) == [".csv", "-class-list.csv", ".html"]
    rows = list(csv.DictReader(io.StringIO(files["-class-list.csv"].decode("utf-8-sig"))))
    assert rows == [
        {"class": "4C", "pupil": "Oliver Byrne", "pupil's own agreement": "not signed",
         "parent's agreement": "not signed"}
    ]  # fmt: skip
    assert b"Zainab Okonkwo" in files[".html"] and b"Oliver Byrne" in files[".html"]


def test_open_agreements_opens_the_store_or_says_there_is_none(key_files, library, tmp_path):
    private, public = key_files
    key = open_private_key(private, PASSPHRASE)
    assert open_agreements(tmp_path / "empty", key) is None
    with SignatureStore(tmp_path / "data") as store:
        for sig in signed(library):
            store.save(seal_signature(sig, parse_public_key(public.read_text())))
    opened = open_agreements(tmp_path / "data", key)
    assert sorted(s.signer_name for s in opened or []) == ["Pupil 1", "Sam Lee", "Zainab Okonkwo"]


def test_the_register_command_writes_the_class_list_status_beside_the_register(
    key_files, library, tmp_path
):
    private, public = key_files
    with SignatureStore(tmp_path / "data") as store:
        for sig in signed(library):
            store.save(seal_signature(sig, parse_public_key(public.read_text())))
    listed = tmp_path / "class.csv"
    listed.write_bytes(CLASS_LIST)
    out = tmp_path / "out" / "register.csv"
    exe = str(Path(sys.executable).parent / "esafety")
    result = subprocess.run(
        [exe, "register", "--data", str(tmp_path / "data"), "--key", str(private),
         "--out", str(out), "--class-list", str(listed)],
        capture_output=True, text=True, check=False,
        env={**os.environ, "ESAFETY_PASSPHRASE": PASSPHRASE},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "3 signature(s), 0 of an out-of-date version." in result.stdout
    assert "3 of 3 pupil(s) on the class list lack" in result.stdout
    names = sorted(p.name for p in out.parent.iterdir())
    assert names == ["register-class-list.csv", "register.csv", "register.html"]
    assert "Oliver Byrne" in (out.parent / "register-class-list.csv").read_text("utf-8-sig")
