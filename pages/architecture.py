"""Architecture and channel growth: the plan as a live chart, metrics, a per-layer table, code, a real build."""

import streamlit as st

from densenet_viz.codegen import package_code, torchvision_code, torchvision_problems
from densenet_viz.graph import check_build
from densenet_viz.i18n import t
from densenet_viz.plan import DTYPE_BYTES, format_bytes, format_count
from densenet_viz.plots import (
    LAYER_COLUMNS,
    layer_table,
    layer_table_csv,
    make_growth_figure,
    make_memory_figure,
    make_table_figure,
    plan_metrics,
)
from densenet_viz.ui.cache import cached_model, cached_plan, device_name
from densenet_viz.ui.state import current_config, current_lang, ensure_app_navigation

ensure_app_navigation()  # a deep link on a fresh server must still go through app.py

lang = current_lang()
config = current_config()
plan = cached_plan(config)

st.title(t("arch.title", lang))
st.markdown(t("arch.intro", lang))

# ---------------------------------------------------------------- optional second config to overlay
with st.expander(t("arch.compare_header", lang), expanded=bool(st.session_state.get("arch_compare"))):
    on = st.toggle(t("arch.compare_toggle", lang), key="arch_compare")
    if "arch_k2" not in st.session_state:  # defaults set once: a changing value= would reset the widget
        st.session_state["arch_k2"] = 12 if config.growth_rate != 12 else 32
        st.session_state["arch_theta2"] = float(config.compression)
    c1, c2 = st.columns(2)
    k2 = c1.slider(t("arch.compare_k", lang), 1, 64, key="arch_k2", disabled=not on)
    theta2 = c2.slider(t("arch.compare_theta", lang), 0.05, 1.0, step=0.05, key="arch_theta2", disabled=not on)
compare = config.replace(growth_rate=int(k2), compression=float(theta2)) if on else None
compare_plan = cached_plan(compare) if compare is not None else None


@st.cache_data(max_entries=64, show_spinner=False)
def _growth_figure(config, lang, compare):
    return make_growth_figure(config, lang, compare)


st.plotly_chart(_growth_figure(config, lang, compare), width="stretch", key="arch_growth")
st.caption(t("arch.growth_caption", lang))

# ------------------------------------------------------------------------------------------- metrics
st.subheader(t("arch.metrics_header", lang))
c1, c2 = st.columns(2)
batch = int(c1.number_input(t("arch.batch", lang), 1, 4096, value=32, step=1, key="arch_batch"))
dtype = c2.selectbox(t("arch.dtype", lang), list(DTYPE_BYTES), key="arch_dtype")


def _metric_row(label: str, m: dict, ref: dict | None) -> None:
    st.markdown(f"**{label}**")
    cols = st.columns(5)
    shown = (("params", t("common.params", lang), format_count), ("macs", t("common.macs", lang), format_count),
             ("depth", t("common.depth", lang), str), ("act_naive", t("arch.act_naive", lang), format_bytes),
             ("act_shared", t("arch.act_shared", lang), format_bytes))
    for col, (key, name, fmt) in zip(cols, shown, strict=True):
        delta = None
        if ref is not None and m[key] != ref[key]:
            diff = m[key] - ref[key]
            delta = ("+" if diff > 0 else "-") + fmt(abs(diff))
        col.metric(name, fmt(m[key]), delta=delta, delta_color="off")


main_metrics = plan_metrics(plan, batch, dtype)
_metric_row(t("arch.this_config", lang, variant=config.variant, k=config.growth_rate), main_metrics, None)
plans = [(t("arch.label_main", lang, k=config.growth_rate, theta=f"{config.compression:g}"), plan)]
if compare_plan is not None:
    _metric_row(t("arch.compare_config", lang, k=compare.growth_rate, theta=f"{compare.compression:g}"),
                plan_metrics(compare_plan, batch, dtype), main_metrics)
    plans.append((t("arch.label_compare", lang, k=compare.growth_rate, theta=f"{compare.compression:g}"),
                  compare_plan))
st.plotly_chart(make_memory_figure(plans, batch, dtype, lang), width="stretch", key="arch_memory")
st.caption(t("arch.memory_caption", lang))

# ----------------------------------------------------------------------------------- per-layer table
st.subheader(t("arch.table_header", lang))
table = layer_table(plan)
st.plotly_chart(make_table_figure([t(f"arch.col_{c}", lang) for c in LAYER_COLUMNS],
                                  [[row[c] for c in LAYER_COLUMNS] for row in table],
                                  column_widths=[4.2, 1.6] + [1] * (len(LAYER_COLUMNS) - 2)),
                width="stretch", key="arch_table")
st.download_button(t("arch.download_csv", lang), layer_table_csv(plan),
                   file_name=f"densenet_k{config.growth_rate}_{'-'.join(map(str, config.block_config))}.csv",
                   mime="text/csv", key="arch_csv")

# ------------------------------------------------------------------------------------ copy as PyTorch
st.subheader(t("arch.code_header", lang))
tab_pkg, tab_tv = st.tabs([t("arch.code_package", lang), t("arch.code_torchvision", lang)])
with tab_pkg:
    st.code(package_code(config), language="python")
with tab_tv:
    code = torchvision_code(config)
    if code is None:
        reasons = "; ".join(t(f"arch.tv_no_{p}", lang) for p in torchvision_problems(config))
        st.info(t("arch.tv_cannot", lang, reasons=reasons))
    else:
        st.code(code, language="python")

# ----------------------------------------------------------------------------------- build on device
device, device_text = device_name()
st.subheader(t("arch.build_header", lang))
st.caption(t("arch.build_caption", lang))
if st.button(t("arch.build_button", lang, device=device_text), key="arch_build"):
    check = check_build(plan, device)
    if not check.fits:
        st.session_state["arch_build_result"] = (config, check, None, None)
    else:
        from densenet_viz.trace import trace_model

        with st.spinner(t("arch.building", lang)):
            try:
                model = cached_model(config, device)
                if device.startswith("cuda"):  # the first CUDA pass pays for kernel set-up: time the second
                    trace_model(model, plan)
                result = trace_model(model, plan)
                error = None
            except RuntimeError as exc:  # e.g. CUDA out of memory despite the estimate
                result, error = None, str(exc).splitlines()[0][:300]
        st.session_state["arch_build_result"] = (config, check, result, error)

built = st.session_state.get("arch_build_result")
if built is not None and built[0] == config:  # a result for another config would be misleading
    _, check, result, error = built
    if not check.fits:
        st.error(t("arch.build_refused", lang, estimate=format_bytes(check.estimate_bytes),
                   limit=format_bytes(check.limit_bytes), device=check.device))
    elif error is not None:
        st.error(t("arch.build_failed", lang, error=error))
    else:
        if result.agrees:
            st.success(t("arch.trace_agrees", lang, n=len(result.rows)))
        else:
            st.error(t("arch.trace_disagrees", lang, n=len(result.mismatches)))
            st.code("\n".join(result.mismatches[:20]))
        c1, c2, c3 = st.columns(3)
        c1.metric(t("arch.forward_time", lang), f"{result.forward_ms:.1f} ms")
        c2.metric(t("arch.peak_memory", lang),
                  format_bytes(result.peak_memory_bytes) if result.peak_memory_bytes is not None
                  else t("arch.peak_na", lang))
        c3.metric(t("arch.estimate", lang), format_bytes(check.estimate_bytes))
        st.caption(t("arch.build_device", lang, device=result.device, limit=format_bytes(check.limit_bytes)))
