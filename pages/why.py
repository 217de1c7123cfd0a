"""Why DenseNet: gradient flow, parameter efficiency and memory cost, all measured on real models."""

from __future__ import annotations

import streamlit as st

from densenet_viz.config import PRESET_INFO
from densenet_viz.i18n import t
from densenet_viz.plan import format_bytes, format_count
from densenet_viz.plots_teaching import (
    make_efficiency_figure,
    make_gradient_flow_figure,
    make_memory_figure,
    make_table_figure,
)
from densenet_viz.ui.cache import cached_plan, device_name
from densenet_viz.ui.state import current_config, current_lang, ensure_app_navigation
from densenet_viz.ui.teaching import (
    cached_gradient_flow,
    cached_memory_measurement,
    cached_reference_models,
)
from densenet_viz.why import ARCHS, memory_curve, our_point, trainable_batch

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py

lang = current_lang()
config = current_config()
device, device_text = device_name()
on_gpu = device.startswith("cuda")

st.title(t("why.title", lang))
st.markdown(t("why.intro", lang))

# ---------------------------------------------------------------------------------------------- gradient flow
st.header(t("why.grad_header", lang))
st.markdown(t("why.grad_intro", lang))
with st.form("why_grad_form"):
    c1, c2, c3, c4 = st.columns(4)
    depth = c1.slider(t("why.grad_depth", lang), 5, 100, 40, step=1, key="why_depth")
    width = c2.slider(t("why.grad_width", lang), 4, 32, 12, step=1, key="why_width")
    init = c3.radio(t("why.grad_init", lang), ["default", "kaiming"], key="why_init",
                    format_func=lambda s: t(f"why.grad_init_{s}", lang))
    batch_norm = c4.toggle(t("why.grad_bn", lang), value=False, key="why_bn")
    st.form_submit_button(t("why.grad_run", lang))
batch, size = (32, 32) if on_gpu else (8, 16)  # about a second on an idle 2-core CPU
with st.spinner(t("why.grad_running", lang)):
    flow = cached_gradient_flow(int(depth), int(width), batch, size, bool(batch_norm), init, device)
names = {a: t(f"why.arch_{a}", lang) for a in ARCHS}
# Both series come from the same backward pass: switching between them recomputes nothing.
kind = st.radio(t("why.grad_kind", lang), ["outputs", "weights"], key="why_grad_kind", horizontal=True,
                format_func=lambda k: t(f"why.grad_kind_{k}", lang))
series = flow.series(kind)
st.plotly_chart(make_gradient_flow_figure(flow, names, t("why.grad_title", lang, depth=flow.depth, width=flow.width),
                                          t("why.grad_x", lang), t(f"why.grad_y_{kind}", lang), kind),
                width="stretch", key="why_grad_chart")
cols = st.columns(len(ARCHS))
for col, arch in zip(cols, ARCHS, strict=True):
    g = series[arch]
    col.metric(t("why.grad_first", lang, arch=names[arch]), f"{g[0]:.2e}",
               help=t(f"why.grad_first_help_{kind}", lang))
    col.caption(t("why.grad_ratio", lang, last=f"{g[-1]:.2e}", params=format_count(flow.params[arch])))
dense0, plain0 = series["dense"][0], series["plain"][0]
if plain0 > 0 and dense0 / plain0 >= 10:
    st.success(t("why.grad_vanish", lang, times=f"{dense0 / plain0:.2g}"))
elif plain0 == 0:
    st.success(t("why.grad_vanish_zero", lang))
else:
    st.info(t("why.grad_no_vanish", lang))
st.caption(t("why.grad_note", lang, batch=flow.batch_size, size=flow.image_size, device=device_text,
             seconds=f"{flow.seconds:.1f}"))

# -------------------------------------------------------------------------------------- parameter efficiency
st.header(t("why.eff_header", lang))
st.markdown(t("why.eff_intro", lang))
models = cached_reference_models()
ours = our_point(config)
labels = {
    "params_title": t("why.eff_params_title", lang), "macs_title": t("why.eff_macs_title", lang),
    "params_axis": t("why.eff_params_axis", lang), "macs_axis": t("why.eff_macs_axis", lang),
    "top1_axis": t("why.eff_top1_axis", lang), "ours": t("why.eff_ours", lang, title=ours.preset_title or ""),
    "ours_unknown": t("why.eff_ours_unknown", lang),
}
st.plotly_chart(make_efficiency_figure(models, ours, labels), width="stretch", key="why_eff_chart")
if ours.top1 is None:
    st.caption(t("why.eff_ours_caption_unknown", lang, params=format_count(ours.params), gmacs=f"{ours.gmacs:.3g}",
                 size=ours.input_size))
