"""Drive headless Chromium over the DevTools protocol, to type, click and take screenshots.

`--dump-dom` can only load a page; a person types into it and clicks. Chromium's
`--remote-debugging-pipe` speaks the DevTools protocol over two pipes (it reads
file descriptor 3, writes 4; messages end with a NUL byte), so no port, no
websocket library and no browser download are needed: only the Chromium that
tests/browser.py finds.
"""

from __future__ import annotations

import base64
import json
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .browser import FLAGS, chromium

TIMEOUT = 30.0
ON_FDS_3_AND_4 = """
import os, sys
reads, writes = os.dup(int(sys.argv[1])), os.dup(int(sys.argv[2]))  # clear of 3 and 4
os.dup2(reads, 3)
os.dup2(writes, 4)
os.set_inheritable(3, True)  # dup2 onto itself leaves the fd close-on-exec
os.set_inheritable(4, True)
os.execv(sys.argv[3], sys.argv[3:])
"""
"""Run a program with the pipe ends where Chromium looks (fds 3, 4), without a preexec_fn
(unsafe while threads run) or a shell (dash cannot name fds above 9)."""


class DevToolsError(RuntimeError):
    """Chromium answered a command with an error, or went away."""


class Browser:
    """One headless Chromium with one page, driven by DevTools commands."""

    def __init__(self, profile: Path, width: int = 1280, height: int = 800) -> None:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115  (closed in close())
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                ON_FDS_3_AND_4,
                str(to_chrome_r),
                str(from_chrome_w),
                chromium(),
                *FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._log,
            pass_fds=(to_chrome_r, from_chrome_w),
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.session: str | None = None
        try:
            target = self.send("Target.createTarget", url="about:blank")["targetId"]
            attached = self.send("Target.attachToTarget", targetId=target, flatten=True)
            self.session = attached["sessionId"]
            self.send("Page.enable")
            self.send(
                "Emulation.setDeviceMetricsOverride",
                width=width,
                height=height,
                deviceScaleFactor=1,
                mobile=False,
            )
        except BaseException:
            self.close()
            raise

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Send one command to the page (or the browser before a page exists); its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session is not None:
            message["sessionId"] = self.session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_chrome, data) :]
        deadline = time.monotonic() + TIMEOUT
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_chrome], [], [], left)[0]:
                raise DevToolsError(f"Chromium did not answer in time{self._stderr()}")
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise DevToolsError(f"Chromium closed the DevTools pipe{self._stderr()}")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        found: dict[str, Any] = json.loads(message)
        return found

    def _stderr(self) -> str:
        """The end of what Chromium printed, to say why it failed."""
        self._log.seek(0)
        lines = self._log.read().decode(errors="replace").splitlines()[-10:]
        return "".join(f"\n  {line}" for line in lines)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises are awaited)."""
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 10.0) -> Any:
        """Poll until `expression` is truthy in the page; its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"still false after {timeout}s: {expression}")
            time.sleep(0.05)

    def open(self, url: str) -> None:
        """Load `url` and wait until its scripts have run (document complete)."""
        self.send("Page.navigate", url=url)
        self.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the first element matching `selector`."""
        box = self.wait_for(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " if (!e) return null; e.scrollIntoView({block: 'center'});"
            " const r = e.getBoundingClientRect();"
            " return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for kind in ("mousePressed", "mouseReleased"):
            self.send(
                "Input.dispatchMouseEvent",
                type=kind,
                x=box["x"],
                y=box["y"],
                button="left",
                clickCount=1,
            )

    def type(self, selector: str, text: str) -> None:
        """Focus the element and type `text` key by key, as a person would."""
        self.click(selector)
        for char in text:
            self.send("Input.dispatchKeyEvent", type="keyDown", text=char, key=char)
            self.send("Input.dispatchKeyEvent", type="keyUp", key=char)

    def press(self, key: str, code: int) -> None:
        """Press and release a named key (`Backspace`, 8) in the focused element."""
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, windowsVirtualKeyCode=code)

    def screenshot(self, path: Path) -> Path:
        """Save a PNG of what the page shows."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.session = None
            self.send("Browser.close")
        except (DevToolsError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        os.close(self._to_chrome)
        os.close(self._from_chrome)
        self._log.close()


@contextmanager
def browser(profile: Path, width: int = 1280, height: int = 800) -> Iterator[Browser]:
    """A headless Chromium page for the length of the block."""
    driver = Browser(profile, width, height)
    try:
        yield driver
    finally:
        driver.close()
