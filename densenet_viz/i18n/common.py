"""App shell, navigation, home page, sidebar, and the config fields' labels."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "nav.home": (
        "Home",
        "首页",
    ),
    "nav.architecture": (
        "Architecture & channel growth",
        "网络结构与通道增长",
    ),
    "nav.concat": (
        "Concatenation graph",
        "拼接连接图",
    ),
    "nav.transitions": (
        "Transitions",
        "过渡层",
    ),
    "nav.explain": (
        "Explain a prediction",
        "解释预测",
    ),
    "nav.walkthrough": (
        "Follow a flower",
        "跟随一朵花",
    ),
    "nav.train_live": (
        "Train it live",
        "现场训练",
    ),
    "home.next_train_live": (
        "train a small DenseNet right in the page and compare two configurations as they learn",
        "在页面里现场训练一个小型 DenseNet，并比较两种配置的学习过程",
    ),
    "nav.why": (
        "Why DenseNet",
        "为什么是 DenseNet",
    ),
    "sidebar.language": (
        "Language",
        "语言",
    ),
    "sidebar.model": (
        "Model configuration",
        "模型配置",
    ),
    "sidebar.preset": (
        "Preset",
        "预设",
    ),
    "sidebar.reset": (
        "Reset to preset",
        "恢复预设",
    ),
    "field.preset": (
        "Preset",
        "预设",
    ),
    "field.growth_rate": (
        "Growth rate k",
        "增长率 k",
    ),
    "field.growth_rate_help": (
        "Feature maps each dense layer adds to the concatenation.",
        "每个稠密层向拼接中新增的特征图数量。",
    ),
    "field.block_config": (
        "Layers per dense block",
        "每个稠密块的层数",
    ),
    "field.block_config_help": (
        "Comma-separated, 1 to 8 blocks, e.g. 6,12,24,16.",
        "用逗号分隔，1 到 8 个块，例如 6,12,24,16。",
    ),
    "field.num_init_features": (
        "Stem channels",
        "主干（stem）通道数",
    ),
    "field.bn_size": (
        "Bottleneck size (×k, 0 = none)",
        "瓶颈宽度（×k，0 表示无瓶颈）",
    ),
    "field.compression": (
        "Compression θ",
        "压缩系数 θ",
    ),
    "field.drop_rate": (
        "Dropout rate",
        "Dropout 比例",
    ),
    "field.num_classes": (
        "Classes",
        "类别数",
    ),
    "field.stem": (
        "Stem",
        "主干（stem）",
    ),
    "field.stem_imagenet": (
        "ImageNet (7×7/2 conv + 3×3/2 max-pool)",
        "ImageNet（7×7/2 卷积 + 3×3/2 最大池化）",
    ),
    "field.stem_cifar": (
        "CIFAR (one 3×3 conv)",
        "CIFAR（一个 3×3 卷积）",
    ),
    "field.input_size": (
        "Input size (pixels)",
        "输入尺寸（像素）",
    ),
    "field.memory_efficient": (
        "Memory-efficient (checkpointing)",
        "省内存模式（检查点重算）",
    ),
    "sidebar.invalid": (
        "This combination is not valid: {reason}. The charts still show the last valid configuration.",
        "该组合无效：{reason}。图表仍显示上一个有效配置。",
    ),
    "sidebar.bad_link": (
        "The link's configuration could not be used ({reason}); showing the {preset} preset instead.",
        "链接中的配置无法使用（{reason}）；改为显示预设 {preset}。",
    ),
    "sidebar.parity": (
        "Paper parity: this is {title}. Published: {params} parameters, top-1 {top1:.2f}% on {dataset}.",
        "与论文一致：这是 {title}。已发表：{params} 个参数，在 {dataset} 上 top-1 准确率 {top1:.2f}%。",
    ),
    "sidebar.parity_params_unknown": (
        "not reported",
        "未报告",
    ),
    "sidebar.share": (
        "The address bar holds this exact configuration: copy it to share.",
        "地址栏中保存了当前的完整配置：复制即可分享。",
    ),
    "home.title": (
        "DenseNet Explorer",
        "DenseNet 探索器",
    ),
    "home.intro": (
        "A **DenseNet** (Huang, Liu, van der Maaten, Weinberger, CVPR 2017) connects every layer of a dense block to every later layer: layer ℓ receives the **concatenation** of the block input and the feature maps of all layers before it, and adds **k** new maps of its own (the *growth rate*). Between blocks, **transition layers** (BN, 1×1 conv, 2×2 average pool) shrink the channels by the compression factor θ and halve the height and width.",
        "**DenseNet**（Huang、Liu、van der Maaten、Weinberger，CVPR 2017）在稠密块内把每一层与其后的所有层相连：第 ℓ 层接收块输入与之前所有层特征图的**拼接**，并新增 **k** 个自己的特征图（即*增长率*）。块与块之间的**过渡层**（BN、1×1 卷积、2×2 平均池化）按压缩系数 θ 减少通道数，并把高和宽减半。",
    ),
    "home.picture": (
        "One dense block: each layer's output is concatenated onto everything before it.",
        "一个稠密块：每层的输出都被拼接到它之前的所有特征之后。",
    ),
    "home.next": (
        "Where to go next",
        "下一步去哪里",
    ),
    "home.next_architecture": (
        "see the channels grow by k per layer, and drag k to watch it change",
        "观察通道数每层增加 k，拖动 k 看它如何变化",
    ),
    "home.next_concat": (
        "every connection inside a dense block, and which earlier features each layer reuses",
        "稠密块内的所有连接，以及每层复用了哪些早期特征",
    ),
    "home.next_transitions": (
        "how each transition shrinks channels and spatial size",
        "每个过渡层如何缩减通道数和空间尺寸",
    ),
    "home.next_explain": (
        "upload a flower photo, get a prediction and see where the model looked",
        "上传一张花的照片，获得预测并查看模型关注的位置",
    ),
    "home.next_walkthrough": (
        "follow one photo through the network, stage by stage",
        "跟随一张照片逐阶段穿过网络",
    ),
    "home.next_why": (
        "measure gradient flow, parameter efficiency and memory cost yourself",
        "亲自测量梯度流、参数效率和内存开销",
    ),
    "home.device": (
        "Computations run on: **{device}**.",
        "计算运行在：**{device}**。",
    ),
    "home.current": (
        "Current configuration: {variant}, k = {k}, blocks {blocks}, {params} parameters, depth {depth}.",
        "当前配置：{variant}，k = {k}，各块层数 {blocks}，参数 {params} 个，深度 {depth}。",
    ),
    "common.params": (
        "Parameters",
        "参数量",
    ),
    "common.macs": (
        "MACs",
        "乘加运算（MACs）",
    ),
    "common.depth": (
        "Depth L",
        "深度 L",
    ),
    "common.block": (
        "Block {b}",
        "第 {b} 块",
    ),
    "common.transition": (
        "Transition {b}",
        "过渡层 {b}",
    ),
    "common.stem": (
        "Stem",
        "主干",
    ),
    "common.norm5": (
        "Final norm",
        "最终归一化",
    ),
    "common.classifier": (
        "Classifier",
        "分类器",
    ),
    "common.no_model": (
        "The shipped flower model was not found in assets/models/. Train one with `python -m densenet_viz train` (see the README).",
        "在 assets/models/ 中未找到随附的花卉模型。请用 `python -m densenet_viz train` 训练一个（见 README）。",
    ),
    "serving.waiting": (
        "Waiting for the model: {place} request(s) ahead of yours…",
        "正在等待模型：你前面还有 {place} 个请求……",
    ),
    "serving.running": (
        "The model is working on your request…",
        "模型正在处理你的请求……",
    ),
    "serving.running_progress": (
        "The model is working on your request: {percent} done (it takes turns with other students' requests)…",
        "模型正在处理你的请求：已完成 {percent}（与其他同学的请求轮流进行）……",
    ),
    # Flower class names: the model keeps English names internally; class_label() shows these.
    "class.daisy": ("daisy", "雏菊"),
    "class.dandelion": ("dandelion", "蒲公英"),
    "class.roses": ("roses", "玫瑰"),
    "class.sunflowers": ("sunflowers", "向日葵"),
    "class.tulips": ("tulips", "郁金香"),
    "device.cpu": (
        "CPU ({n} threads)",
        "CPU（{n} 个线程）",
    ),
    "device.mps": (
        "Apple GPU (MPS)",
        "Apple GPU（MPS）",
    ),
    "device.cuda": (
        "CUDA GPU: {name} ({gib} GiB)",
        "CUDA GPU：{name}（{gib} GiB）",
    ),
}
