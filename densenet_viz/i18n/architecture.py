"""The Architecture & channel growth page."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "arch.title": (
        "Architecture and channel growth",
        "网络结构与通道增长",
    ),
    "arch.intro": (
        "Inside a dense block every layer adds **k** feature maps to the concatenation, so the width entering each layer grows by k per layer. A transition then multiplies it by θ and halves the height and width. Move the growth-rate slider in the sidebar and everything on this page follows. Switch on **Live in the browser** to drag **k** inside the chart itself (it redraws at once, from the plan precomputed for every k) and to **▶ Play** the growth layer by layer.",
        "在稠密块内，每一层都向拼接结果新增 **k** 个特征图，因此进入各层的通道数逐层增加 k。随后过渡层把通道数乘以 θ，并把高和宽减半。移动侧边栏中的增长率滑块，本页的所有内容都会随之更新。打开 **浏览器内实时**，即可在图中直接拖动 **k**（图表立即在浏览器中重绘，数据来自为每个 k 预先算好的通道规划），并点击 **▶ 播放** 逐层观看增长过程。",
    ),
    "arch.growth_title": (
        "k = {k}: {params} parameters, {final} channels before the classifier",
        "k = {k}：参数 {params} 个，分类器之前共 {final} 个通道",
    ),
    "arch.hover": (
        "{name}<br>receives {channels} channels{compressed}<br>{hw}×{hw} maps{pooled}",
        "{name}<br>接收 {channels} 个通道{compressed}<br>特征图 {hw}×{hw}{pooled}",
    ),
    "arch.hover_compressed": (
        " (compressed by θ here)",
        "（在此按 θ 压缩）",
    ),
    "arch.hover_pooled": (
        ", pooled to half",
        "，池化后减半",
    ),
    "arch.block_label": (
        "Block {b} · {hw}×{hw}",
        "第 {b} 块 · {hw}×{hw}",
    ),
    "arch.trace_channels": (
        "Channels entering the layer",
        "进入该层的通道数",
    ),
    "arch.trace_hw": (
        "Feature-map side H = W (right axis)",
        "特征图边长 H = W（右轴）",
    ),
    "arch.trace_compare": (
        "Compared: k = {k}, θ = {theta}",
        "对比：k = {k}，θ = {theta}",
    ),
    "arch.x_position": (
        "Position in the network (dense layers and transitions, in order)",
        "在网络中的位置（依次为稠密层和过渡层）",
    ),
    "arch.y_channels": (
        "Channels",
        "通道数",
    ),
    "arch.y_hw": (
        "H = W (pixels, log scale)",
        "H = W（像素，对数刻度）",
    ),
    "arch.slider_prefix": (
        "growth rate k = ",
        "增长率 k = ",
    ),
    "arch.play": (
        "▶ Play",
        "▶ 播放",
    ),
    "arch.pause": (
        "❚❚ Pause",
        "❚❚ 暂停",
    ),
    "arch.k_page": (
        "Growth rate k (the same as the sidebar's)",
        "增长率 k（与侧边栏的相同）",
    ),
    "arch.play_k": (
        "▶ Play k",
        "▶ 播放 k",
    ),
    "arch.play_k_help": (
        "Shows the chart for k = 1, 2, 4, … 64 one after another, then comes back to your k.",
        "依次显示 k = 1、2、4……64 时的图，然后回到你选的 k。",
    ),
    "arch.in_browser": (
        "Live in the browser: drag k inside the chart, ▶ Play the growth",
        "浏览器内实时：在图中拖动 k，▶ 播放增长过程",
    ),
    "arch.in_browser_help": (
        "Adds the chart's own k slider, with the plan for every k from 1 to 64 already in the page, so dragging "
        "it redraws at once with no trip to the server (the sidebar slider updates when you let go), and a ▶ Play "
        "button that draws the curve layer by layer. Off by default: they make the chart several times heavier "
        "to send and redraw on every sidebar change.",
        "在图中添加 k 滑块：k = 1 到 64 的通道规划已在页面中，拖动时立即重绘，无需往返服务器（侧边栏滑块在松开后才更新）；"
        "并添加逐层画出曲线的 ▶ 播放按钮。默认关闭：它们会让侧边栏每次改动时图表的传输和重绘慢好几倍。",
    ),
    "arch.growth_caption": (
        "Each point is one layer's input width from the channel plan. The steps up are k; the drops are transitions (dotted vermillion lines); shaded bands are dense blocks, labelled with their map size.",
        "每个点是通道规划中某一层的输入宽度。每上升一级就是 k；下降处是过渡层（朱红色点线）；阴影带是稠密块，并标注了其特征图尺寸。",
    ),
    "arch.compare_header": (
        "Overlay a second configuration",
        "叠加第二个配置",
    ),
    "arch.compare_toggle": (
        "Compare with another growth rate and compression",
        "与另一组增长率和压缩系数对比",
    ),
    "arch.compare_k": (
        "Second configuration: growth rate k",
        "第二个配置：增长率 k",
    ),
    "arch.compare_theta": (
        "Second configuration: compression θ",
        "第二个配置：压缩系数 θ",
    ),
    "arch.metrics_header": (
        "Size, compute and memory",
        "规模、计算量与内存",
    ),
    "arch.batch": (
        "Batch size",
        "批大小",
    ),
    "arch.dtype": (
        "Data type",
        "数据类型",
    ),
    "arch.act_naive": (
        "Activations (naive)",
        "激活内存（朴素）",
    ),
    "arch.act_shared": (
        "Activations (shared)",
        "激活内存（共享）",
    ),
    "arch.this_config": (
        "This configuration: {variant}, k = {k}",
        "当前配置：{variant}，k = {k}",
    ),
    "arch.compare_config": (
        "Second configuration: k = {k}, θ = {theta} (difference from the first)",
        "第二个配置：k = {k}，θ = {theta}（与第一个配置之差）",
    ),
    "arch.memory_axis": (
        "MiB",
        "MiB",
    ),
    "arch.memory_caption": (
        "Naive storage keeps a fresh copy of every concatenation, so memory grows with the square of the block depth; shared buffers (Pleiss et al. 2017) make it grow linearly.",
        "朴素存储为每次拼接保留一份新副本，内存随块深度的平方增长；共享缓冲区（Pleiss 等，2017）让它只随深度线性增长。",
    ),
    "arch.table_header": (
        "Per-layer table",
        "逐层明细表",
    ),
    "arch.download_csv": (
        "Download as CSV",
        "下载 CSV",
    ),
    "arch.col_name": (
        "Module",
        "模块",
    ),
    "arch.col_stage": (
        "Stage",
        "阶段",
    ),
    "arch.col_block": (
        "Block",
        "块",
    ),
    "arch.col_index": (
        "Layer",
        "层",
    ),
    "arch.col_in_channels": (
        "In channels",
        "输入通道",
    ),
    "arch.col_bottleneck_channels": (
        "Bottleneck channels",
        "瓶颈通道",
    ),
    "arch.col_new_channels": (
        "New channels",
        "新增通道",
    ),
    "arch.col_out_channels": (
        "Out channels",
        "输出通道",
    ),
    "arch.col_in_hw": (
        "In H=W",
        "输入 H=W",
    ),
    "arch.col_out_hw": (
        "Out H=W",
        "输出 H=W",
    ),
    "arch.col_params": (
        "Parameters",
        "参数量",
    ),
    "arch.col_macs": (
        "MACs",
        "乘加运算",
    ),
    "arch.col_act_elems": (
        "Output elements",
        "输出元素数",
    ),
    "arch.code_header": (
        "Copy as PyTorch",
        "复制为 PyTorch 代码",
    ),
    "arch.code_package": (
        "With this package",
        "使用本软件包",
    ),
    "arch.code_torchvision": (
        "With plain torchvision",
        "仅使用 torchvision",
    ),
    "arch.tv_cannot": (
        "Plain torchvision cannot build this configuration: {reasons}.",
        "仅用 torchvision 无法构建此配置：{reasons}。",
    ),
    "arch.tv_no_stem": (
        "its DenseNet always uses the ImageNet stem",
        "它的 DenseNet 固定使用 ImageNet 主干",
    ),
    "arch.tv_no_theta": (
        "its transitions always use θ = 0.5",
        "它的过渡层固定使用 θ = 0.5",
    ),
    "arch.tv_no_bottleneck": (
        "its dense layers always have a bottleneck (bottleneck size above 0)",
        "它的稠密层固定带有瓶颈层（瓶颈宽度须大于 0）",
    ),
    "arch.build_header": (
        "Build the real model",
        "构建真实模型",
    ),
    "arch.build_caption": (
        "Builds this configuration with random weights, runs one forward pass on a random image and checks every traced shape and parameter count against the plan. Nothing is built until you press the button.",
        "以随机权重构建此配置，对一张随机图像做一次前向传播，并把追踪到的每个形状和参数量与通道规划逐一核对。只有按下按钮才会构建。",
    ),
    "arch.build_button": (
        "Build on {device}",
        "在 {device} 上构建",
    ),
    "arch.trace_agrees": (
        "The traced model agrees with the plan at all {n} stages (channels, H×W and parameters).",
        "追踪到的模型在全部 {n} 个阶段都与通道规划一致（通道数、H×W 和参数量）。",
    ),
    "arch.trace_disagrees": (
        "The traced model disagrees with the plan at {n} stages:",
        "追踪到的模型有 {n} 个阶段与通道规划不一致：",
    ),
    "arch.forward_time": (
        "Forward time (1 image)",
        "前向耗时（1 张图）",
    ),
    "arch.peak_memory": (
        "Peak CUDA memory",
        "CUDA 显存峰值",
    ),
    "arch.peak_na": (
        "n/a (CPU)",
        "不适用（CPU）",
    ),
    "arch.estimate": (
        "Plan's memory estimate",
        "规划估算的内存",
    ),
    "arch.build_device": (
        "Ran on {device}; memory limit for builds there: {limit}.",
        "运行于 {device}；该设备上构建的内存上限：{limit}。",
    ),
}
