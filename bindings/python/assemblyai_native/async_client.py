"""``AsyncClient``, at 1.8.2's ``assemblyai.async_client``: the settings the asyncio classes send
their requests with (see ``_async_client``)."""

from ._async_client import AsyncClient

__all__ = ["AsyncClient"]