else:
    st.caption(t("why.eff_ours_caption", lang, title=ours.preset_title, params=format_count(ours.params),
                 gmacs=f"{ours.gmacs:.3g}", top1=ours.top1))
rows = []
for m in models:
    info = PRESET_INFO.get(m.name)
    plan = cached_plan(info.config) if info else None
    rows.append({
        t("why.col_model", lang): m.name,
        t("why.col_params_meta", lang): f"{m.params:,}",
        t("why.col_params_counted", lang): f"{m.params_counted:,}",
        t("why.col_params_plan", lang): f"{plan.params:,}" if plan else "—",
        t("why.col_gmacs_meta", lang): f"{m.gmacs:.3f}",
        t("why.col_gmacs_plan", lang): f"{plan.macs / 1e9:.3f}" if plan else "—",
        t("why.col_top1", lang): f"{m.top1:.2f}",
    })
st.plotly_chart(make_table_figure(rows), width="stretch", key="why_eff_table")
st.caption(t("why.eff_note", lang))

# ------------------------------------------------------------------------------------------------ memory cost
st.header(t("why.mem_header", lang))
st.markdown(t("why.mem_intro", lang))
if "why_mem_size" not in st.session_state:  # set once: a value= that changes would reset the widget
    st.session_state["why_mem_size"] = config.input_size if on_gpu else min(config.input_size, 64)
c1, c2 = st.columns(2)
mem_batch = c1.number_input(t("why.mem_batch", lang), 1, 256, 4 if not on_gpu else 32, step=1, key="why_mem_batch")
mem_size = c2.number_input(t("why.mem_size", lang), 8, 1024, step=8, key="why_mem_size")
mem_error = None
try:
    mem_config = config.replace(input_size=int(mem_size), memory_efficient=False, drop_rate=0.0)
except ValueError as exc:
    mem_config, mem_error = config.replace(memory_efficient=False, drop_rate=0.0), str(exc)
    st.error(t("why.mem_bad_size", lang, reason=mem_error))
curve = memory_curve(mem_config, int(mem_batch))
measure_key = (mem_config, int(mem_batch), device)
can_measure = mem_error is None and trainable_batch(mem_config, int(mem_batch))
if mem_error is None and not can_measure:
    st.warning(t("why.mem_bn_batch", lang))
if st.button(t("why.mem_measure_gpu" if on_gpu else "why.mem_measure_cpu", lang), key="why_mem_measure",
             disabled=not can_measure):
    with st.spinner(t("why.mem_measuring", lang)):
        cached_memory_measurement(mem_config, int(mem_batch), device)
    st.session_state["why_mem_measured"] = measure_key
measured = None
if can_measure and st.session_state.get("why_mem_measured") == measure_key:
    measured = cached_memory_measurement(mem_config, int(mem_batch), device)
current_depth = cached_plan(mem_config).depth
mem_labels = {
    "title": t("why.mem_title", lang, batch=int(mem_batch), size=mem_config.input_size),
    "x": t("why.mem_x", lang), "y": t("why.mem_y", lang),
    "naive": t("why.mem_naive", lang), "shared": t("why.mem_shared", lang),
    "measured_naive": t("why.mem_measured_naive", lang), "measured_shared": t("why.mem_measured_shared", lang),
}
st.plotly_chart(make_memory_figure(curve, measured, current_depth, mem_labels), width="stretch", key="why_mem_chart")
here = next(p for p in curve if p.depth == current_depth)
m1, m2, m3 = st.columns(3)
m1.metric(t("why.mem_plan_naive", lang), format_bytes(here.naive_bytes))
m2.metric(t("why.mem_plan_shared", lang), format_bytes(here.shared_bytes))
m3.metric(t("why.mem_saving", lang), f"{here.naive_bytes / here.shared_bytes:.2f}×")
if measured is not None:
    method = t(f"why.mem_method_{measured.method}", lang)
    rows = [{t("why.col_depth", lang): p.depth, t("why.col_blocks", lang): ", ".join(map(str, p.block_config)),
             t("why.col_measured_naive", lang): format_bytes(p.naive_bytes),
             t("why.col_plan_naive", lang): format_bytes(next(c.naive_bytes for c in curve if c.depth == p.depth)),
             t("why.col_measured_shared", lang): format_bytes(p.shared_bytes),
             t("why.col_plan_shared", lang): format_bytes(next(c.shared_bytes for c in curve if c.depth == p.depth))}
            for p in measured.points]
    st.plotly_chart(make_table_figure(rows), width="stretch", key="why_mem_table")
    st.caption(t("why.mem_measured_note", lang, method=method, device=device_text, seconds=f"{measured.seconds:.1f}",
                 skipped=measured.skipped))
else:
    st.caption(t("why.mem_measure_hint", lang))
st.info(t("why.mem_pleiss", lang))
