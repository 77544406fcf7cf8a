"""The operating system's reason for a failure, in Dutch.

``OSError.strerror`` is English ("Permission denied") whatever the user's language; every
user-facing message that names an OS failure takes its reason from :func:`dutch_reason`.
"""

from __future__ import annotations

import errno
import socket

#: errno → the reason as a user reads it (after "kan niet geschreven worden (…)" and the like).
REASONS = {
    errno.EACCES: "geen toestemming: je mag hier niet schrijven of lezen",
    errno.EPERM: "geen toestemming voor deze handeling",
    errno.ENOENT: "het bestand of de map bestaat niet",
    errno.EEXIST: "er staat al een bestand of map met die naam",
    errno.ENOTDIR: "een deel van het pad is een bestand, geen map",
    errno.EISDIR: "dit is een map, geen bestand",
    errno.ENOTEMPTY: "de map is niet leeg",
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "je schijfruimte (quotum) is op",
    errno.EROFS: "de schijf is alleen-lezen",
    errno.ENAMETOOLONG: "de naam is te lang",
    errno.EBUSY: "het bestand is in gebruik",
    errno.ETXTBSY: "het bestand is in gebruik",
    errno.EXDEV: "het doel staat op een andere schijf",
    errno.ELOOP: "te veel snelkoppelingen (symlinks) achter elkaar",
    errno.EMFILE: "te veel geopende bestanden",
    errno.ENFILE: "te veel geopende bestanden op deze computer",
    errno.EIO: "lees- of schrijffout van de schijf",
    errno.EINVAL: "ongeldige naam of waarde",
    errno.EADDRINUSE: "de poort is al in gebruik",
    errno.EADDRNOTAVAIL: "dit adres hoort niet bij deze computer",
    errno.ECONNREFUSED: "de verbinding werd geweigerd",
    errno.ETIMEDOUT: "geen antwoord binnen de tijd",
    errno.ENETUNREACH: "het netwerk is niet bereikbaar",
    errno.EHOSTUNREACH: "de computer is niet bereikbaar",
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
    return "onbekende systeemfout"


def describe(error: OSError) -> str:
    """An OSError as one Dutch phrase: the file it concerns (if any) and why."""
    reason = dutch_reason(error)
    return f"{error.filename}: {reason}" if getattr(error, "filename", None) else reason
