"""The Follow-a-flower page."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "walk.title": (
        "Follow a flower through DenseNet-121",
        "跟随一朵花穿过 DenseNet-121",
    ),
    "walk.intro": (
        "Pick a photo and step through the trained flower model one stage at a time: the stem, each dense block and transition, the final norm, global average pooling, the classifier and softmax. Everything shown comes from a single forward pass of the real model; stepping back and forth does not run it again.",
        "选一张照片，在训练好的花卉模型里一步一步往前走：主干（stem）、每个稠密块和过渡层、最后的归一化、全局平均池化、分类器和 softmax。这里展示的一切都来自真实模型的一次前向传播；来回切换阶段不会重新计算。",
    ),
    "walk.bad_model": (
        "The flower model could not be loaded: {reason}",
        "无法加载花卉模型：{reason}",
    ),
    "walk.upload_hint": (
        "Upload a photo to follow it through the network, or switch to a built-in example.",
        "上传一张照片，看看它如何穿过网络；也可以切换到内置示例。",
    ),
    "walk.synthetic": (
        "Drawn flower (generated)",
        "手绘的花（程序生成）",
    ),
    "walk.bad_image": (
        "**{name}** cannot be used: {reason}",
        "无法使用 **{name}**：{reason}",
    ),
    "walk.stage_pool": (
        "Global average pool",
        "全局平均池化",
    ),
    "walk.stage_softmax": (
        "Softmax",
        "Softmax",
    ),
    "walk.prev": (
        "◀ Previous",
        "◀ 上一步",
    ),
    "walk.next": (
        "Next ▶",
        "下一步 ▶",
    ),
    "walk.stage": (
        "Stage",
        "阶段",
    ),
    "walk.crop": (
        "{name}: the {size}×{size} centre crop the model sees",
        "{name}：模型看到的 {size}×{size} 中心裁剪",
    ),
    "walk.overview_y": (
        "channels (log)",
        "通道数（对数）",
    ),
    "walk.stage_heading": (
        "Stage {i} of {n}: {name}",
        "第 {i} / {n} 阶段：{name}",
    ),
    "walk.shape": (
        "Tensor shape",
        "张量形状",
    ),
    "walk.range": (
        "Value range",
        "数值范围",
    ),
    "walk.plan_ok": (
        "✓ The shape equals the one the channel plan predicts.",
        "✓ 形状与通道规划预测的完全一致。",
    ),
    "walk.plan_mismatch": (
        "The plan predicts {plan} here: the model and the plan disagree.",
        "规划在这里预测的是 {plan}：模型与规划不一致。",
    ),
    "walk.say_stem": (
        "The stem turned the 3×{size}×{size} photo into **{c} feature maps of {hw}×{hw}**: a 7×7 convolution with stride 2, batch norm and ReLU, then a 3×3 max-pool with stride 2 (each step halves the side).",
        "主干把 3×{size}×{size} 的照片变成了 **{c} 张 {hw}×{hw} 的特征图**：先是步长为 2 的 7×7 卷积、批归一化和 ReLU，再接步长为 2 的 3×3 最大池化（每一步都让边长减半）。",
    ),
    "walk.say_block": (
        "Dense block {b}: each of its **{n} layers** read everything before it and added **k = {k} new maps** to the pile, so the channels grew from {cin} to **{cout}** while the size stayed {hw}×{hw}. Nothing was overwritten: channels {first}–{last} are the maps its last layer just added.",
        "稠密块 {b}：它的 **{n} 层**每一层都读取之前的全部特征，再往里添加 **k = {k} 张新特征图**，于是通道数从 {cin} 增长到 **{cout}**，而尺寸保持 {hw}×{hw} 不变。没有任何特征被覆盖：第 {first}–{last} 个通道正是最后一层刚刚添加的。",
    ),
    "walk.say_transition": (
        "Transition {b}: a 1×1 convolution compressed **{cin} channels to {cout}** (θ = {theta}), and a 2×2 average pool halved the size from {hw_in}×{hw_in} to **{hw}×{hw}**.",
        "过渡层 {b}：1×1 卷积把 **{cin} 个通道压缩为 {cout} 个**（θ = {theta}），2×2 平均池化把尺寸从 {hw_in}×{hw_in} 减半到 **{hw}×{hw}**。",
    ),
    "walk.say_norm": (
        "A final batch norm rescaled all **{c} channels** ({hw}×{hw} each); a ReLU follows, which keeps only positive evidence.",
        "最后一次批归一化重新缩放了全部 **{c} 个通道**（每个 {hw}×{hw}）；随后的 ReLU 只保留正向的证据。",
    ),
    "walk.say_pool": (
        "Global average pooling replaced each of the {c} maps by its mean over the {hw}×{hw} positions: the photo is now **a vector of {c} numbers**, whatever its size was.",
        "全局平均池化把 {c} 张特征图各自在 {hw}×{hw} 个位置上取平均：无论原图多大，这张照片现在都变成了**一个 {c} 维的向量**。",
    ),
    "walk.say_classifier": (
        "The linear classifier weighted those {c} numbers into **{n} scores (logits)**, one per flower class.",
        "线性分类器对这 {c} 个数加权求和，得到 **{n} 个分数（logits）**，每个花卉类别一个。",
    ),
    "walk.say_softmax": (
        "Softmax turned the scores into probabilities that add up to 100%: the model says **{cls}** with **{p}%**.",
        "Softmax 把分数变成加起来等于 100% 的概率：模型认为这是 **{cls}**，概率 **{p}%**。",
    ),
    "walk.map_label": (
        "ch {c}",
        "通道 {c}",
    ),
    "walk.map_label_origin": (
        "ch {c} · {origin}",
        "通道 {c} · {origin}",
    ),
    "walk.origin_input": (
        "block input",
        "块的输入",
    ),
    "walk.origin_layer": (
        "layer {i}",
        "第 {i} 层",
    ),
    "walk.active_title": (
        "The most active channels (largest mean activation)",
        "最活跃的通道（平均激活最大）",
    ),
    "walk.newest_title": (
        "Just added by layer {n}: channels {first}–{last} (most active of them)",
        "第 {n} 层刚刚添加的：第 {first}–{last} 个通道（其中最活跃的）",
    ),
    "walk.grid_note": (
        "Each map is scaled to its own minimum–maximum for display (hover for the raw values).",
        "每张特征图按它自己的最小值到最大值缩放显示（鼠标悬停可看原始数值）。",
    ),
    "walk.pooled_title": (
        "The pooled vector: its 20 largest of {c} entries",
        "池化后的向量：{c} 个分量中最大的 20 个",
    ),
    "walk.channel": (
        "channel",
        "通道",
    ),
    "walk.mean_value": (
        "mean activation",
        "平均激活",
    ),
    "walk.logits_title": (
        "Classifier scores (logits)",
        "分类器分数（logits）",
    ),
    "walk.logit": (
        "logit",
        "logit",
    ),
    "walk.probs_title": (
        "Softmax probabilities",
        "Softmax 概率",
    ),
    "walk.probability": (
        "probability (%)",
        "概率（%）",
    ),
    "walk.single_pass": (
        "The probabilities average this pass with one of the mirror image (the model card's test-time flip), exactly as the Explain page and the command line do, so all three agree.",
        "这些概率把这次前向传播与镜像照片的一次前向传播取平均（模型卡中的测试时翻转），与“解释预测”页面和命令行的算法完全相同，所以三者一致。",
    ),
    "walk.single_pass_no_flip": (
        "These probabilities come from this one pass of the photo, as the Explain page and the command line compute them for this model.",
        "这些概率来自照片的这一次前向传播，与“解释预测”页面和命令行对这个模型的算法相同。",
    ),
}
