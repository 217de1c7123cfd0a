"""The class room end to end through AppTest, with two sessions (a teacher and a student) in one room: start,
join by link, share an explained photo from Explain, approve, the board shows it with its verdict; a wrong
teacher key is refused; leaving works; lesson answers reach the board; both languages."""

from __future__ import annotations

import pytest

from densenet_viz.classroom import format_code
from densenet_viz.i18n import EN, ZH
from densenet_viz.weights import SHIPPED_MODEL, load_card

from testkit import open_page

pytestmark = pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")
CLASSES = tuple(load_card(SHIPPED_MODEL).class_names) if SHIPPED_MODEL.is_file() else ()


def start_class(lang: str = "en"):
    teacher = open_page("pages/classroom.py", query={"lang": lang})
    teacher.button(key="class_start").click().run()
    assert not teacher.exception, [e.value for e in teacher.exception]
    code, key = teacher.session_state["class_teacher"]
    return teacher, code, key


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def share_first_example(student, label: str):
    """On Explain (the first built-in example is explained on first view), say what it is and share it."""
    student.switch_page("pages/explain.py").run()
    assert not student.exception, [e.value for e in student.exception]
    student.selectbox(key="class_label_0").select(label)  # a form: the choice goes with the submit
    [submit] = [b for b in student.button if b.label == EN["room.share_button"]]
    submit.click().run()
    assert not student.exception, [e.value for e in student.exception]
    return student


def test_teacher_and_student_share_approve_and_board():
    teacher, code, key = start_class()
    assert teacher.header[0].value == EN["room.board_header"].format(code=format_code(code))
    assert metrics(teacher)[EN["room.joined_count"]] == "0"
    qr = [img for el in teacher.get("image") for img in el.proto.imgs if "QR" in img.alt]
    assert len(qr) == 1 and f"room={code}" in qr[0].alt

    student = open_page("pages/classroom.py", query={"room": code})  # the join link
    assert student.session_state["class_member"].code == code
    assert any(format_code(code) in info.value for info in student.sidebar.info)
    assert student.query_params["room"] in (code, [code]) and student.query_params["seat"]

    share_first_example(student, CLASSES[0])
    assert [s.value for s in student.success if EN["room.shared_pending"] in s.value]

    teacher.run()
    assert metrics(teacher)[EN["room.joined_count"]] == "1"
    assert metrics(teacher)[EN["room.shared_count"]] == "1"
    assert teacher.subheader[0].value == EN["room.pending_header"].format(n=1)
    assert any(c.value == EN["room.no_photos"] for c in teacher.caption)  # pending: not on the board yet
    [approve] = [b for b in teacher.button if b.key.startswith("class_ok_")]
    approve.click().run()
    assert not teacher.exception
    assert not any(s.value.startswith(EN["room.pending_header"].split("(")[0]) for s in teacher.subheader)
    board_text = " ".join(m.value for m in teacher.markdown)
    assert EN["room.card_label"].format(label=CLASSES[0]) in board_text
    right, labelled = (int(x) for x in metrics(teacher)[EN["room.accuracy"]].split("/"))
    assert labelled == 1 and right in (0, 1)
    verdict = EN["room.verdict_right"] if right else EN["room.verdict_wrong"]
    assert verdict in board_text
    # The confusion matrix counts the approved photo in its label's row.
    [fig] = [el for el in teacher.get("plotly_chart") if "class_confusion" in el.proto.id]
    assert '"z"' in fig.proto.spec

    # The student sees their photo as on the board; then leaves, and the board counts no one.
    student.switch_page("pages/classroom.py").run()
    mine = f'{EN["room.your_label"].format(label=CLASSES[0])} · {EN["room.status_approved"]}'
    assert [img.caption for el in student.get("image") for img in el.proto.imgs] == [mine]
    student.button(key="class_leave").click().run()
    assert "class_member" not in student.session_state
    assert "room" not in student.query_params
    teacher.run()
    assert metrics(teacher)[EN["room.joined_count"]] == "0"


def test_wrong_teacher_key_is_refused_and_right_key_reopens_board():
    _, code, key = start_class()
    intruder = open_page("pages/classroom.py", query={"room": code, "teacher": "x" * 32})
    assert "class_teacher" not in intruder.session_state
    assert [e.value for e in intruder.sidebar.error] == [EN["error.classroom.wrong_key"]]
    assert not intruder.get("metric")
    again = open_page("pages/classroom.py", query={"room": code, "teacher": key})
    assert again.session_state["class_teacher"] == (code, key)
    assert "teacher" not in again.query_params  # the key never stays in a projected address bar
    assert metrics(again)[EN["room.joined_count"]] == "0"


def test_lesson_answers_reach_the_board():
    teacher, code, _ = start_class()
    student = open_page("pages/concat.py", query={"room": code})
    student.session_state["lesson_open"] = True
    student.run()
    student.number_input(key="lesson_answer_concat_enter").set_value(1)
    student.button(key="lesson_check_concat_enter").click().run()
    assert student.session_state["lesson_feedback"]["concat_enter"][1] == 1
    teacher.run()
    rows = [m.value for m in teacher.markdown if " answered, " in m.value]
    name = EN["room.question_name"].format(step=EN["nav.concat"], i=1)
    assert rows == [EN["room.answers_row"].format(question=name, n=1, right=0)]  # 1 is no layer's input
    [table] = [df for df in (el.value for el in teacher.dataframe)]
    assert table.to_dict("records") == [{EN["room.col_answer"]: "1", EN["room.col_count"]: 1}]


def test_end_class_deletes_it_and_students_are_told():
    teacher, code, key = start_class()
    student = open_page("pages/classroom.py", query={"room": code})
    assert student.session_state["class_member"].code == code
    teacher.button(key="class_end").click().run()
    assert "class_teacher" not in teacher.session_state
    assert [s.value for s in teacher.main.success] == [EN["room.ended"]]
    late = open_page("pages/classroom.py", query={"room": code})
    assert "class_member" not in late.session_state
    [error] = [e.value for e in late.sidebar.error]
    assert error.startswith(EN["error.classroom.unknown_code"].split("{")[0])


def test_chinese_class_page_and_board():
    teacher, code, _ = start_class("zh")
    assert teacher.title[0].value == ZH["room.title"]
    assert ZH["room.joined_count"] in metrics(teacher)
    # The join link (the QR code) opens the page in the teacher's language.
    [qr] = [img.alt for el in teacher.get("image") for img in el.proto.imgs if "/classroom?" in img.alt]
    assert f"/classroom?room={code}&lang=zh " in qr, qr
    student = open_page("pages/classroom.py", query={"room": code, "lang": "zh"})
    assert any(ZH["room.joined"].split("{")[0] in info.value for info in student.sidebar.info)
    assert any(ZH["room.student_next"][:10] in m.value for m in student.markdown)


def test_join_form_with_typed_code_and_nickname():
    _, code, _ = start_class()
    student = open_page("pages/classroom.py")
    student.text_input(key="class_code").input(f" {code[:4].lower()}-{code[4:]} ")
    student.text_input(key="class_nick").input("Ada\u202e\u200b  Lovelace")
    [join] = [b for b in student.button if b.label == EN["room.join"]]
    join.click().run()
    m = student.session_state["class_member"]
    assert m.code == code and m.nickname == "Ada Lovelace"
    bad = open_page("pages/classroom.py")
    bad.text_input(key="class_code").input("ZZZZ-ZZZZ")
    [join] = [b for b in bad.button if b.label == EN["room.join"]]
    join.click().run()
    assert "class_member" not in bad.session_state and bad.error
