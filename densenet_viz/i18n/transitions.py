"""The Transitions page."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "trans.title": (
        "Transitions",
        "过渡层",
    ),
    "trans.intro": (
        "Between two dense blocks, a transition layer (BN, ReLU, 1×1 conv, 2×2 average pool) multiplies the channels by θ = {theta} and halves the height and width. Change k and θ in the sidebar and watch every stage update.",
        "两个稠密块之间的过渡层（BN、ReLU、1×1 卷积、2×2 平均池化）把通道数乘以 θ = {theta}，并把高和宽减半。在侧边栏中修改 k 和 θ，观察每个阶段如何随之变化。",
    ),
    "trans.flow_title": (
        "Through the whole network (θ = {theta}, k = {k})",
        "贯穿整个网络（θ = {theta}，k = {k}）",
    ),
    "trans.channels_out": (
        "Channels leaving the stage",
        "离开该阶段的通道数",
    ),
    "trans.unit_channels": (
        "channels",
        "个通道",
    ),
    "trans.hw": (
        "Feature-map side H = W",
        "特征图边长 H = W",
    ),
    "trans.hw_axis": (
        "H = W (pixels)",
        "H = W（像素）",
    ),
    "trans.flow_caption": (
        "Bars are the channels leaving each stage: each dense block (solid blue) adds L·k, each transition (hatched vermillion) keeps only θ of them; every bar is named below it. The blue line below is the map size, halved by every transition's pooling.",
        "柱子表示离开各阶段的通道数：每个稠密块（蓝色实心）增加 L·k 个，每个过渡层（朱红色斜线填充）只保留其中的 θ；每根柱子下方都写有名称。下方蓝线是特征图尺寸，每经过一个过渡层的池化就减半。",
    ),
    "trans.memory_title": (
        "Size of the tensor leaving each stage, batch {batch}, {dtype}",
        "离开各阶段的张量大小，批大小 {batch}，{dtype}",
    ),
    "trans.unit_elements": (
        "elements",
        "个元素",
    ),
    "trans.memory_caption": (
        "A transition cuts the tensor twice: θ on channels and ¼ on area (2×2 pooling), so with θ = 0.5 only an eighth of the block's output is passed on.",
        "过渡层从两方面缩小张量：通道乘以 θ，面积变为 ¼（2×2 池化）。因此当 θ = 0.5 时，只有块输出的八分之一被传下去。",
    ),
    "trans.table_header": (
        "Each transition, before and after",
        "每个过渡层的前后对比",
    ),
    "trans.none": (
        "This network has a single dense block, so there is no transition.",
        "该网络只有一个稠密块，因此没有过渡层。",
    ),
    "trans.metric_channels": (
        "Channels",
        "通道数",
    ),
    "trans.metric_hw": (
        "H × W",
        "H × W",
    ),
    "trans.metric_memory": (
        "Tensor memory",
        "张量内存",
    ),
    "trans.col_transition": (
        "Transition",
        "过渡层",
    ),
    "trans.col_theta": (
        "θ",
        "θ",
    ),
    "trans.col_channels_before": (
        "Channels before",
        "之前通道数",
    ),
    "trans.col_channels_after": (
        "Channels after",
        "之后通道数",
    ),
    "trans.col_hw_before": (
        "H=W before",
        "之前 H=W",
    ),
    "trans.col_hw_after": (
        "H=W after",
        "之后 H=W",
    ),
    "trans.col_elements_before": (
        "Elements before",
        "之前元素数",
    ),
    "trans.col_elements_after": (
        "Elements after",
        "之后元素数",
    ),
    "trans.col_bytes_before": (
        "Memory before",
        "之前内存",
    ),
    "trans.col_bytes_after": (
        "Memory after",
        "之后内存",
    ),
    "trans.table_caption": (
        "Numbers per batch and data type chosen above, all from the channel plan.",
        "数值对应上方所选的批大小和数据类型，全部来自通道规划。",
    ),
}
