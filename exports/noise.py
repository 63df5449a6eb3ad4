"""Cell-key perturbation: every published count carries a small, repeatable random error.

Suppression and the release ledger (:mod:`exports.suppress`, :mod:`exports.release`)
stop two releases differing by one pupil *when the lead's figures are the only
input*. Two attacks get round them, both by knowing every answer but one:

* a teacher with the staff PIN sets a tablet to a band few pupils use and
  answers it 70 times themselves: once the term closes, the published counts
  less their own answers are the one real pupil's answers;
* a technician deletes the release ledger (or exports a USB kiosk's folder,
  which has its own) so that a term is published again with one more pupil.

The answer is the method statistics offices use for census tables (the ABS
"cell key method", ONS's for the 2021 Census), in two parts. Each record gets a
secret 64-bit *record key* drawn from its whole plaintext with the school's
private key (:meth:`surveys.keys.SchoolKey.record_key`), and a group of records —
one questionnaire text, term, band and year group — gets the sum of its records'
keys. Each count in the group, every answer to every question ("I'd rather not
say" and answers nobody gave included), then moves by the sum of two draws
(:func:`cell_noise`):

* one from the group's sum and the cell's name: **the same records always give
  the same figures**, and **one more record gives fresh noise on every cell of
  its group**, so the difference between two releases is the pupil's answers
  *plus* the difference of two random errors;
* one from the school key alone and the cell's name (:attr:`~surveys.keys.
  SchoolKey.fixed_key`): the same in every release of that cell whatever its
  records, so an intruder who forces many releases (deleting the ledger, adding
  a record of their own each time) cannot average it away.

Nobody without the private key can work out either draw, so knowing every
other answer does not let them take the error off. A record stored twice (a
copied kiosk folder) is refused by the export (:class:`exports.aggregate.
StoredTwice`): counted twice, it would lift a pupil out of the noise.

Each draw is discrete Laplace with ``ALPHA`` = 0.5: 0 a third of the time, ±1 a
sixth each, ±2 a twelfth each, and so on (mean 0, standard deviation 2; the sum
of two: 2.8). A count never goes below 0. Band and year-group rows, merged
versions, totals, percentages and strand lines are all sums of the same
perturbed cells, so every table adds up and no cell is seen twice with different
errors. Perturbation happens before suppression: a count is hidden when its
perturbed value is small.

What this buys, measured by ``tests/exports/test_noise.py`` and
``tests/test_intruder_noise.py`` (ages 7–11, counts before suppression hides
any): with every other answer known, an intruder's best (Bayes) guess of the one
unknown pupil's answer to a question is right 30% of the time from one release,
33% from the difference of two, and 42% from ten releases forced by deleting the
ledger ten times — against 20–25% for a blind guess and 100% without noise; no
pupil had every answer guessed right. It is not a guarantee of secrecy: it is
doubt, for every answer.
"""

from __future__ import annotations

import hashlib
import math

__all__ = ["ALPHA", "cell_noise", "perturbation"]

#: The discrete Laplace parameter: P(error = k) is proportional to ALPHA ** |k|.
ALPHA = 0.5
_P_ZERO = (1 - ALPHA) / (1 + ALPHA)
_LOG_ALPHA = math.log(ALPHA)
MASK = (1 << 64) - 1


def perturbation(group_key: int, cell: tuple[str, ...]) -> int:
    """The error added to one cell of a group whose record keys add up to ``group_key``.

    Args:
        group_key: the sum of the group's record keys, modulo 2**64.
        cell: the cell's name (the group's names, then question and answer).
    """
    h = hashlib.blake2b(digest_size=8, person=b"esafety-cell")
    h.update((group_key & MASK).to_bytes(8, "big"))
    h.update("\x1f".join(cell).encode("utf-8"))
    u = int.from_bytes(h.digest(), "big") / 2.0**64  # uniform in [0, 1)
    if u < _P_ZERO:
        return 0
    v = (u - _P_ZERO) / (1 - _P_ZERO)  # uniform in [0, 1): sign, then size
    sign = 1 if v < 0.5 else -1
    w = (v % 0.5) * 2  # uniform in [0, 1)
    # P(size = m) = (1 - ALPHA) * ALPHA ** (m - 1) for m >= 1: a geometric draw.
    size = 1 + int(math.log1p(-w) / _LOG_ALPHA)
    return sign * size


def cell_noise(group_key: int, fixed_key: int, cell: tuple[str, ...]) -> int:
    """The whole error on one cell: the part its records draw, plus the part fixed for it.

    The first part is fresh whenever the group's records change, so two releases
    around one pupil differ by more than that pupil. The second is the same in
    every release of the cell, so averaging many releases (each with a few records
    of an intruder's own added, after deleting the ledger) leaves it in: it can
    never be averaged away.
    """
    return perturbation(group_key, cell) + perturbation(fixed_key, ("fixed", *cell))
