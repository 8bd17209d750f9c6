"""A small IMAP4rev1 server on loopback, for ``forum poll-mailbox`` tests: the commands
Python's imaplib sends for LOGIN, SELECT, UID SEARCH/FETCH/STORE, EXPUNGE and LOGOUT, over a
real socket. Messages are kept in memory with their flags."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

USER, PASSWORD = "replies@forum.test", "imap-test-password"


@dataclass
class Mailbox:
    host: str = "127.0.0.1"
    port: int = 0
    #: uid -> [raw message, flags]
    messages: dict[int, list] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, raw: bytes) -> None:
        with self.lock:
            self.messages[max(self.messages, default=0) + 1] = [raw, set()]

    def flags(self) -> list[set[str]]:
        with self.lock:
            return [set(flags) for _, flags in self.messages.values()]


class _Handler(socketserver.StreamRequestHandler):
    box: Mailbox

    def _send(self, line: str | bytes) -> None:
        self.wfile.write((line.encode() if isinstance(line, str) else line) + b"\r\n")

    def handle(self) -> None:
        self._send("* OK loopback IMAP4rev1 ready")
        while raw := self.rfile.readline():
            tag, _, rest = raw.decode().rstrip("\r\n").partition(" ")
            command, _, arg = rest.partition(" ")
            if not self._answer(tag, command.upper(), arg):
                return

    def _answer(self, tag: str, command: str, arg: str) -> bool:
        if command == "CAPABILITY":
            self._send("* CAPABILITY IMAP4rev1")
        elif command == "LOGIN":
            user, _, password = arg.partition(" ")
            if (user.strip('"'), password.strip('"')) != (USER, PASSWORD):
                self._send(f"{tag} NO [AUTHENTICATIONFAILED] wrong password")
                return True
        elif command == "SELECT":
            self._send(f"* {len(self.box.messages)} EXISTS")
            self._send(f"{tag} OK [READ-WRITE] SELECT done")
            return True
        elif command == "UID":
            self._uid(arg)
        elif command == "EXPUNGE":
            with self.box.lock:
                for uid in [u for u, (_, f) in self.box.messages.items() if "\\Deleted" in f]:
                    del self.box.messages[uid]
        elif command == "LOGOUT":
            self._send("* BYE")
            self._send(f"{tag} OK LOGOUT done")
            return False
        self._send(f"{tag} OK {command} done")
        return True

    def _uid(self, arg: str) -> None:
        verb, _, rest = arg.partition(" ")
        verb = verb.upper()
        with self.box.lock:
            if verb == "SEARCH":
                found = [u for u, (_, f) in self.box.messages.items() if "\\Deleted" not in f]
                self._send("* SEARCH " + " ".join(str(u) for u in found))
            elif verb == "FETCH":
                uid = int(rest.split(" ")[0])
                raw = self.box.messages[uid][0]
                self._send(f"* {uid} FETCH (UID {uid} BODY[] {{{len(raw)}}}".encode())
                self.wfile.write(raw)
                self._send(")")
            elif verb == "STORE":
                uid_text, _, flags = rest.partition(" ")
                names = flags.partition(" ")[2].strip("()").split()
                self.box.messages[int(uid_text)][1].update(names)


@contextmanager
def running_imap_server() -> Iterator[Mailbox]:
    box = Mailbox()
    handler = type("Handler", (_Handler,), {"box": box})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    box.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        server.shutdown()
        server.server_close()
