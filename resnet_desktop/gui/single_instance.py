"""One window per library: a second start hands its photos to the running window.

The first process to open a library listens on a local socket named after the user and the
library file (QLocalServer: a Unix socket on Linux and macOS, a named pipe on Windows). A
later start with the same library connects, sends the paths it was given as one JSON line,
waits for "ok" and exits; the running window adds the paths and comes to the front.

A socket file left behind by a crashed run refuses connections, so the next start removes
it (``QLocalServer.removeServer``) and listens in its place: a crash never blocks a start.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

#: How long a second start waits for the running window to answer.
HANDOVER_TIMEOUT_MS = 3000


def server_name(library_path: str | os.PathLike[str]) -> str:
    """A name unique to this user and this library file, short enough for a Unix socket path."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    digest = hashlib.sha1(os.path.abspath(os.fspath(library_path)).encode("utf-8", "surrogateescape"))
    return f"resnet-desktop-{user}-{digest.hexdigest()[:16]}"


def hand_over(library_path: str | os.PathLike[str], paths: list[str]) -> bool:
    """Give ``paths`` to a window already running on this library. False when there is none."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(library_path))
    if not socket.waitForConnected(HANDOVER_TIMEOUT_MS):
        return False
    message = json.dumps({"paths": [os.path.abspath(p) for p in paths]}).encode() + b"\n"
    socket.write(message)
    socket.flush()
    answered = False
    while socket.waitForReadyRead(HANDOVER_TIMEOUT_MS):
        if socket.canReadLine():
            answered = bytes(socket.readLine().data()).strip() == b"ok"
            break
    socket.disconnectFromServer()
    return answered


class InstanceServer(QObject):
    """Listens for later starts on the same library; emits the paths each one sends."""

    #: Paths a later start was given (maybe none: then the window only comes to the front).
    paths_received = Signal(list)

    def __init__(self, library_path: str | os.PathLike[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(library_path)
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        """Start listening, replacing a stale socket left by a crashed run.

        False when another process got there first (two starts at once): hand over to it.
        """
        if self._server.listen(self.name):
            return True
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(500):  # alive: not ours to remove
            probe.abort()
            return False
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            if socket.bytesAvailable() > 1_000_000:  # not one of ours
                socket.abort()
            return
        try:
            message = json.loads(bytes(socket.readLine().data()))
            paths = [str(p) for p in message.get("paths", [])]
        except (ValueError, AttributeError, TypeError):
            socket.abort()
            return
        socket.write(b"ok\n")
        socket.flush()
        self.paths_received.emit(paths)
