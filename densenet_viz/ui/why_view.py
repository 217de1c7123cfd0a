"""The Why-DenseNet page's three sections: gradient flow, parameter efficiency, memory cost. Model work
runs on the job executor (``ui.shared_work``); decisions come from
``densenet_viz.gradient_flow`` and ``densenet_viz.efficiency``."""

from __future__ import annotations

import streamlit as st

from ..chart_text import efficiency_summary, gradient_flow_summary, memory_summary
from ..config import PRESET_INFO, ConfigError, DenseNetConfig
from ..efficiency import our_point
from ..errors import UserError, user_message
from ..gradient_flow import ARCHS, vanishing_verdict
from ..i18n import t
from ..memory import measured_vs_plan, memory_curve, trainable_batch
from ..plan import format_bytes, format_count
from ..plots.teaching import make_efficiency_figure, make_gradient_flow_figure, make_memory_figure
from .cache import cached_plan
from .present import note, show_chart
from .shared_work import gradient_flow_result, memory_measurement, reference_models_result
from .tables import show_table


def gradient_section(lang: str, device: str, device_text: str) -> None:
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
    batch, size = (32, 32) if device.startswith("cuda") else (8, 16)  # about a second on an idle 2-core CPU
    flow = gradient_flow_result(lang, int(depth), int(width), batch, size, bool(batch_norm), init, device)
    names = {a: t(f"why.arch_{a}", lang) for a in ARCHS}
    # Both series come from the same backward pass: switching between them recomputes nothing.
    kind = st.radio(t("why.grad_kind", lang), ["outputs", "weights"], key="why_grad_kind", horizontal=True,
                    format_func=lambda k: t(f"why.grad_kind_{k}", lang))
    series = flow.series(kind)
    show_chart(st, make_gradient_flow_figure(flow, lang, kind), width="stretch", key="why_grad_chart",
               summary=gradient_flow_summary(flow, lang, kind), lang=lang)
    for col, arch in zip(st.columns(len(ARCHS)), ARCHS, strict=True):
        g = series[arch]
        col.metric(t("why.grad_first", lang, arch=names[arch]), f"{g[0]:.2e}",
                   help=t(f"why.grad_first_help_{kind}", lang))
        col.caption(t("why.grad_ratio", lang, last=f"{g[-1]:.2e}", params=format_count(flow.params[arch])))
    verdict, ratio = vanishing_verdict(series["dense"][0], series["plain"][0])
    (st.info if verdict == "no_vanish" else st.success)(t(f"why.grad_{verdict}", lang, times=f"{ratio or 0:.2g}"))
    st.caption(t("why.grad_note", lang, batch=flow.batch_size, size=flow.image_size, device=device_text,
                 seconds=f"{flow.seconds:.1f}"))


def efficiency_section(lang: str, config: DenseNetConfig) -> None:
    st.header(t("why.eff_header", lang))
    st.markdown(t("why.eff_intro", lang))
    models = reference_models_result(lang)
    ours = our_point(config)
    show_chart(st, make_efficiency_figure(models, ours, lang), width="stretch", key="why_eff_chart",
               summary=efficiency_summary(models, ours, lang), lang=lang)
    values = dict(params=format_count(ours.params), gmacs=f"{ours.gmacs:.3g}")
    if ours.top1 is None:
        note(t("why.eff_ours_caption_unknown", lang, size=ours.input_size, **values))
    else:
        note(t("why.eff_ours_caption", lang, title=ours.preset_title, top1=ours.top1, **values))
    rows = []
    for m in models:
        plan = cached_plan(PRESET_INFO[m.name].config) if m.name in PRESET_INFO else None
        rows.append({
            t("why.col_model", lang): m.name, t("why.col_params_meta", lang): f"{m.params:,}",
            t("why.col_params_counted", lang): f"{m.params_counted:,}",
            t("why.col_params_plan", lang): f"{plan.params:,}" if plan else "—",
            t("why.col_gmacs_meta", lang): f"{m.gmacs:.3f}",
            t("why.col_gmacs_plan", lang): f"{plan.macs / 1e9:.3f}" if plan else "—",
            t("why.col_top1", lang): f"{m.top1:.2f}",
        })
    show_table(rows, key="why_eff_table")
    st.caption(t("why.eff_note", lang))


def memory_section(lang: str, config: DenseNetConfig, device: str, device_text: str) -> None:
    st.header(t("why.mem_header", lang))
    st.markdown(t("why.mem_intro", lang))
    on_gpu = device.startswith("cuda")
    if "why_mem_size" not in st.session_state:  # set once: a value= that changes would reset the widget
        st.session_state["why_mem_size"] = config.with_input_size(config.input_size if on_gpu else 64).input_size
    c1, c2 = st.columns(2)
    batch = int(c1.number_input(t("why.mem_batch", lang), 1, 256, 32 if on_gpu else 4, step=1, key="why_mem_batch"))
    size = int(c2.number_input(t("why.mem_size", lang), 8, 1024, step=8, key="why_mem_size"))
    base = config.replace(memory_efficient=False, drop_rate=0.0)
    try:
        mem_config, bad_size = base.replace(input_size=size), False
    except ConfigError as exc:
        mem_config, bad_size = base, True
        st.error(t("why.mem_bad_size", lang, reason=user_message(exc, lang)))
    curve = memory_curve(mem_config, batch)
    can_measure = not bad_size and trainable_batch(mem_config, batch)
    if not bad_size and not can_measure:
        st.warning(t("why.mem_bn_batch", lang))
    measure_key = (mem_config, batch, device)
    if st.button(t("why.mem_measure_gpu" if on_gpu else "why.mem_measure_cpu", lang), key="why_mem_measure",
                 disabled=not can_measure):
        st.session_state["why_mem_measured"] = measure_key
    measured = None
    if can_measure and st.session_state.get("why_mem_measured") == measure_key:
        try:
            measured = memory_measurement(lang, mem_config, batch, device)
        except UserError as exc:  # e.g. refused by the memory budget: what it needs and what is allowed
            st.error(user_message(exc, lang))
    current_depth = cached_plan(mem_config).depth
    show_chart(st, make_memory_figure(curve, measured, current_depth, batch, mem_config.input_size, lang),
               width="stretch", key="why_mem_chart", lang=lang,
               summary=memory_summary(curve, measured, current_depth, batch, mem_config.input_size, lang))
    here = next(p for p in curve if p.depth == current_depth)
    m1, m2, m3 = st.columns(3)
    m1.metric(t("why.mem_plan_naive", lang), format_bytes(here.naive_bytes))
    m2.metric(t("why.mem_plan_shared", lang), format_bytes(here.shared_bytes))
    m3.metric(t("why.mem_saving", lang), f"{here.naive_bytes / here.shared_bytes:.2f}×")
    if measured is not None:
        columns = ("why.col_depth", "why.col_blocks", "why.col_measured_naive", "why.col_plan_naive",
                   "why.col_measured_shared", "why.col_plan_shared")
        rows = [dict(zip([t(c, lang) for c in columns],
                         [depth, ", ".join(map(str, blocks)), *map(format_bytes, sizes)], strict=True))
                for depth, blocks, *sizes in measured_vs_plan(measured, curve)]
        show_table(rows, key="why_mem_table")
        st.caption(t("why.mem_measured_note", lang, method=t(f"why.mem_method_{measured.method}", lang),
                     device=device_text, seconds=f"{measured.seconds:.1f}", skipped=measured.skipped))
    else:
        st.caption(t("why.mem_measure_hint", lang))
    st.info(t("why.mem_pleiss", lang))
