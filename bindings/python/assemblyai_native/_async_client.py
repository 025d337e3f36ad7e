"""``AsyncClient`` (public as ``assemblyai_native.async_client``), as ``assemblyai.AsyncClient`` of the official SDK 1.8.2.

In the official SDK it holds an ``httpx.AsyncClient`` pool. Here it holds a copy of the
settings and the libassemblyai client (``aai_client``) made from them; the requests of every
transcriber that uses it run on the library's worker threads, whose connections are shared by
the whole process. ``aclose()`` releases nothing that could not be released by the garbage
collector, but the client refuses new work afterwards, as a closed httpx pool does.
"""

from __future__ import annotations

from ._settings import _MISSING_KEY, Settings

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

    from . import _ffi
    from .prerecorded.v2._bound import _BoundTranscriber


class AsyncClient:
    """The asyncio client: the settings every request of the transcribers that share it uses.

    Args:
        settings: the settings to use (default: the global ``aai.settings``). The client keeps a
            copy: later changes to the given object do not reach it.
        api_key: overrides the key of `settings`.
        api_key_required: raise ValueError when there is no key (as the official SDK does).
    """

    def __init__(self, *, settings: Optional[Settings] = None, api_key: Optional[str] = None,
                 api_key_required: bool = True) -> None:
        from . import settings as default_settings

        given = settings if settings is not None else default_settings
        if not isinstance(given, Settings):
            raise TypeError(f"settings must be a Settings, not {type(given).__name__}")
        self._settings = given.copy()
        if api_key is not None:
            self._settings.api_key = api_key
        if api_key_required and not self._settings.api_key:
            raise ValueError(_MISSING_KEY)
        self._closed = False
        self._bound: Optional["_BoundTranscriber"] = None

    @property
    def settings(self) -> Settings:
        """This client's settings (its own copy)."""
        return self._settings

    @property
    def last_response(self) -> Any:
        """Always None: the requests run inside libassemblyai, which keeps no httpx response.
        A failure's HTTP status and the server's text are on the exception
        (``status_code``, ``server_text``)."""
        return None

    @property
    def closed(self) -> bool:
        return self._closed

    def _client_handle(self) -> "_ffi.Handle":
        if self._closed:
            raise RuntimeError("the AsyncClient is closed")
        return self._settings._client_handle()

    def _transcriber(self) -> "_BoundTranscriber":
        """The transcriber (libassemblyai's aai_transcriber) of this client's settings."""
        if self._bound is None:
            from .prerecorded.v2._bound import _BoundTranscriber

            self._bound = _BoundTranscriber(self)
        return self._bound

    async def aclose(self) -> None:
        """Closes the client: later calls through it raise RuntimeError. Operations already
        running finish."""
        self._closed = True

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *_exc: Any) -> None:
        await self.aclose()


def _resolve_client(client: Optional[AsyncClient], api_key: Optional[str]) -> AsyncClient:
    """The client an async class uses: `client` itself, or a new one when `api_key` is given
    (from a copy of `client`'s settings, leaving `client` untouched) or no client is."""
    if client is not None and not isinstance(client, AsyncClient):
        raise TypeError(f"client must be an AsyncClient, not {type(client).__name__}")
    if client is not None and api_key is None:
        return client
    return AsyncClient(settings=client.settings if client is not None else None, api_key=api_key)

