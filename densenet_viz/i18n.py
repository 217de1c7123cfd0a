"""All user-facing UI text, one table per language. Pages look strings up with ``t(key, lang)``.

Keys are grouped by page with a prefix (``sidebar.``, ``home.``, ``arch.``, ...). A test checks that
every language has exactly the same keys and the same ``{placeholders}``.
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "简体中文"}

EN: dict[str, str] = {
    # ------------------------------------------------------------------ app / navigation
    "app.title": "DenseNet Explorer",
    "nav.home": "Home",
    "nav.architecture": "Architecture & channel growth",
    "nav.concat": "Concatenation graph",
    "nav.transitions": "Transitions",
    "nav.explain": "Explain a prediction",
    "nav.walkthrough": "Follow a flower",
    "nav.why": "Why DenseNet",
    # ------------------------------------------------------------------------- sidebar
    "sidebar.language": "Language",
    "sidebar.model": "Model configuration",
    "sidebar.preset": "Preset",
    "sidebar.custom": "(custom)",
    "sidebar.reset": "Reset to preset",
    "sidebar.growth_rate": "Growth rate k",
    "sidebar.growth_rate_help": "Feature maps each dense layer adds to the concatenation.",
    "sidebar.blocks": "Layers per dense block",
    "sidebar.blocks_help": "Comma-separated, 1 to 8 blocks, e.g. 6,12,24,16.",
    "sidebar.init_features": "Stem channels",
    "sidebar.bn_size": "Bottleneck size (×k, 0 = none)",
    "sidebar.compression": "Compression θ",
    "sidebar.drop_rate": "Dropout rate",
    "sidebar.num_classes": "Classes",
    "sidebar.stem": "Stem",
    "sidebar.stem_imagenet": "ImageNet (7×7/2 conv + 3×3/2 max-pool)",
    "sidebar.stem_cifar": "CIFAR (one 3×3 conv)",
    "sidebar.input_size": "Input size (pixels)",
    "sidebar.memory_efficient": "Memory-efficient (checkpointing)",
    "sidebar.invalid": "This combination is not valid: {reason}. The charts still show the last valid configuration.",
    "sidebar.bad_link": "The link's configuration could not be used ({reason}); showing the {preset} preset instead.",
    "sidebar.parity": "Paper parity: this is {title}. Published: {params} parameters, top-1 {top1:.2f}% on {dataset}.",
    "sidebar.parity_params_unknown": "not reported",
    "sidebar.share": "The address bar holds this exact configuration: copy it to share.",
    "sidebar.device": "Device: {device}",
    # ---------------------------------------------------------------------------- home
    "home.title": "DenseNet Explorer",
    "home.intro": (
        "A **DenseNet** (Huang, Liu, van der Maaten, Weinberger, CVPR 2017) connects every layer of a "
        "dense block to every later layer: layer ℓ receives the **concatenation** of the block input and "
        "the feature maps of all layers before it, and adds **k** new maps of its own (the *growth rate*). "
        "Between blocks, **transition layers** (BN, 1×1 conv, 2×2 average pool) shrink the channels by the "
        "compression factor θ and halve the height and width."
    ),
    "home.picture": "One dense block: each layer's output is concatenated onto everything before it.",
    "home.next": "Where to go next",
    "home.next_architecture": "see the channels grow by k per layer, and drag k to watch it change",
    "home.next_concat": "every connection inside a dense block, and which earlier features each layer reuses",
    "home.next_transitions": "how each transition shrinks channels and spatial size",
    "home.next_explain": "upload a flower photo, get a prediction and see where the model looked",
    "home.next_walkthrough": "follow one photo through the network, stage by stage",
    "home.next_why": "measure gradient flow, parameter efficiency and memory cost yourself",
    "home.device": "Computations run on: **{device}**.",
    "home.current": "Current configuration: {variant}, k = {k}, blocks {blocks}, {params} parameters, depth {depth}.",
    # ------------------------------------------------------------- shared, many pages
    "common.params": "Parameters",
    "common.macs": "MACs",
    "common.depth": "Depth L",
    "common.channels": "Channels",
    "common.layer": "Layer",
    "common.block": "Block {b}",
    "common.transition": "Transition {b}",
    "common.stem": "Stem",
    "common.norm5": "Final norm",
    "common.classifier": "Classifier",
    "common.no_model": "The shipped flower model was not found in assets/models/. Train one with `python -m densenet_viz train` (see the README).",
}

ZH: dict[str, str] = {
    "app.title": "DenseNet 探索器",
    "nav.home": "首页",
    "nav.architecture": "网络结构与通道增长",
    "nav.concat": "拼接连接图",
    "nav.transitions": "过渡层",
    "nav.explain": "解释预测",
    "nav.walkthrough": "跟随一朵花",
    "nav.why": "为什么是 DenseNet",
    "sidebar.language": "语言",
    "sidebar.model": "模型配置",
    "sidebar.preset": "预设",
    "sidebar.custom": "（自定义）",
    "sidebar.reset": "恢复预设",
    "sidebar.growth_rate": "增长率 k",
    "sidebar.growth_rate_help": "每个稠密层向拼接中新增的特征图数量。",
    "sidebar.blocks": "每个稠密块的层数",
    "sidebar.blocks_help": "用逗号分隔，1 到 8 个块，例如 6,12,24,16。",
    "sidebar.init_features": "主干（stem）通道数",
    "sidebar.bn_size": "瓶颈宽度（×k，0 表示无瓶颈）",
    "sidebar.compression": "压缩系数 θ",
    "sidebar.drop_rate": "Dropout 比例",
    "sidebar.num_classes": "类别数",
    "sidebar.stem": "主干（stem）",
    "sidebar.stem_imagenet": "ImageNet（7×7/2 卷积 + 3×3/2 最大池化）",
    "sidebar.stem_cifar": "CIFAR（一个 3×3 卷积）",
    "sidebar.input_size": "输入尺寸（像素）",
    "sidebar.memory_efficient": "省内存模式（检查点重算）",
    "sidebar.invalid": "该组合无效：{reason}。图表仍显示上一个有效配置。",
    "sidebar.bad_link": "链接中的配置无法使用（{reason}）；改为显示预设 {preset}。",
    "sidebar.parity": "与论文一致：这是 {title}。已发表：{params} 个参数，在 {dataset} 上 top-1 准确率 {top1:.2f}%。",
    "sidebar.parity_params_unknown": "未报告",
    "sidebar.share": "地址栏中保存了当前的完整配置：复制即可分享。",
    "sidebar.device": "计算设备：{device}",
    "home.title": "DenseNet 探索器",
    "home.intro": (
        "**DenseNet**（Huang、Liu、van der Maaten、Weinberger，CVPR 2017）在稠密块内把每一层与其后的所有层"
        "相连：第 ℓ 层接收块输入与之前所有层特征图的**拼接**，并新增 **k** 个自己的特征图（即*增长率*）。"
        "块与块之间的**过渡层**（BN、1×1 卷积、2×2 平均池化）按压缩系数 θ 减少通道数，并把高和宽减半。"
    ),
    "home.picture": "一个稠密块：每层的输出都被拼接到它之前的所有特征之后。",
    "home.next": "下一步去哪里",
    "home.next_architecture": "观察通道数每层增加 k，拖动 k 看它如何变化",
    "home.next_concat": "稠密块内的所有连接，以及每层复用了哪些早期特征",
    "home.next_transitions": "每个过渡层如何缩减通道数和空间尺寸",
    "home.next_explain": "上传一张花的照片，获得预测并查看模型关注的位置",
    "home.next_walkthrough": "跟随一张照片逐阶段穿过网络",
    "home.next_why": "亲自测量梯度流、参数效率和内存开销",
    "home.device": "计算运行在：**{device}**。",
    "home.current": "当前配置：{variant}，k = {k}，各块层数 {blocks}，参数 {params} 个，深度 {depth}。",
    "common.params": "参数量",
    "common.macs": "乘加运算（MACs）",
    "common.depth": "深度 L",
    "common.channels": "通道数",
    "common.layer": "层",
    "common.block": "第 {b} 块",
    "common.transition": "过渡层 {b}",
    "common.stem": "主干",
    "common.norm5": "最终归一化",
    "common.classifier": "分类器",
    "common.no_model": "在 assets/models/ 中未找到随附的花卉模型。请用 `python -m densenet_viz train` 训练一个（见 README）。",
}

TABLES = {"en": EN, "zh": ZH}


def t(key: str, lang: str = "en", **values) -> str:
    """The string for ``key`` in ``lang`` (English if missing), formatted with ``values``."""
    table = TABLES.get(lang, EN)
    text = table.get(key) or EN.get(key)
    if text is None:
        raise KeyError(f"no UI string {key!r}")
    return text.format(**values) if values else text
