"""The Concatenation graph page."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "concat.title": (
        "Concatenation graph",
        "拼接连接图",
    ),
    "concat.intro": (
        "In a dense block, layer ℓ receives the block input and the outputs of **all** earlier layers, concatenated. With L layers that is L(L+1)/2 direct connections. Pick a layer to highlight what it receives; hover over an arc to see how many channels that source contributes.",
        "在稠密块中，第 ℓ 层接收块输入以及之前**所有**层的输出，并把它们拼接起来。L 层共有 L(L+1)/2 条直接连接。选择一层即可高亮它接收的内容；把鼠标悬停在弧线上，可以看到该来源贡献了多少个通道。",
    ),
    "concat.choose_block": (
        "Dense block",
        "稠密块",
    ),
    "concat.block_option": (
        "Block {b} ({n} layers)",
        "第 {b} 块（{n} 层）",
    ),
    "concat.choose_layer": (
        "Highlight the inputs of",
        "高亮以下节点的输入",
    ),
    "concat.truncated": (
        "This block has {n} layers; only the first {shown} are drawn to keep the picture readable.",
        "该块有 {n} 层；为保持图形清晰，只画出前 {shown} 层。",
    ),
    "concat.metric_connections": (
        "Direct connections L(L+1)/2",
        "直接连接数 L(L+1)/2",
    ),
    "concat.metric_receives": (
        "Channels into {node}",
        "进入{node}的通道数",
    ),
    "concat.metric_sources": (
        "Sources of {node}",
        "{node}的来源数",
    ),
    "concat.node_input": (
        "Block input",
        "块输入",
    ),
    "concat.node_output": (
        "Block output (concatenation)",
        "块输出（拼接结果）",
    ),
    "concat.node_layer": (
        "Layer {i}",
        "第 {i} 层",
    ),
    "concat.short_input": (
        "in",
        "入",
    ),
    "concat.short_output": (
        "out",
        "出",
    ),
    "concat.edge_hover": (
        "{src} → {dst}: {channels} channels",
        "{src} → {dst}：{channels} 个通道",
    ),
    "concat.node_hover": (
        "{node}<br>adds {adds} channels<br>receives {receives} channels from {n_in} sources",
        "{node}<br>新增 {adds} 个通道<br>从 {n_in} 个来源接收 {receives} 个通道",
    ),
    "concat.legend_edges": (
        "Connections",
        "连接",
    ),
    "concat.legend_selected": (
        "Inputs of the selected layer",
        "所选层的输入",
    ),
    "concat.graph_title": (
        "Block {b}: {n} layers, {edges} connections (k = {k}, input {c0} channels)",
        "第 {b} 块：{n} 层，{edges} 条连接（k = {k}，输入 {c0} 个通道）",
    ),
    "concat.graph_caption": (
        "Every arc is one connection. Thick vermillion arcs end at the selected layer (the large diamond); its sources are the orange squares.",
        "每条弧线代表一条连接。粗的朱红色弧线指向所选的层（大菱形）；它的来源是橙色方块。",
    ),
    "concat.resnet_title": (
        "ResNet-style block: a sum keeps {width} channels",
        "ResNet 式的块：相加后仍是 {width} 个通道",
    ),
    "concat.resnet_skip": (
        "Identity shortcut (added)",
        "恒等捷径（相加）",
    ),
    "concat.resnet_hover": (
        "After layer {i}: {width} channels",
        "第 {i} 层之后：{width} 个通道",
    ),
    "concat.dense_width": (
        "DenseNet: concatenation",
        "DenseNet：拼接",
    ),
    "concat.resnet_width": (
        "ResNet-style: sum",
        "ResNet 式：相加",
    ),
    "concat.width_title": (
        "Width entering each layer",
        "进入各层的宽度",
    ),
    "concat.resnet_caption": (
        "A ResNet layer adds its output to its input, so the width never changes; a dense layer appends k new maps, so every later layer sees more.",
        "ResNet 的层把输出加到输入上，宽度始终不变；稠密层则追加 k 个新特征图，因此后面的每一层看到的都更多。",
    ),
    "concat.composition_title": (
        "What each layer of block {b} receives",
        "第 {b} 块中各层接收的内容",
    ),
    "concat.x_target": (
        "Receiving layer",
        "接收层",
    ),
    "concat.bar_hover": (
        "{src}: %{{y}} channels into layer %{{x}}<extra></extra>",
        "{src}：%{{y}} 个通道进入第 %{{x}} 层<extra></extra>",
    ),
    "concat.composition_caption": (
        "Each bar is one layer's input: the block input ({c0} channels, green, labelled “{inp}”) plus k = {k} channels from every earlier layer, stacked in order, each segment labelled with its layer number.",
        "每根柱子是一层的输入：块输入（{c0} 个通道，绿色，标为“{inp}”）加上之前每一层各 k = {k} 个通道，按顺序堆叠，每段标有其层号。",
    ),
    "concat.reuse_header": (
        "Feature reuse (as in the paper's Figure 5)",
        "特征复用（对应论文图 5）",
    ),
    "concat.reuse_intro": (
        "For each target layer (columns) the colour is the mean absolute weight its first convolution gives to each source's channels (rows). The last column is the transition after the block, or the classifier after the last block.",
        "对每个目标层（列），颜色表示它的第一个卷积在各来源（行）的通道上的平均绝对权重。最后一列是该块之后的过渡层；最后一个块则是分类器。",
    ),
    "concat.reuse_block": (
        "Block of the flower model",
        "花卉模型中的块",
    ),
    "concat.reuse_scale": (
        "Scale",
        "刻度",
    ),
    "concat.scale_column": (
        "per target (strongest source = 1)",
        "按目标层（最强来源 = 1）",
    ),
    "concat.scale_block": (
        "one scale for the block",
        "整个块统一刻度",
    ),
    "concat.reuse_trained": (
        "Shipped flower model, block {b}",
        "随附的花卉模型，第 {b} 块",
    ),
    "concat.reuse_random": (
        "Random initialisation, block {b}",
        "随机初始化，第 {b} 块",
    ),
    "concat.reuse_x": (
        "Target layer",
        "目标层",
    ),
    "concat.reuse_y": (
        "Source",
        "来源",
    ),
    "concat.reuse_colorbar": (
        "mean |w|",
        "平均 |w|",
    ),
    "concat.reuse_hover": (
        "{src} → {dst}<br>scaled {v:.2f}, mean |w| = {raw:.4f}",
        "{src} → {dst}<br>缩放后 {v:.2f}，平均 |w| = {raw:.4f}",
    ),
    "concat.target_transition": (
        "transition",
        "过渡层",
    ),
    "concat.target_classifier": (
        "classifier",
        "分类器",
    ),
    "concat.reuse_caption": (
        "A random initialisation spreads weight evenly; training concentrates it on the sources a layer actually uses. Bright cells far from the diagonal mean early features are reused deep in the block.",
        "随机初始化时权重分布均匀；训练会把权重集中到某一层真正用到的来源上。远离对角线的亮格说明早期特征在块的深处仍被复用。",
    ),
    "concat.model_error": (
        "The shipped model could not be loaded: {error}",
        "无法加载随附的模型：{error}",
    ),
}
