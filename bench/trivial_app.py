"""The floor for the benches: a trivial Streamlit app with the same actions as the Explain page (a sidebar
slider, a source radio, an uploader that shows the photo and a bar chart) and no model, for the load test;
and, for the slider bench, one line chart that follows the sidebar slider and nothing else."""

import streamlit as st

st.sidebar.slider("Growth rate k", 1, 64, 32, key="cfg_k")


def explain() -> None:
    st.title("Explain a prediction")
    source = st.radio("Photos", ["Examples", "Upload"], horizontal=True)
    if source == "Upload":
        f = st.file_uploader("Photo", type=["jpg", "jpeg", "png"])
        if f is not None:
            st.image(f.getvalue(), width=300)
            st.markdown("Prediction: **daisy** (50%)")
            st.bar_chart({"p": [0.5, 0.2, 0.1, 0.1, 0.1]})


def other() -> None:
    st.title("Other page")


def growth() -> None:
    import plotly.graph_objects as go

    k = st.session_state["cfg_k"]
    widths = [64 + k * (i % 25) for i in range(120)]  # a saw-tooth of 120 points, like a DenseNet's widths
    st.plotly_chart(go.Figure(go.Scatter(y=widths, mode="lines+markers")), key="growth")


st.navigation([st.Page(explain, title="Explain", url_path="explain"),
               st.Page(other, title="Other", url_path="other"),
               st.Page(growth, title="Growth", url_path="growth")]).run()
