"""LeMUR requests and responses."""

from __future__ import annotations


from .._model import field, model

from ._base import _JSONResponse, _Model

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms): see _model.py
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Union


# --------------------------------------------------------------------------------------
# LeMUR types
# --------------------------------------------------------------------------------------


@model
class LemurQuestion(_Model):
    """A question to ask LeMUR."""

    question: str
    context: Optional[Union[str, Dict[str, Any]]] = None
    answer_format: Optional[str] = None
    "How the answer should be given (cannot be used with answer_options)."
    answer_options: Optional[List[str]] = None
    "Discrete options to answer with (cannot be used with answer_format)."


@model
class LemurQuestionAnswer(_Model):
    """One answer of a question-answer request."""

    question: str
    answer: str


@model
class LemurUsage(_Model):
    """Token usage of a LeMUR request (None when the server did not say)."""

    input_tokens: Optional[int]
    output_tokens: Optional[int]


@model
class LemurStringResponse(_Model, _JSONResponse):
    """A LeMUR response whose answer is text."""

    request_id: str
    usage: LemurUsage
    response: str
    _json: Optional[str] = field(default=None, repr=False, compare=False)


@model
class LemurTaskResponse(LemurStringResponse):
    """The result of a LeMUR task."""


@model
class LemurSummaryResponse(LemurStringResponse):
    """The result of a LeMUR summary."""


@model
class LemurActionItemsResponse(LemurStringResponse):
    """The result of a LeMUR action items request."""


@model
class LemurQuestionResponse(_Model, _JSONResponse):
    """The result of a LeMUR question-answer request."""

    request_id: str
    usage: LemurUsage
    response: List[LemurQuestionAnswer]
    _json: Optional[str] = field(default=None, repr=False, compare=False)


@model
class LemurPurgeResponse(_Model):
    """The result of purging a LeMUR request's data.

    ``request_id`` (the id of the purge request itself) is None: libassemblyai 0.1 reports
    only whether the data was deleted."""

    request_id: Optional[str]
    request_id_to_purge: str
    deleted: bool
