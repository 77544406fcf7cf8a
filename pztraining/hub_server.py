"""What a trainer's single-user server under JupyterHub may not do: change files.

The server shows the package's app notebooks in Voila. Its REST API (jupyter_server) would
let a logged-in trainer write a notebook next to them and have Voila run it; this contents
manager refuses every write. Together with ``MappingKernelManager.allowed_message_types``
(set in the printed config: widget messages only, no ``execute_request``) a trainer cannot
run code of their own in the kernel. See the README, "What a trainer can still reach".
"""

from __future__ import annotations

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado.web import HTTPError


class ReadOnlyContentsManager(AsyncLargeFileManager):
    """The notebooks folder as it was installed: reading yes, writing, renaming, deleting no."""

    async def save(self, model, path=""):
        raise HTTPError(403, "read-only")

    async def delete_file(self, path):
        raise HTTPError(403, "read-only")

    async def rename_file(self, old_path, new_path):
        raise HTTPError(403, "read-only")

    async def new_untitled(self, path="", type="", ext=""):  # noqa: A002 - jupyter_server API
        raise HTTPError(403, "read-only")

    async def new(self, model=None, path=""):
        raise HTTPError(403, "read-only")

    async def copy(self, from_path, to_path=None):
        raise HTTPError(403, "read-only")

    async def create_checkpoint(self, path):
        raise HTTPError(403, "read-only")
