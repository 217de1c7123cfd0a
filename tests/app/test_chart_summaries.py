"""AppTest (issue 31): on every page each chart is followed by its one-sentence summary and a closed expander
with its data as a table (photos excepted); the sentences carry the plan's numbers, and an opened
expander's table is the chart's data."""

from __future__ import annotations

import time
import uuid

import pytest
from streamlit.testing.v1 import AppTest

from densenet_viz.chart_text import flow_memory_summary, flow_summary, growth_summary, live_chart_summary
from densenet_viz.config import PRESETS
from densenet_viz.i18n import EN, ZH
from densenet_viz.plan import plan_network
from densenet_viz.train.live import THUMBNAILS_DIR
from densenet_viz.weights import SHIPPED_MODEL, load_card

from testkit import APP, charts, decode, open_page, tables, tiny_live_data

D121 = PRESETS["densenet121"]
NO_TABLE = ("ex_strip_", "occ_pick_")  # the CAM strip and the clickable photo: pictures, summary only


def _flat(node) -> list:
    """The page's elements in order, containers opened (an expander stays one element: its content is its own)."""
    out = []
    for i in sorted(node.children):
        child = node.children[i]
        if child.type == "expander" or not getattr(child, "children", None):
            out.append(child)
        else:
            out += _flat(child)
    return out


def chart_texts(at: AppTest, table_label: str = EN["chart.table"]) -> dict[str, str]:
    """{chart key: its summary}; asserts that every chart is followed by its summary and (unless it is a
    picture) by a closed expander named ``table_label`` and keyed after the chart."""
    elements = _flat(at.main)
    found = {}
    for i, el in enumerate(elements):
        if el.type != "plotly_chart":
            continue
        key = el.proto.id.split("-", 2)[-1]  # "$$ID-<hash>-<key>"
        summary = elements[i + 1]
        assert summary.type in ("caption", "markdown") and summary.value, (key, summary.type)
        found[key] = summary.value
        if key.startswith(NO_TABLE):
            continue
        box = elements[i + 2]
        assert box.type == "expander" and box.label == table_label, (key, box.type)
        assert box.proto.id.endswith(f"{key}_data") and not box.proto.expanded
    assert found, "no chart on the page"
    return found


