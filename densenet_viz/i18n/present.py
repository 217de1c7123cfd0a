"""Projector mode (the sidebar toggle and its URL parameter ``present``)."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "present.toggle": (
        "Projector mode",
        "投影模式",
    ),
    "present.toggle_help": (
        "Large chart text, pictures twice the size and key explanations in body text, for a classroom projector. "
        "Links copied in this mode open in it (present=1).",
        "图表文字加大、图片放大一倍、关键说明以正文显示，适合教室投影。在此模式下复制的链接会以投影模式打开（present=1）。",
    ),
    "present.bad_link": (
        "The link's projector setting could not be used ({reason}); projector mode is off.",
        "链接中的投影模式设置无法使用（{reason}）；投影模式已关闭。",
    ),
    "field.present": (
        "Projector mode (present)",
        "投影模式（present）",
    ),
}
