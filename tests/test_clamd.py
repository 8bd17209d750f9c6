"""Virus scanning through clamd's INSTREAM protocol, against a small clamd of our own: a real
UNIX-socket server speaking the same protocol, which flags the EICAR test string."""

from __future__ import annotations

import io
import socketserver
import struct
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from forum.uploads import clamd
from tests import upload_samples as samples
from tests.factories import make_admin, make_user, sign_in


class FakeClamd(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    #: Largest stream accepted, like clamd's StreamMaxLength.
    max_stream = 1024 * 1024

    def __init__(self, path: str) -> None:
        super().__init__(path, _Handler)
        self.streams: list[bytes] = []


class _Handler(socketserver.BaseRequestHandler):
    server: FakeClamd

    def _read(self, count: int) -> bytes:
        data = b""
        while len(data) < count:
            chunk = self.request.recv(count - len(data))
            if not chunk:
                raise ConnectionError("client went away")
            data += chunk
        return data

    def _command(self) -> bytes:
        command = b""
        while not command.endswith(b"\0"):
            command += self._read(1)
        return command

    def handle(self) -> None:
        command = self._command()
        if command == b"zVERSION\0":
            self.request.sendall(b"ClamAV 1.0.0/27000/Fake\0")
        elif command == b"zINSTREAM\0":
            self.request.sendall(self._scan())

    def _scan(self) -> bytes:
        stream = b""
        while size := struct.unpack("!L", self._read(4))[0]:
            stream += self._read(size)
            if len(stream) > self.server.max_stream:
                return b"INSTREAM size limit exceeded. ERROR\0"
        self.server.streams.append(stream)
        if samples.EICAR in stream:
            return b"stream: Eicar-Test-Signature FOUND\0"
        return b"stream: OK\0"


@pytest.fixture
def fake_clamd(tmp_path: Path) -> Iterator[FakeClamd]:
    server = FakeClamd(str(tmp_path / "clamd.sock"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def socket_of(server: FakeClamd) -> str:
    return str(server.server_address)


def test_a_clean_file_is_streamed_in_chunks_and_passes(fake_clamd, tmp_path):
    data = samples.pdf() + b"%" * (3 * clamd.CHUNK_BYTES)
    path = tmp_path / "clean.pdf"
    path.write_bytes(data)
    assert clamd.scan_file(socket_of(fake_clamd), path) == clamd.ScanResult(clean=True)
    assert fake_clamd.streams == [data]


def test_the_eicar_test_file_is_found(fake_clamd, tmp_path):
    path = tmp_path / "eicar.txt"
    path.write_bytes(samples.EICAR)
    result = clamd.scan_file(socket_of(fake_clamd), path)
    assert result == clamd.ScanResult(clean=False, signature="Eicar-Test-Signature")


def test_a_stream_over_clamds_limit_is_an_error_not_a_pass(fake_clamd, tmp_path):
    fake_clamd.max_stream = 1000
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%" * 200_000)
    with pytest.raises(clamd.ScannerUnavailable, match="size limit"):
        clamd.scan_file(socket_of(fake_clamd), path)


def test_no_clamd_at_the_socket_is_unavailable(tmp_path):
    with pytest.raises(clamd.ScannerUnavailable, match="cannot connect"):
        clamd.scan_file(str(tmp_path / "nothing.sock"), tmp_path)


def test_version_answers(fake_clamd):
    assert clamd.version(socket_of(fake_clamd)) == "ClamAV 1.0.0/27000/Fake"


# Uploads with scanning on ---------------------------------------------------------------------


@pytest.fixture
def scanning(app, fake_clamd, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    app.config["CLAMD_SOCKET"] = socket_of(fake_clamd)
    return fake_clamd


def _upload(client, name: str, data: bytes):
    return client.post(
        "/uploads",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )


def test_every_upload_is_scanned_before_it_is_kept(client, scanning, tmp_path):
    sign_in(client, make_user())
    assert _upload(client, "handout.pdf", samples.pdf()).status_code == 201
    assert scanning.streams == [samples.pdf()]


def test_an_infected_upload_is_refused_and_nothing_is_kept(client, scanning, tmp_path):
    sign_in(client, make_user())
    infected = b"a,b\n" + samples.EICAR + b"\n"
    response = _upload(client, "list.csv", infected)
    assert response.status_code == 422
    assert "Eicar-Test-Signature" in response.get_json()["error"]["message"]
    assert [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()] == []


def test_uploads_are_refused_while_clamd_is_down(app, client, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    app.config["CLAMD_SOCKET"] = str(tmp_path / "gone.sock")
    sign_in(client, make_user())
    response = _upload(client, "handout.pdf", samples.pdf())
    assert response.status_code == 503
    assert "virus scanner is not answering" in response.get_json()["error"]["message"]


def test_the_staff_page_says_whether_scanning_is_on(app, client, fake_clamd):
    sign_in(client, make_admin())
    page = client.get("/admin/uploads").get_data(as_text=True)
    assert "Off." in page and "FORUM_CLAMD_SOCKET" in page
    assert "Virus scanning of uploads: off" in client.get("/admin/").get_data(as_text=True)
    app.config["CLAMD_SOCKET"] = socket_of(fake_clamd)
    page = client.get("/admin/uploads").get_data(as_text=True)
    assert "On." in page and "ClamAV 1.0.0/27000/Fake" in page
    assert "Virus scanning of uploads: on" in client.get("/admin/").get_data(as_text=True)


def test_the_staff_page_is_404_to_members(client):
    sign_in(client, make_user())
    assert client.get("/admin/uploads").status_code == 404