def open_data(at: AppTest, key: str):
    """Open the data expander of chart ``key`` (as a click would) and return its table."""
    before = len(tables(at))
    at.session_state[f"{key}_data"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(tables(at)) == before + 1
    box = next(e for e in at.expander if e.proto.id.endswith(f"{key}_data"))
    [table] = box.dataframe
    return table.value


# ------------------------------------------------------------------------------- plan pages, value-checked
def test_architecture_summary_follows_k_and_its_table_is_the_chart():
    at = open_page("pages/architecture.py")
    assert chart_texts(at) == {"arch_growth": growth_summary(plan_network(D121), "en")}
    assert not tables(at)  # closed: the table is neither built nor sent
    at.sidebar.slider(key="cfg_k").set_value(12).run()
    config = D121.replace(growth_rate=12)
    text = chart_texts(at)["arch_growth"]
    assert text == growth_summary(plan_network(config), "en")
    assert text.startswith("Channels grow by 12 per layer") and "from 64 to 136 in block 1" in text
    table = open_data(at, "arch_growth")
    assert list(table[EN["arch.trace_channels"]]) == charts(at)["arch_growth"]["data"][0]["y"]
    assert list(table[EN["arch.x_position"]]) == list(range(1, 62))
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert chart_texts(at, ZH["chart.table"])["arch_growth"] == growth_summary(plan_network(config), "zh")


def test_transitions_summaries_carry_the_plan_and_the_batch():
    at = open_page("pages/transitions.py")
    at.sidebar.slider(key="cfg_theta").set_value(0.25).run()
    at.number_input(key="trans_batch").set_value(8).run()
    plan = plan_network(D121.replace(compression=0.25))
    texts = chart_texts(at)
    assert texts == {"trans_flow": flow_summary(plan, "en"), "trans_memory": flow_memory_summary(plan, 8, "float32")}
    assert "Transition 1 cuts them to 64 at 28×28" in texts["trans_flow"]
    flow = open_data(at, "trans_flow")
    assert list(flow[EN["chart.col_stage"]]) == charts(at)["trans_flow"]["data"][0]["x"]
    assert list(flow[EN["trans.channels_out"]]) == charts(at)["trans_flow"]["data"][0]["y"]
    assert list(tables(at)[1].iloc[:, 2]) == [256, 448, 880]  # the page's own table: channels before


def test_home_and_concat_charts_have_summaries_and_tables():
    at = open_page(None)
    assert "Block 1: 4 layers joined by 10 connections" in chart_texts(at)["home_picture"]
    at = open_page("pages/concat.py")
    texts = chart_texts(at)
    assert {"concat_graph", "concat_resnet", "concat_width", "concat_composition", "concat_reuse_random"} <= set(texts)
    assert texts["concat_graph"].startswith("Block 1: 6 layers joined by 21 connections")
    graph = open_data(at, "concat_graph")
    assert list(graph.columns) == [EN["chart.col_description"]]
    assert "Layer 6 · adds 32 channels · receives 224 channels from 6 sources" in list(graph.iloc[:, 0])


# ------------------------------------------------------------------------------------- pages with models
def test_why_charts_have_summaries_and_tables():
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.switch_page("pages/why.py").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = chart_texts(at)
    assert set(texts) == {"why_grad_chart", "why_eff_chart", "why_mem_chart"}
    assert texts["why_grad_chart"].startswith("Gradient norm with respect to each layer's output")
    grad = open_data(at, "why_grad_chart")
    assert len(grad) == 40
    assert list(grad[EN["why.arch_dense"]]) == pytest.approx(decode(charts(at)["why_grad_chart"]["data"][0]["y"]),
                                                             rel=1e-3)


@pytest.mark.skipif(not SHIPPED_MODEL.is_file(), reason="no shipped model")
def test_walkthrough_and_explain_charts_have_summaries():
    at = AppTest.from_file(APP, default_timeout=240).run()
    at.switch_page("pages/walkthrough.py").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = chart_texts(at)
    assert set(texts) == {"walk_overview", "walk_active"}
    stem = load_card(SHIPPED_MODEL).config.num_init_features
    assert texts["walk_active"].startswith(f"The 8 most active of {stem} feature maps")
    assert len(open_data(at, "walk_active")) == 8  # one row per map, not per pixel

    at.switch_page("pages/explain.py").run()
    assert not at.exception, [e.value for e in at.exception]
    texts = chart_texts(at)
    assert {"ex_top5_0", "ex_strip_0", "mistakes_matrix"} <= set(texts)
    assert texts["ex_top5_0"].startswith("The top 5 classes:")
    assert texts["ex_strip_0"].startswith("Grad-CAM for ") and "Block 4 output (7×7)" in texts["ex_strip_0"]
    assert any(k.startswith("occ_pick_") for k in texts)
    top5 = open_data(at, "ex_top5_0")
    assert len(top5) == 5 and list(top5.columns) == [EN["chart.col_class"], EN["explain.probability"]]


@pytest.mark.skipif(not (THUMBNAILS_DIR / "train").is_dir(), reason="no thumbnail pack")
def test_train_live_chart_has_its_runs_numbers(monkeypatch):
    import densenet_viz.ui.train_view as train_view

    monkeypatch.setattr(train_view, "session_id", lambda: "summary-test")
    data = tiny_live_data(f"summary-{uuid.uuid4().hex[:8]}")
    monkeypatch.setattr(train_view, "live_data", lambda: data)
    at = open_page("pages/train_live.py", query={"preset": "densenet121", "k": "8", "blocks": "2-2-2", "bn": "0",
                                                 "init": "16"})
    at.select_slider(key="live_epochs").set_value(1).run()
    at.button(key="live_start").click().run()
    runs = at.session_state["live_runs"]
    deadline = time.monotonic() + 120
    while any(r.active for r in runs) and time.monotonic() < deadline:
        time.sleep(0.1)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    text = chart_texts(at)["live_curves"]
    assert text == live_chart_summary(runs, "en", 1 / len(data.classes))
    assert "at epoch 1.00 of 1" in text
    table = open_data(at, "live_curves")
    assert list(table[EN["chart.col_val_acc"]]) == pytest.approx([r.points[-1].val_acc for r in runs], abs=1e-4)
