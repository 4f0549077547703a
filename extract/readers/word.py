"""Legacy Word (.doc), Kingsoft WPS (.wps) and other office files, through
external converters.

LibreOffice (headless) is tried first: it converts the file to DOCX, which
:mod:`extract.readers.docx` reads with its merged cells intact. antiword
(``-m UTF-8.txt``) and catdoc (``-d utf-8 -w``) are the fallbacks for .doc when
LibreOffice is absent; they print text only and lose merged table cells
(antiword dropped 表三 of a generated 2021 report entirely), so their layout
carries a lower confidence and a warning.

Two ``soffice`` processes sharing a profile make the second one silently output
nothing (deps G6): every process gets its own ``-env:UserInstallation``
profile, created once and reused for its later conversions.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from extract.layout import Layout
from extract.sniff import UnreadableDocument

CONVERT_TIMEOUT = 120.0
_profile: dict[int, Path] = {}
_running: set[int] = set()  # process groups of converters running now


_scratch: set[Path] = set()  # conversion directories in use


def kill_converters() -> None:
    """Kill every converter this process has running (its whole group) and
    remove its scratch and profile directories: called by a batch worker that
    is being stopped, when no ``finally`` or atexit handler will run."""
    for pgid in list(_running):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
    cleanup()


def cleanup() -> None:
    """Remove this process's LibreOffice profile and scratch directories
    (a multiprocessing worker ends with os._exit: atexit does not run).
    Profiles are found by name too: a worker stopped between creating its
    profile and recording it would otherwise leave it behind."""
    pid = os.getpid()
    own = Path(tempfile.gettempdir()).glob(f"xxgk-lo-{pid}-*")
    for path in [*_scratch, _profile.pop(pid, None), *own]:
        if path is not None:
            shutil.rmtree(path, ignore_errors=True)
    _scratch.clear()


def _run(cmd: list[str], timeout: float, cwd: str | None = None) -> subprocess.CompletedProcess:
    """Run a converter in its own process group, killed whole on timeout."""
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        start_new_session=True,
    )
    _running.add(proc.pid)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise UnreadableDocument(f"{Path(cmd[0]).name} timed out after {timeout:g} s") from None
    finally:
        # LibreOffice's launcher may leave its soffice.bin behind: end the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        _running.discard(proc.pid)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _own_profile() -> Path:
    """This process's LibreOffice profile directory (deps G6)."""
    pid = os.getpid()
    if pid not in _profile:
        path = Path(tempfile.mkdtemp(prefix=f"xxgk-lo-{pid}-"))
        _profile[pid] = path
        atexit.register(shutil.rmtree, path, True)
    return _profile[pid]


def convert_with_libreoffice(data: bytes, suffix: str, target: str = "docx") -> bytes:
    """Convert office bytes to ``target`` with headless LibreOffice."""
    soffice = _soffice()
    if soffice is None:
        raise UnreadableDocument(
            f"cannot read {suffix} files: LibreOffice is not installed "
            "(apt-get install libreoffice-writer-nogui)"
        )
    with tempfile.TemporaryDirectory(prefix="xxgk-convert-") as tmp:
        _scratch.add(Path(tmp))
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        profile = _own_profile().as_uri()
        cmd = [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            tmp,
            str(src),
        ]
        proc = _run(cmd, CONVERT_TIMEOUT, cwd=tmp)
        out = Path(tmp) / f"in.{target}"
        if not out.exists():
            reason = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip()
            reason = reason.splitlines()[-1] if reason else f"exit code {proc.returncode}"
            raise UnreadableDocument(f"LibreOffice could not convert the {suffix} file: {reason}")
        converted = out.read_bytes()
    _scratch.discard(Path(tmp))
    return converted


def _text_converter(data: bytes) -> tuple[str, str]:
    """Text of a .doc from antiword, else catdoc: (text, tool)."""
    with tempfile.NamedTemporaryFile(suffix=".doc") as f:
        f.write(data)
        f.flush()
        tried = []
        for tool, args in (
            ("antiword", ["-m", "UTF-8.txt", "-w", "0"]),
            ("catdoc", ["-d", "utf-8", "-w"]),
        ):
            exe = shutil.which(tool)
            if exe is None:
                tried.append(f"{tool} missing")
                continue
            proc = _run([exe, *args, f.name], CONVERT_TIMEOUT)
            text = proc.stdout.decode("utf-8", "replace")
            if proc.returncode == 0 and text.strip():
                return text, tool
            tried.append(f"{tool} failed")
    raise UnreadableDocument(
        "cannot read .doc: " + ", ".join(tried) + " (apt-get install libreoffice-writer-nogui, "
        "or antiword / catdoc for text only)"
    )


def read_via_libreoffice(data: bytes, suffix: str) -> Layout:
    """Any office file LibreOffice opens, read as the DOCX it converts to."""
    from extract.readers.docx import read_docx

    layout = read_docx(convert_with_libreoffice(data, suffix))
    layout.reader = f"{suffix.lstrip('.')}:libreoffice"
    return layout


def read_doc(data: bytes) -> Layout:
    """An OLE office file (.doc, .wps; .xls/.et are not reports): LibreOffice,
    else antiword/catdoc as text."""
    first: UnreadableDocument | None = None
    if _soffice() is not None:
        try:
            return read_via_libreoffice(data, ".doc")
        except UnreadableDocument as e:
            first = e  # antiword/catdoc may still get the text out
    from extract.readers.text import read_lines

    try:
        text, tool = _text_converter(data)
    except UnreadableDocument:
        if first is not None:
            raise first from None
        raise
    layout = read_lines(text.splitlines(), encoding="utf-8")
    layout.reader = f"doc:{tool}"
    layout.confidence = 0.5
    layout.warnings.append(
        {
            "code": "text_only_converter",
            "message": f"read with {tool} (LibreOffice not installed): merged table cells "
            "are lost, values are low-confidence",
        }
    )
    return layout


def read_rtf(data: bytes) -> Layout:
    """RTF (some portals attach reports as .rtf or .doc that is RTF): via
    LibreOffice, like WPS."""
    return read_via_libreoffice(data, ".rtf")


_OPEN_DOCUMENT = {
    b"application/vnd.oasis.opendocument.text": ".odt",
    b"application/vnd.oasis.opendocument.text-template": ".ott",
}


def read_zip(data: bytes) -> Layout:
    """A zip that is not a DOCX: an OpenDocument text (.odt, which WPS and
    LibreOffice save) goes through LibreOffice; anything else is refused."""
    import io
    import zipfile

    from extract.readers.docx import check_zip

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            mimetype = z.read("mimetype").strip() if "mimetype" in z.namelist() else b""
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as e:
        raise UnreadableDocument(f"not a readable zip: {e}") from None
    suffix = _OPEN_DOCUMENT.get(mimetype)
    if suffix is None:
        raise UnreadableDocument("a zip archive, not a report document (no DOCX or ODT inside)")
    check_zip(data, required=None)
    return read_via_libreoffice(data, suffix)
