"""Chart texts wrapped for a phone: where lines break, and how much room a wrapped title gets."""

from densenet_viz.fit_text import (
    LINE_EM,
    PHONE_TITLE_PX,
    TITLE_PX,
    fit_title,
    text_em,
    wrap,
)
from densenet_viz.i18n import t

MAX_EM = PHONE_TITLE_PX / TITLE_PX


def test_short_text_is_left_alone():
    assert wrap("Top-1 vs compute") == "Top-1 vs compute"
    assert fit_title("Top-1 vs compute", 50) == ("Top-1 vs compute", 50)


def test_long_english_breaks_at_a_bracket_or_comma_and_every_line_fits():
    title = t("why.grad_title", "en", depth=40, width=12)
    wrapped = wrap(title)
    assert wrapped == "Gradient norm per layer at initialisation<br>(40 layers, 12 maps each)"
    assert wrap("Size of the tensor leaving each stage, batch 1, float32") == (
        "Size of the tensor leaving each stage,<br>batch 1, float32")
    long = " ".join(["word"] * 40)
    lines = wrap(long).split("<br>")
    assert len(lines) >= 3 and all(text_em(line) <= MAX_EM for line in lines)
    assert " ".join(lines) == long  # only spaces became breaks: no word is cut


def test_chinese_breaks_after_punctuation_never_before_it():
    wrapped = wrap(t("why.grad_title", "zh", depth=40, width=12))
    assert wrapped == "初始化时每层的梯度范数（40 层，<br>每层 12 张特征图）"
    no_punctuation = "第一个稠密块的输出" * 4
    lines = wrap(no_punctuation).split("<br>")
    assert len(lines) == 2 and "".join(lines) == no_punctuation and text_em(lines[0]) <= MAX_EM
    assert not any(line.startswith(("，", "）", "：")) for line in wrap("甲乙丙丁，" * 12).split("<br>"))


def test_breaks_already_there_are_kept_and_tags_take_no_room():
    assert wrap("a<br>b") == "a<br>b"
    assert text_em("<b>ab</b>") == text_em("ab")


def test_a_wrapped_title_gets_a_taller_top_margin():
    title = t("why.grad_title", "en", depth=40, width=12)
    wrapped, top = fit_title(title, 50)
    assert wrapped.count("<br>") == 1 and top == 50 + round(LINE_EM * TITLE_PX)
    # Subplot titles under it: the title stays centred in the margin, so the margin grows by two lines.
    assert fit_title(title, 50, keep_bottom=True)[1] == 50 + round(2 * LINE_EM * TITLE_PX)
