"""Identify a participant's device without accounts: a secret in the browser's localStorage."""

from __future__ import annotations

import hashlib
from pathlib import Path

import anywidget
import traitlets


class DeviceKey(anywidget.AnyWidget):
    """Syncs the browser's device secret to the kernel as ``token`` (empty until it arrives)."""

    _esm = Path(__file__).parent / "device.js"
    token = traitlets.Unicode("").tag(sync=True)


def device_hash(token: str) -> str:
    """What the store keeps of a device secret (the secret itself never leaves the kernel)."""
    return hashlib.sha256(f"device:{token}".encode()).hexdigest()


def anonymous_key(token: str, training_id: int, meeting: int, form_id: str) -> str:
    """A key for an anonymous submission: the same on this device, unlinkable to the participant."""
    digest = hashlib.sha256(f"anon:{token}:{training_id}:{meeting}:{form_id}".encode()).hexdigest()
    return f"a:{digest[:60]}"
