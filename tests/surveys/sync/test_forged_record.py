"""One forged record must not stop the lead (issue 12 item 4): the export names it and the
command that takes it out; ``esafety hub --remove`` takes it out, logged by kind only.

Whoever holds a kiosk's pairing secret can push records sealed well to the school's
*public* key with any answers: the hub cannot read them, so the export is where
they show. Here a real hub takes 12 real responses and one forged one by push.
"""

from __future__ import annotations

import base64
import os

import pytest

import content as shipped
from surveys.content.library import load_content
from surveys.keys import parse_public_key
from surveys.model import Response
from surveys.sealed import seal_response
from surveys.sync.bundle import body_of, mac_of
from surveys.sync.hub import Hub
from surveys.sync.pairing import code_key, open_pairing, proof
from tests.surveys.sync.processes import (
    SCHOOL_PASSPHRASE,
    esafety,
    files_snapshot,
    school_key_folder,
    school_public_key,
)

KIOSK = "kiosk-0f0f0f0f"
FORGED = "f0" * 16


def responses(q, forged_answer: str) -> list[Response]:
    def one(i: int, answers: dict[str, str | None]) -> Response:
        return Response(
            id=f"{i + 16:02x}" * 16 if i >= 0 else FORGED, questionnaire_id=q.id,
            questionnaire_version=q.version, content_hash=q.content_hash, band=None,
            academic_year="2025/26", term="autumn", kiosk_id=KIOSK, answers=answers,
        )  # fmt: skip

    first = {question.id: question.options[0].id for question in q.questions}
    forged = {**first, q.questions[0].id: forged_answer}
    return [one(i + 1, first) for i in range(12)] + [one(-1, forged)]


@pytest.mark.parametrize("forgery", ["an answer not offered", "sealed noise"])
def test_a_forged_record_is_named_with_the_command_and_taken_out(tmp_path, forgery):
    school = parse_public_key(school_public_key())
    hub = Hub(tmp_path / "hub", school_key=school)
    code = hub.new_pairing_code()
    key = code_key(code, KIOSK)
    secret, _ = open_pairing(key, hub.pair(KIOSK, proof(key, KIOSK)))
    q = load_content(shipped.SHIPPED_DIR).for_parents()
    assert q is not None
    sealed = [seal_response(r, school) for r in responses(q, "an-option-no-one-offered")]
    if forgery == "sealed noise":  # the right size and key, but no kiosk sealed it
        noise = os.urandom(len(base64.b64decode(sealed[-1].sealed)))
        sealed[-1] = sealed[-1].model_copy(update={"sealed": base64.b64encode(noise).decode()})
    body = body_of(KIOSK, sealed, [], [q])
    mac = mac_of(secret, body, b"push", prefix=b"1\n")
    assert hub.import_push(KIOSK, 1, mac, body).added == 13  # the hub cannot tell
    hub.close()

    data, out = tmp_path / "hub", tmp_path / "out"
    private = str(school_key_folder() / "school-private-key.json")
    os.environ["ESAFETY_PASSPHRASE"] = SCHOOL_PASSPHRASE
    try:
        export = ["export", "--data", str(data), "--out", str(out), "--key", private, "--quiet"]
        stopped = esafety(*export)
        assert stopped.returncode == 1
        assert f"esafety hub --data {data} --remove {FORGED}" in stopped.stderr
        assert "Nothing was written" in stopped.stderr and not out.exists()
        assert "Traceback" not in stopped.stderr

        before = files_snapshot(data)
        bad_id = esafety("hub", "--data", str(data), "--remove", "not-an-id")
        assert bad_id.returncode == 2 and "not a record id" in bad_id.stderr
        assert files_snapshot(data) == before  # a bad id: nothing removed

        removed = esafety("hub", "--data", str(data), "--remove", FORGED)
        assert removed.returncode == 0, removed.stderr
        assert f"took out the response {FORGED}" in removed.stdout
        log = (data / "hub" / "sync-log.jsonl").read_text()
        assert "the lead took out a response" in log and FORGED not in log
        again = esafety("hub", "--data", str(data), "--remove", FORGED)
        assert again.returncode == 1 and "no record" in again.stderr

        done = esafety(*export)
        assert done.returncode == 0, done.stderr
        assert (out / "evidence-pack.pdf").is_file()
    finally:
        del os.environ["ESAFETY_PASSPHRASE"]
