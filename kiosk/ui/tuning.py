"""Two costs taken out of Flet's hot path when a whole class taps at once (docs/performance.md).

* **A debug line that is never shown.** Flet 1.0.5's web server
  (``flet_web/fastapi/flet_app.py``, ``send_message``) logs every message it sends
  with ``transport_log.debug(f"send_message: {message}")``: the f-string turns the
  whole message, every control of a new screen included, into text *before* the
  logger decides the line is not wanted. That was a tenth of the kiosk's CPU per
  tap. :func:`install` makes a message's ``repr`` short unless the
  ``flet_transport`` logger really is at DEBUG, so the line costs nothing when off
  and is unchanged when someone turns it on. (Worth reporting upstream: log with
  ``%s`` arguments, or check ``isEnabledFor`` first.)
* **Long pauses for garbage collection.** Python's full collections walk every
  object, the tens of thousands Flet and the content create at start-up
  included; under load they paused every session for 50–90 ms. :func:`settle`,
  called once the kiosk is ready to serve, moves everything made so far out of
  the collector's sight (``gc.freeze``) and makes the young generation larger, so
  collections are rarer and only ever look at what the sessions made.
"""

from __future__ import annotations

import gc
import logging

from flet.messaging.protocol import Message

__all__ = ["GC_THRESHOLDS", "install", "settle"]

#: Young-generation size (Python's default is 700), and the two older ones' ratios.
GC_THRESHOLDS = (20_000, 20, 20)

_transport_log = logging.getLogger("flet_transport")
_installed = False


def install() -> None:
    """Make Flet's unshown debug lines cheap (once per process)."""
    global _installed
    if _installed:
        return
    full_repr = Message.__repr__

    def short_repr(self: Message) -> str:
        if _transport_log.isEnabledFor(logging.DEBUG):
            return str(full_repr(self))
        return f"Message({getattr(self.action, 'name', self.action)})"

    Message.__repr__ = short_repr  # type: ignore[method-assign,assignment]
    _installed = True


def settle() -> None:
    """Start-up is over: freeze what it made, and collect less often (once per process)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
