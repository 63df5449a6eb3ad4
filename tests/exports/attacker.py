"""The best an intruder can do against perturbed counts: a Bayes guess of one pupil's answers.

The intruder knows every answer but one pupil's (they made them, or an earlier
release showed them) and knows how the noise is drawn (:mod:`exports.noise`
is public), but not the school's private key, so not the noise itself. For each
question, the residual of a cell is its published count less what the intruder
expected there without the pupil. Under "the pupil chose ``a``", cell ``a``'s
residual is one more than its noise; under any other choice it is its noise. So
the likelihood ratio for ``a`` is ``pmf(r_a - 1) / pmf(r_a)``, and the intruder's
best guess is the answer with the largest ratio (hidden cells say nothing).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from exports.noise import ALPHA

Pmf = Callable[[int], float]


def draw(k: int) -> float:
    """P(one discrete Laplace draw = k) (:func:`exports.noise.perturbation`)."""
    return (1 - ALPHA) / (1 + ALPHA) * ALPHA ** abs(k)


@functools.cache
def one_release(k: int) -> float:
    """P(error = k) in one release: the records' draw plus the cell's fixed draw."""
    return sum(draw(j) * draw(k - j) for j in range(-60, 61))


@functools.cache
def two_releases(k: int) -> float:
    """P(error after - error before = k): the fixed draws cancel, the records' draws do not
    (the same distribution as :func:`one_release`: a draw is symmetric)."""
    return sum(draw(j) * draw(j + k) for j in range(-60, 61))


def best_guess(
    residuals: Mapping[tuple[str, str], int | None], pmf: Pmf = one_release
) -> dict[str, str]:
    """question -> the answer the intruder would bet on.

    Args:
        residuals: (question, answer) -> published less expected; ``None`` if hidden.
    """
    best: dict[str, tuple[float, str]] = {}
    for (question, answer), r in sorted(residuals.items()):
        ratio = 1.0 if r is None else pmf(r - 1) / pmf(r)
        if question not in best or ratio > best[question][0]:
            best[question] = (ratio, answer)
    return {question: answer for question, (_ratio, answer) in best.items()}
