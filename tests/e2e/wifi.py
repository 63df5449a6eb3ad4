"""A school's Wi-Fi between the tablet and the kiosk: a TCP proxy that can drop.

``WifiProxy(target_port)`` listens on a port of its own and forwards every byte
both ways. ``drop(seconds)`` is the Wi-Fi going: every open connection is cut
(both sides closed, as when an access point resets) and, for ``seconds``, new
connections are refused. Then it comes back.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

__all__ = ["WifiProxy"]


class WifiProxy:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._closed = False
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def drop(self, seconds: float) -> None:
        """The Wi-Fi goes for ``seconds``: open connections are cut, new ones refused."""
        with self._lock:
            self._down_until = time.monotonic() + seconds
            doomed = list(self._open)
            self._open.clear()
        for s in doomed:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                s.close()
        self.cuts += len(doomed)

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        self.drop(0)

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if time.monotonic() < self._down_until or self._closed:
                with contextlib.suppress(OSError):
                    client.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                    )
                    client.close()  # a reset: as a dead network looks to the browser
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            if self._closed:
                client.close()
                server.close()
                return
            server.settimeout(None)
            with self._lock:
                self._open.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    s.close()
            with self._lock:
                self._open.discard(src)
                self._open.discard(dst)
