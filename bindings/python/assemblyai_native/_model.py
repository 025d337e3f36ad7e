"""``@model``: the part of ``@dataclass`` the result and option types use, made cheap to import.

Importing ``dataclasses`` costs ~5 ms (it imports inspect, ast and dis), and ``@dataclass``
compiles three methods per class: together a third of ``import assemblyai_native``. ``@model``
writes the same ``__init__`` (positional or keyword, defaults, ``field(default_factory=...)``)
and ``__match_args__``; the dataclass ``__repr__`` and ``__eq__`` come from ``types._Model``,
generic over ``fields()``. A class's ``__init__`` is compiled on its first call, so only the
classes a program builds pay for it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~2 ms
if TYPE_CHECKING:
    from typing import Any, Callable, Dict, List, Tuple, TypeVar

    from typing_extensions import dataclass_transform

    _C = TypeVar("_C", bound=type)
else:
    def dataclass_transform(**_: object) -> object:
        return lambda decorator: decorator


class _Sentinel:
    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


MISSING: Any = _Sentinel("MISSING")
_FACTORY: Any = _Sentinel("<factory>")  # the default of a field with a default_factory, as dataclasses shows it


class Field:
    """One field of a model: as dataclasses.Field, for the options the models use."""

    __slots__ = ("name", "default", "default_factory", "repr", "compare")

    def __init__(self, default: Any = MISSING, default_factory: Any = MISSING, repr: bool = True,
                 compare: bool = True) -> None:
        self.name = ""
        self.default = default
        self.default_factory = default_factory
        self.repr = repr
        self.compare = compare


def field(*, default: Any = MISSING, default_factory: Callable[[], Any] = MISSING, repr: bool = True,
          compare: bool = True) -> Any:
    return Field(default, default_factory, repr, compare)


def fields(cls: type) -> Tuple[Field, ...]:
    """The fields of a model class, in __init__ order (bases' first)."""
    return cls.__model_fields__  # type: ignore[attr-defined, no-any-return]


@dataclass_transform(field_specifiers=(field, Field))
def model(cls: _C) -> _C:
    """Reads the class's annotations into fields after its bases' (a redeclared field keeps its
    place and takes the new default, as with @dataclass) and installs __init__."""
    found: Dict[str, Field] = {}
    for base in reversed(cls.__mro__[1:]):
        for f in vars(base).get("__model_fields__", ()):
            found[f.name] = f
    for name in vars(cls).get("__annotations__", {}):
        value = vars(cls).get(name, MISSING)
        f = value if isinstance(value, Field) else Field(default=value)
        f.name = name
        found[name] = f
        if isinstance(value, Field):  # the class attribute is the default, as with @dataclass
            if f.default is MISSING:
                delattr(cls, name)
            else:
                setattr(cls, name, f.default)
    cls.__model_fields__ = tuple(found.values())  # type: ignore[attr-defined]
    cls.__match_args__ = tuple(found)  # type: ignore[attr-defined, misc]
    if "__init__" not in vars(cls):
        cls.__init__ = _first_init(cls)  # type: ignore[misc]
    return cls


def _first_init(cls: type) -> Callable[..., None]:
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if cls.__init__ is __init__:  # type: ignore[misc, comparison-overlap]
            cls.__init__ = _compile_init(cls)  # type: ignore[misc]
        cls.__init__(self, *args, **kwargs)  # type: ignore[misc]

    return __init__


def _compile_init(cls: type) -> Callable[..., None]:
    """The __init__ @dataclass writes: one assignment per field, a fresh default from a factory."""
    params: List[str] = []
    body: List[str] = []
    env: Dict[str, Any] = {"_FACTORY": _FACTORY}
    for i, f in enumerate(fields(cls)):
        if f.default_factory is not MISSING:
            env[f"_factory{i}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            body.append(f"self.{f.name} = _factory{i}() if {f.name} is _FACTORY else {f.name}")
            continue
        if f.default is not MISSING:
            env[f"_default{i}"] = f.default
            params.append(f"{f.name}=_default{i}")
        else:
            params.append(f.name)
        body.append(f"self.{f.name} = {f.name}")
    source = f"def __init__(self, {', '.join(params)}):\n    " + ("\n    ".join(body) or "pass") + "\n"
    namespace: Dict[str, Any] = {}
    exec(source, env, namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init
