"""The Architecture page's sections: the growth chart (with an optional compared config), the metrics, the
per-layer table, copy-as-code, and a real build. Figures are cached per config and shared (never mutated):
a sidebar change that comes back to a config already drawn costs no figure work. Every sidebar change
redraws the whole page in the browser, so the page carries one chart (bench.slider_latency)."""

from __future__ import annotations

import time

import streamlit as st

from ..chart_text import growth_summary
from ..codegen import package_code, torchvision_code, torchvision_problems
from ..config import FIELDS, DenseNetConfig
from ..errors import UserError, user_message
from ..i18n import t
from ..plan import (
    DTYPE_BYTES,
    LAYER_COLUMNS,
    Plan,
    format_bytes,
    format_count,
    layer_table,
    layer_table_csv,
    plan_metrics,
)
from ..plots.channels import make_growth_figure
from .cache import cached_plan
from .present import note, show_chart
from .shared_work import build_and_trace
from .state import widget_key
from .tables import show_table


@st.cache_resource(max_entries=128, show_spinner=False)
def growth_figure(config: DenseNetConfig, lang: str, compare: DenseNetConfig | None, in_browser: bool):
    """The growth chart (shared object: never mutate it); its own k slider and ▶ Play only when asked."""
    return make_growth_figure(config, lang, compare, in_browser=in_browser)


@st.cache_resource(max_entries=128, show_spinner=False)
def _layer_table(config: DenseNetConfig, lang: str):
    """The per-layer table's rows, headers in ``lang``, and its CSV (shared; never mutated)."""
    plan = cached_plan(config)
    shown = [{t(f"arch.col_{c}", lang): row[c] for c in LAYER_COLUMNS} for row in layer_table(plan)]
    return shown, layer_table_csv(plan)


def growth_section(config: DenseNetConfig, lang: str) -> DenseNetConfig | None:
    """The growth chart, then its controls (the in-browser toggle, the compared config); returns the
    compared config or None. The controls' state is read before they are drawn, so a sidebar change
    sends the chart's message before theirs (bench.slider_latency)."""
    compare = _compared_config(config)
    other = cached_plan(compare) if compare is not None else None
    in_browser = bool(st.session_state.get("arch_in_browser", False))
    chart = st.empty()  # one slot: each chart drawn into it (with its summary) replaces the one before
    if st.session_state.get("arch_play"):  # ▶ Play pressed this run: step k through PLAY_KS, then back
        for k in PLAY_KS:
            played = config.replace(growth_rate=k)
            show_chart(chart.container(), growth_figure(played, lang, compare, False), width="stretch",
                       key=f"arch_play_{k}", summary=growth_summary(cached_plan(played), lang, other), lang=lang,
                       table=False)
            time.sleep(PLAY_PAUSE_S)
    show_chart(chart.container(), growth_figure(config, lang, compare, in_browser), width="stretch", key="arch_growth",
               summary=growth_summary(cached_plan(config), lang, other), lang=lang)
    _k_controls(config, lang)
    note(t("arch.growth_caption", lang))
    st.toggle(t("arch.in_browser", lang), key="arch_in_browser", help=t("arch.in_browser_help", lang))
    _compare_controls(config, lang)
    return compare


PLAY_KS = (1, 2, 4, 8, 12, 16, 24, 32, 48, 64)  # the k values ▶ Play shows, one after another
PLAY_PAUSE_S = 0.4


def _k_from_page() -> None:
    """The page's k slider moved: it sets the sidebar's k (the one config every page and the URL use)."""
    st.session_state[widget_key(FIELDS["growth_rate"])] = st.session_state["arch_k"]


def _k_controls(config: DenseNetConfig, lang: str) -> None:
    """k under the chart (on a phone the sidebar covers the chart), and ▶ Play as a focusable button: the
    keyboard way to what the chart's own Plotly controls do with a mouse."""
    k = FIELDS["growth_rate"]
    st.session_state["arch_k"] = config.growth_rate  # follows the sidebar (set before the widget is drawn)
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    c1.slider(t("arch.k_page", lang), int(k.lo), int(k.hi), step=int(k.step), key="arch_k", on_change=_k_from_page)
    c2.button(t("arch.play_k", lang), key="arch_play", help=t("arch.play_k_help", lang))


def _compared_config(config: DenseNetConfig) -> DenseNetConfig | None:
    """The overlaid config, from the compare widgets' state (None when off or not drawn yet)."""
    state = st.session_state
    if not state.get("arch_compare") or "arch_k2" not in state:
        return None
    return config.replace(growth_rate=int(state["arch_k2"]), compression=float(state["arch_theta2"]))


def _compare_controls(config: DenseNetConfig, lang: str) -> None:
    """The controls of an optional second config (k and θ changed) to overlay; ``_compared_config`` reads them."""
    with st.expander(t("arch.compare_header", lang), expanded=bool(st.session_state.get("arch_compare"))):
        on = st.toggle(t("arch.compare_toggle", lang), key="arch_compare")  # only enables the sliders
        if "arch_k2" not in st.session_state:  # defaults set once: a changing value= would reset the widget
            st.session_state["arch_k2"] = 12 if config.growth_rate != 12 else 32
            st.session_state["arch_theta2"] = float(config.compression)
        c1, c2 = st.columns(2)
        k, theta = FIELDS["growth_rate"], FIELDS["compression"]
        c1.slider(t("arch.compare_k", lang), int(k.lo), int(k.hi), key="arch_k2", disabled=not on)
        c2.slider(t("arch.compare_theta", lang), theta.lo, theta.hi, step=theta.step, key="arch_theta2",
                  disabled=not on)


