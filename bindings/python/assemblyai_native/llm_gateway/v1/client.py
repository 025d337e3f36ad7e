"""``LLMGateway``, at 1.8.2's ``assemblyai.llm_gateway.v1.client``: the blocking client
(``chat.completions.create()``, ``understanding.create()``; see ``assemblyai_native.llm_gateway``)."""

from .._core import LLMGateway

__all__ = ["LLMGateway"]
