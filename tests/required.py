"""A tool that `make test` installs (PostgreSQL, LibreOffice): where it is missing its tests skip,
or fail where `make test` found it and so requires it (PZ_REQUIRE_POSTGRES=1, PZ_REQUIRE_LIBREOFFICE=1)."""

from __future__ import annotations

import os
from typing import NoReturn


def required(variable: str) -> bool:
    """True when the environment ``variable`` says the tool's tests may not skip."""
    return os.environ.get(variable, "").strip() not in ("", "0")


def missing(tool: str, package: str, variable: str) -> NoReturn:
    """Skip the test with how to install ``package``; fail it instead when ``variable`` requires the tool."""
    import pytest

    reason = f"{tool} ontbreekt (apt-get install {package}); `make test` installs it as root"
    if required(variable):
        pytest.fail(f"{reason}. {variable}=1: de {tool}-tests mogen niet overgeslagen worden.", pytrace=False)
    pytest.skip(reason)
