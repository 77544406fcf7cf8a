"""What the operating system says when something fails reaches the user in Dutch, never as "Permission denied"."""

from __future__ import annotations

import errno
import os

import pytest

from pztraining.cli.main import main
from pztraining.core.files import WriteError, atomic_text
from pztraining.core.os_errors import REASONS, dutch_reason
from tests.processes import free_port


def test_every_known_reason_is_dutch_and_an_unknown_one_is_not_english():
    for number in REASONS:
        assert dutch_reason(OSError(number, os.strerror(number))) == REASONS[number]
        assert os.strerror(number).lower() not in REASONS[number].lower()
    assert dutch_reason(OSError(errno.ECHILD, os.strerror(errno.ECHILD))) == "systeemfout ECHILD"
    assert dutch_reason(OSError("iets")) == "onbekende systeemfout"


def test_a_file_that_cannot_be_written_says_why_in_dutch(tmp_path):
    blocker = tmp_path / "rapport"
    blocker.write_text("een bestand, geen map")
    with pytest.raises(WriteError) as failure:
        atomic_text(blocker / "index.html", "<p>x</p>")
    assert failure.value.reason in (REASONS[errno.ENOTDIR], REASONS[errno.EEXIST]), failure.value.reason
    assert blocker.read_text() == "een bestand, geen map"


def test_the_cli_reports_a_write_failure_with_the_dutch_reason(capsys, tmp_path):
    blocker = tmp_path / "hand-outs"
    blocker.write_text("een bestand, geen map")
    status = main(["handouts", "--program", "mysupport", "--no-pdf", "--out", str(blocker / "mysupport")])
    err = capsys.readouterr().err
    assert status == 1 and "kan niet geschreven worden" in err, err
    assert REASONS[errno.ENOTDIR] in err or REASONS[errno.EEXIST] in err, err
    assert "Not a directory" not in err and "File exists" not in err


def test_a_server_address_that_is_not_this_computers_is_said_in_dutch_before_starting(capsys, tmp_path):
    port = free_port()
    status = main(
        [
            "serve",
            "--host",
            "192.0.2.1",
            "--participant-port",
            str(port),
            "--port",
            str(free_port()),
            "--data-dir",
            str(tmp_path),
        ]
    )
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert err == (
        f"Fout: Poort {port} op 192.0.2.1 (zaalserver) kan niet worden gebruikt: "
        f"dit adres hoort niet bij deze computer.\n"
    )
