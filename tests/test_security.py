"""Nothing let in: file sources stay unread unless allowed (and then only inside the
collection's folder), and the API key never leaves the request that carried it."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer

from . import builders


def upload_collection(folder: Path, src: str) -> Path:
    doc = builders.collection(
        builders.request(
            "Upload",
            "https://x.test/upload",
            builders.example(
                "Stored",
                "https://x.test/upload",
                method="POST",
                code=201,
                body="stored",
                request_headers={"Content-Type": "application/octet-stream"},
                request_body={"mode": "file", "file": {"src": src}},
            ),
            method="POST",
        )
    )
    return builders.write(folder / "upload.json", doc)


def post(server: MockServer, data: bytes) -> int:
    return requests.post(
        server.url_for("/upload"),
        data=data,
        timeout=5,
        headers={"Content-Type": "application/octet-stream"},
    ).status_code


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "photo.bin").write_bytes(b"PHOTO")
    (tmp_path / "secret.txt").write_bytes(b"SECRET")
    return tmp_path


def test_file_sources_are_not_read_by_default(layout: Path) -> None:
    with MockServer(upload_collection(layout / "api", "photo.bin"), match_body=True) as server:
        assert post(server, b"anything at all") == 201  # the saved file was never opened


def test_allowed_file_sources_are_read_inside_the_collection_folder(layout: Path) -> None:
    path = upload_collection(layout / "api", "photo.bin")
    with MockServer(path, match_body=True, file_bodies=True) as server:
        assert post(server, b"PHOTO") == 201
        assert post(server, b"something else") == 404


@pytest.mark.parametrize("src", ["../secret.txt", "SECRET_ABSOLUTE"])
def test_file_sources_outside_the_collection_folder_stay_unread(layout: Path, src: str) -> None:
    src = str(layout / "secret.txt") if src == "SECRET_ABSOLUTE" else src
    path = upload_collection(layout / "api", src)
    with MockServer(path, match_body=True, file_bodies=True) as server:
        # Unread, the saved body cannot tell SECRET from anything else.
        assert post(server, b"not the secret") == 201
        assert b"SECRET" not in b"".join(c.response_body for c in server.calls)


def test_a_link_out_of_the_collection_folder_stays_unread(layout: Path) -> None:
    (layout / "api" / "link.bin").symlink_to(layout / "secret.txt")
    path = upload_collection(layout / "api", "link.bin")
    with MockServer(path, match_body=True, file_bodies=True) as server:
        assert post(server, b"not the secret") == 201


def test_the_api_key_never_reaches_reports(
    pytester: pytest.Pytester, users_api: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MOCK_KEY", "hunter2-key")
    pytester.makeini(f"[pytest]\npostman_mock_collection = {users_api}\n")
    pytester.makepyfile(
        test_key="""
        import os, requests

        def test_fails_after_calls(postman_mock):
            key = {"x-api-key": os.environ["MOCK_KEY"]}
            requests.get(postman_mock.url_for("/users"), headers=key)
            requests.get(postman_mock.url_for("/nowhere"), headers=key)
            assert False, "show the calls section"
    """
    )
    report = pytester.path / "calls.json"
    result = pytester.runpytest_subprocess(
        "-v", "--postman-mock-api-key=hunter2-key", f"--postman-mock-report={report}"
    )
    result.assert_outcomes(failed=1)
    output = result.stdout.str() + result.stderr.str()
    assert "postman mock calls" in output
    assert "hunter2-key" not in output
    text = report.read_text()
    assert "[redacted]" in text
    assert "hunter2-key" not in text