def _metric_row(label: str, m: dict, ref: dict | None, lang: str) -> None:
    st.markdown(f"**{label}**")
    shown = (("params", t("common.params", lang), format_count), ("macs", t("common.macs", lang), format_count),
             ("depth", t("common.depth", lang), str), ("act_naive", t("arch.act_naive", lang), format_bytes),
             ("act_shared", t("arch.act_shared", lang), format_bytes))
    for col, (key, name, fmt) in zip(st.columns(5), shown, strict=True):
        delta = None
        if ref is not None and m[key] != ref[key]:
            delta = ("+" if m[key] > ref[key] else "-") + fmt(abs(m[key] - ref[key]))
        col.metric(name, fmt(m[key]), delta=delta, delta_color="off")


def metrics_section(config: DenseNetConfig, plan: Plan, compare: DenseNetConfig | None, lang: str) -> None:
    st.header(t("arch.metrics_header", lang))
    c1, c2 = st.columns(2)
    batch = int(c1.number_input(t("arch.batch", lang), 1, 4096, value=32, step=1, key="arch_batch"))
    dtype = c2.selectbox(t("arch.dtype", lang), list(DTYPE_BYTES), key="arch_dtype")
    main = plan_metrics(plan, batch, dtype)
    _metric_row(t("arch.this_config", lang, variant=config.variant, k=config.growth_rate), main, None, lang)
    if compare is not None:
        _metric_row(t("arch.compare_config", lang, k=compare.growth_rate, theta=f"{compare.compression:g}"),
                    plan_metrics(cached_plan(compare), batch, dtype), main, lang)
    note(t("arch.memory_caption", lang))  # the Why DenseNet page charts it against depth, measured


def lazy_section(label: str, key: str):
    """A closed-by-default expander whose content is computed and sent only while it is open (its state
    is ``st.session_state[key]``); returns the container when open, else None. Why: every sidebar change
    redraws the whole page in the browser, and a closed section then costs its header alone."""
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None


def table_section(config: DenseNetConfig, lang: str) -> None:
    box = lazy_section(t("arch.table_header", lang), "arch_table_open")
    if box is None:
        return
    with box:
        rows, csv = _layer_table(config, lang)
        show_table(rows, key="arch_table", height=360)
        st.download_button(t("arch.download_csv", lang), csv,
                           file_name=f"densenet_k{config.growth_rate}_{'-'.join(map(str, config.block_config))}.csv",
                           mime="text/csv", key="arch_csv", on_click="ignore")


def code_section(config: DenseNetConfig, lang: str) -> None:
    box = lazy_section(t("arch.code_header", lang), "arch_code_open")
    if box is None:
        return
    tab_pkg, tab_tv = box.tabs([t("arch.code_package", lang), t("arch.code_torchvision", lang)])
    tab_pkg.code(package_code(config), language="python")
    code = torchvision_code(config)
    if code is None:
        reasons = "; ".join(t(f"arch.tv_no_{p}", lang) for p in torchvision_problems(config))
        tab_tv.info(t("arch.tv_cannot", lang, reasons=reasons))
    else:
        tab_tv.code(code, language="python")


def build_section(config: DenseNetConfig, device: str, device_text: str, lang: str) -> None:
    """Build on the device through the job executor (admitted by the memory budget; never blocks explanations)."""
    st.header(t("arch.build_header", lang))
    st.caption(t("arch.build_caption", lang))
    if st.button(t("arch.build_button", lang, device=device_text), key="arch_build"):
        st.session_state["arch_build_for"] = (config, device)
    if st.session_state.get("arch_build_for") != (config, device):
        return  # a result for another config would be misleading
    try:
        estimate, limit, result = build_and_trace(lang, config, device)
    except UserError as exc:  # refused by the memory budget, with what it needs and what is allowed
        st.error(user_message(exc, lang))
        return
    except (RuntimeError, MemoryError):  # e.g. CUDA out of memory despite the estimate
        st.error(t("error.memory.failed", lang))
        return
    if result.agrees:
        st.success(t("arch.trace_agrees", lang, n=len(result.rows)))
    else:
        st.error(t("arch.trace_disagrees", lang, n=len(result.mismatches)))
        st.code("\n".join(result.mismatches[:20]))
    c1, c2, c3 = st.columns(3)
    c1.metric(t("arch.forward_time", lang), f"{result.forward_ms:.1f} ms")
    c2.metric(t("arch.peak_memory", lang), format_bytes(result.peak_memory_bytes)
              if result.peak_memory_bytes is not None else t("arch.peak_na", lang))
    c3.metric(t("arch.estimate", lang), format_bytes(estimate))
    st.caption(t("arch.build_device", lang, device=result.device, limit=format_bytes(limit)))
