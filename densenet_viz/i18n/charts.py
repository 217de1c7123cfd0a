"""Chart summaries and data tables (``chart_text``): one sentence per chart with its key numbers, and the
headers of the table under it."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "chart.table": (
        "Chart data as a table",
        "图表数据（表格）",
    ),
    "chart.sep_list": (
        ", ",
        "，",
    ),
    "chart.sep_clause": (
        "; ",
        "；",
    ),
    "chart.more": (
        " and {n} more",
        "，另有 {n} 个",
    ),
    # ------------------------------------------------------------------------------ table headers
    "chart.col_x": ("Horizontal axis", "横轴"),
    "chart.col_y": ("Vertical axis", "纵轴"),
    "chart.col_row": ("Row", "行"),
    "chart.col_column": ("Column", "列"),
    "chart.col_value": ("Value", "数值"),
    "chart.col_series": ("Series", "数据系列"),
    "chart.col_label": ("Name", "名称"),
    "chart.col_text": ("Shown on the chart", "图上标注"),
    "chart.col_text_of": ("{series}: shown on the chart", "{series}：图上标注"),
    "chart.col_description": ("Description", "说明"),
    "chart.col_stage": ("Stage", "阶段"),
    "chart.col_class": ("Class", "类别"),
    "chart.col_share": ("Share of the true class's photos", "占该真实类别照片的比例"),
    "chart.col_count": ("Photos", "照片数"),
    "chart.col_channel": ("Channel", "通道"),
    "chart.col_origin": ("Added by", "来自"),
    "chart.col_size": ("Size", "尺寸"),
    "chart.col_min": ("Lowest value", "最小值"),
    "chart.col_max": ("Highest value", "最大值"),
    "chart.col_mean": ("Mean", "平均值"),
    "chart.col_where": ("Strongest", "最强的位置"),
    "chart.col_run": ("Run", "训练"),
    "chart.col_train_loss": ("Training loss", "训练损失"),
    "chart.col_train_acc": ("Training accuracy", "训练准确率"),
    "chart.col_val_acc": ("Validation accuracy", "验证准确率"),
    # ------------------------------------------------------------------ Architecture, Transitions
    "chart.growth": (
        "Channels grow by {k} per layer in each dense block, {blocks}{transitions}; the maps shrink from "
        "{hw0} to {hw1} and {final} channels reach the classifier{compare}.",
        "每个稠密块中每层增加 {k} 个通道：{blocks}{transitions}；特征图从 {hw0} 缩小到 {hw1}，"
        "最终 {final} 个通道进入分类器{compare}。",
    ),
    "chart.growth_block": (
        "from {start} to {end} in block {b}",
        "第 {b} 块从 {start} 增至 {end}",
    ),
    "chart.growth_halves": (
        "each transition halves them ({pairs})",
        "每个过渡层把通道数减半（{pairs}）",
    ),
    "chart.growth_theta": (
        "each transition keeps θ = {theta} of them ({pairs})",
        "每个过渡层保留其中的 θ = {theta}（{pairs}）",
    ),
    "chart.growth_compare": (
        " (the compared configuration, k = {k} and θ = {theta}: {final})",
        "（对比配置 k = {k}、θ = {theta}：{final} 个）",
    ),
    "chart.flow": (
        "The stem passes {c0} channels at {hw0} to the first block, then {steps}; the classifier turns the "
        "final {final} channels into {n} class scores.",
        "主干把 {hw0} 的 {c0} 个通道交给第一个块，随后{steps}；分类器把最后的 {final} 个通道变成 {n} 个类别分数。",
    ),
    "chart.flow_block": (
        "{stage} widens them to {c}",
        "{stage}增至 {c}",
    ),
    "chart.flow_transition": (
        "{stage} cuts them to {c} at {hw}",
        "{stage} 减至 {c}（{hw}）",
    ),
    "chart.flow_memory": (
        "For a batch of {batch} in {dtype}, the largest tensor leaves {largest} ({size}){transitions}; the "
        "classifier's output takes {last}.",
        "批大小 {batch}、{dtype} 时，离开“{largest}”的张量最大（{size}）{transitions}；分类器的输出占 {last}。",
    ),
    "chart.flow_memory_cuts": (
        "each transition shrinks the tensor it receives ({pairs})",
        "每个过渡层把收到的张量缩小（{pairs}）",
    ),
    # ------------------------------------------------------------------------------ Concatenation
    "chart.graph": (
        "Block {b}: {n} layers joined by {edges} connections; each layer receives the block input's {c0} "
        "channels plus {k} from every earlier layer, so layer {n} receives {last}{selected}.",
        "第 {b} 块：{n} 层之间有 {edges} 条连接；每层接收块输入的 {c0} 个通道，外加之前每一层的 {k} 个，"
        "所以第 {n} 层接收 {last} 个{selected}。",
    ),
    "chart.graph_selected": (
        "{node} receives {width} channels from {sources} sources",
        "{node}从 {sources} 个来源接收 {width} 个通道",
    ),
    "chart.resnet": (
        "In a ResNet-style block each of the {n} layers adds its output to its input, so every layer "
        "receives the same {width} channels.",
        "在 ResNet 式的块中，{n} 层中的每一层都把输出加到输入上，所以每层接收的通道数都是 {width}。",
    ),
    "chart.width": (
        "Input width of layers 1 to {n}: DenseNet's grows from {first} to {last} channels ({k} more per "
        "layer), while a ResNet-style sum stays at {c0}.",
        "第 1 到 {n} 层的输入宽度：DenseNet 从 {first} 增长到 {last} 个通道（每层多 {k} 个），"
        "而 ResNet 式的相加始终是 {c0} 个。",
    ),
    "chart.composition": (
        "Each bar is one layer's input: the block input's {c0} channels plus {k} from every earlier layer, "
        "so layer {layer} receives {c0} + {m} × {k} = {total} channels.",
        "每根柱子是一层的输入：块输入的 {c0} 个通道，加上之前每一层的 {k} 个，"
        "所以第 {layer} 层接收 {c0} + {m} × {k} = {total} 个通道。",
    ),
    "chart.reuse": (
        "{title}: links run from {lo} ({lo_link}) to {hi} ({hi_link}), {mean} on average, and {strong} of the "
        "{cells} links reach 0.5 or more.",
        "{title}：连接强度从 {lo}（{lo_link}）到 {hi}（{hi_link}），平均 {mean}，{cells} 条连接中有 {strong} 条达到 0.5 或以上。",
    ),
    # ---------------------------------------------------------------------------- Follow a flower
    "chart.overview": (
        "Stage {i} of {n} is {stage} (shape {shape}); channels along the way: {route}.",
        "第 {i} 个阶段（共 {n} 个）是{stage}（形状 {shape}）；一路上的通道数：{route}。",
    ),
    "chart.grid_active": (
        "The {n} most active of {c} feature maps ({h}×{w}; channels {channels}), each scaled to its own "
        "range, so bright means strong for that map; together they are brightest {where}.",
        "{c} 张特征图中最活跃的 {n} 张（{h}×{w}；通道 {channels}），每张按自身范围缩放，越亮表示该图越强；"
        "合起来看，最亮的位置在{where}。",
    ),
    "chart.grid_newest": (
        "The {n} most active of the {k} maps that layer {layer} just added ({h}×{w}; channels {channels}); "
        "together they are brightest {where}.",
        "第 {layer} 层刚刚新增的 {k} 张特征图中最活跃的 {n} 张（{h}×{w}；通道 {channels}）；"
        "合起来看，最亮的位置在{where}。",
    ),
    "chart.top_entries": (
        "The {n} largest of the {c} pooled values: channel #{i1} is highest ({v1}), #{i2} next ({v2}), "
        "and the last shown, #{ilast}, has {vlast}.",
        "{c} 个池化值中最大的 {n} 个：通道 #{i1} 最高（{v1}），其次是 #{i2}（{v2}），"
        "图中最后一个 #{ilast} 为 {vlast}。",
    ),
    "chart.logits": (
        "Logits, largest first: {ranked}; the largest, {best}, is the prediction.",
        "logit 从大到小：{ranked}；最大的{best}就是预测结果。",
    ),
    "chart.probs": (
        "Probabilities, largest first: {ranked}.",
        "概率从大到小：{ranked}。",
    ),
    # ------------------------------------------------------------------------------- Why DenseNet
    "chart.grad": (
        "Gradient norm with respect to {what}, at layer 1 (nearest the input) and at layer {depth}: {items}.",
        "针对{what}的梯度范数，第 1 层（最靠近输入）与第 {depth} 层：{items}。",
    ),
    "chart.grad_item": (
        "{arch} {first} and {last}",
        "{arch} {first} 与 {last}",
    ),
    "chart.eff": (
        "ImageNet top-1 of the {n} published models runs from {lo}% ({lo_name}, {lo_params} parameters) to "
        "{hi}% ({hi_name}, {hi_params}); your DenseNet has {params} parameters and {gmacs} GMACs{top1}.",
        "{n} 个已发表模型的 ImageNet top-1 从 {lo}%（{lo_name}，{lo_params} 个参数）到 {hi}%"
        "（{hi_name}，{hi_params}）；你的 DenseNet 有 {params} 个参数、{gmacs} GMACs{top1}。",
    ),
    "chart.eff_top1": (
        " and a published top-1 of {top1}%",
        "，已发表的 top-1 为 {top1}%",
    ),
    "chart.eff_unknown": (
        " (its accuracy is unknown)",
        "（准确率未知）",
    ),
    "chart.mem": (
        "For batch {batch} at {size}×{size} pixels, this depth ({depth}) keeps {naive} with naive storage and "
        "{shared} with shared buffers ({ratio}× less); from depth {d0} to {d1} the naive cost grows "
        "{grow_naive}× and the shared one {grow_shared}×{measured}.",
        "批大小 {batch}、{size}×{size} 像素时，当前深度（{depth}）朴素存储需要 {naive}，共享缓冲区需要 "
        "{shared}（为前者的 1/{ratio}）；深度从 {d0} 到 {d1}，朴素存储增长 {grow_naive} 倍，共享存储增长 "
        "{grow_shared} 倍{measured}。",
    ),
    "chart.mem_measured": (
        "{n} depths were measured (the crosses)",
        "有 {n} 个深度做了实测（叉号）",
    ),
    # ------------------------------------------------------------------------------ Train it live
    "chart.live": (
        "{items}{chance}.",
        "{items}{chance}。",
    ),
    "chart.live_item": (
        "{name} at epoch {epoch} of {epochs}: training loss {loss}, validation accuracy {val}",
        "{name} 第 {epoch} 轮（共 {epochs} 轮）：训练损失 {loss}，验证准确率 {val}",
    ),
    "chart.live_waiting": (
        "{name} has no points yet",
        "{name} 还没有数据点",
    ),
    "chart.live_chance": (
        "guessing would score {chance}",
        "随机猜测的准确率为 {chance}",
    ),
    # ------------------------------------------------------------------------------------ Explain
    "chart.top5": (
        "The top {n} classes: {ranked}{rule}.",
        "前 {n} 个类别：{ranked}{rule}。",
    ),
    "chart.top5_rule": (
        "the dashed line at {threshold} marks where \"none of these\" starts",
        "虚线 {threshold} 以下即视为“都不是”",
    ),
    "chart.cam_strip": (
        "Grad-CAM for {cls} at {n} depths, coarser with depth: {items}.",
        "{cls}的 Grad-CAM，共 {n} 个深度，越深越粗：{items}。",
    ),
    "chart.cam_item": (
        "{layer} ({h}×{w}) strongest {where}",
        "{layer}（{h}×{w}）最强处在{where}",
    ),
    "chart.deletion": (
        "Removing the pixels the Grad-CAM ranks highest first takes P({cls}) from {p0} to {p_half} with "
        "{half} removed (AUC {auc}); removing them in random order gives AUC {rand}, and lower is better.",
        "按 Grad-CAM 的排名从高到低移除像素，P({cls}) 从 {p0} 降到 {p_half}（移除 {half} 时，AUC {auc}）；"
        "随机顺序移除的 AUC 为 {rand}，越低越好。",
    ),
    "chart.occ_none": (
        "The photo at {side}×{side} pixels as the model sees it; click it, or use the move buttons, to cover "
        "part of it with a grey square.",
        "模型看到的 {side}×{side} 像素照片；点击照片或使用移动按钮，用灰色方块盖住其中一部分。",
    ),
    "chart.occ_square": (
        "The photo at {side}×{side} pixels with a grey {size}-pixel square centred at ({cx}, {cy}); click "
        "elsewhere, or use the move buttons, to move it.",
        "{side}×{side} 像素的照片，中心在 ({cx}, {cy}) 处盖着 {size} 像素的灰色方块；点击别处或使用移动按钮来移动它。",
    ),
    "chart.occ_change": (
        "Covering the square changes these probabilities most: {items}.",
        "盖上方块后，概率变化最大的是：{items}。",
    ),
    "chart.confusion": (
        "{correct} of the {n} test photos lie on the diagonal, classified correctly{mistake}.",
        "{n} 张测试照片中有 {correct} 张位于对角线上，即分类正确{mistake}。",
    ),
    "chart.confusion_worst": (
        "the most common mistake is {true} taken for {pred} ({count} photos)",
        "最常见的错误是把{true}认作{pred}（{count} 张）",
    ),
}
