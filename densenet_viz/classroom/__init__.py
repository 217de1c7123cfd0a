"""Class room: a teacher's room that students join with a short code to share explained photos and
lesson answers (storage only; no Streamlit here). See ``store.ClassroomStore``."""

from .codes import format_code, normalize_code, sanitize_nickname
from .db import default_database_url, make_engine, sqlite_url
from .limits import Limits
from .qr import qr_png
from .schema import SCHEMA_VERSION, SchemaError
from .store import (
    NONE_OF_THESE,
    OTHER,
    UNKNOWN,
    Board,
    ClassroomStore,
    Member,
    Room,
    RoomKeys,
    ShareRow,
    is_correct,
)
from .thumbs import make_thumbnail

__all__ = [
    "NONE_OF_THESE", "OTHER", "SCHEMA_VERSION", "UNKNOWN", "Board", "ClassroomStore", "Limits", "Member", "Room",
    "RoomKeys", "SchemaError", "ShareRow", "default_database_url", "format_code", "is_correct", "make_engine",
    "make_thumbnail", "normalize_code", "qr_png", "sanitize_nickname", "sqlite_url",
]
