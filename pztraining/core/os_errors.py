"""The operating system's reason for a failure, in Dutch.

``OSError.strerror`` is English ("Permission denied") whatever the user's language; every
user-facing message that names an OS failure takes its reason from :func:`dutch_reason`.
"""

from __future__ import annotations

import errno
import socket

from pztraining.core.texts import t

#: errno → the reason as a user reads it (after "kan niet geschreven worden (…)" and the like).
REASONS = {
    errno.EACCES: t("os.geen_toestemming_mag_hier"),
    errno.EPERM: t("os.geen_toestemming_voor_handeling"),
    errno.ENOENT: t("os.bestand_map_bestaat_niet"),
    errno.EEXIST: t("os.staat_bestand_map_naam"),
    errno.ENOTDIR: t("os.deel_pad_bestand_geen"),
    errno.EISDIR: t("os.map_geen_bestand"),
    errno.ENOTEMPTY: t("os.map_niet_leeg"),
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "je schijfruimte (quotum) is op",
    errno.EROFS: t("os.schijf_alleen_lezen"),
    errno.ENAMETOOLONG: "de naam is te lang",
    errno.EBUSY: t("os.bestand_in_gebruik"),
    errno.ETXTBSY: t("os.bestand_in_gebruik"),
    errno.EXDEV: t("os.doel_staat_andere_schijf"),
    errno.ELOOP: "te veel snelkoppelingen (symlinks) achter elkaar",
    errno.EMFILE: "te veel geopende bestanden",
    errno.ENFILE: t("os.veel_geopende_bestanden_computer"),
    errno.EIO: t("os.lees_schrijffout_schijf"),
    errno.EINVAL: t("os.ongeldige_naam_waarde"),
    errno.EADDRINUSE: t("os.poort_in_gebruik"),
    errno.EADDRNOTAVAIL: t("os.adres_hoort_niet_bij"),
    errno.ECONNREFUSED: "de verbinding werd geweigerd",
    errno.ETIMEDOUT: t("os.geen_antwoord_binnen_tijd"),
    errno.ENETUNREACH: t("os.netwerk_niet_bereikbaar"),
    errno.EHOSTUNREACH: t("os.computer_niet_bereikbaar"),
}


def dutch_reason(error: BaseException | int | None) -> str:
    """Why an OS call failed, in Dutch: from an OSError (or its errno); never the English strerror."""
    if isinstance(error, socket.gaierror):  # a host name that does not resolve (errno is negative)
        return "die computernaam of dat adres is onbekend"
    number = error if isinstance(error, int) else getattr(error, "errno", None)
    if number in REASONS:
        return REASONS[number]
    if isinstance(number, int) and number > 0:
        return f"systeemfout {errno.errorcode.get(number, number)}"
    return t("os.onbekende_systeemfout")


def describe(error: OSError) -> str:
    """An OSError as one Dutch phrase: the file it concerns (if any) and why."""
    reason = dutch_reason(error)
    return f"{error.filename}: {reason}" if getattr(error, "filename", None) else reason
