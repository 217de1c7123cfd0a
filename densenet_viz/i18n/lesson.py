"""The guided lesson: the panel on every page, each step's goal and "try this" list, the check questions
(with their options and explanations), lesson links and the shipped-model card in the sidebar."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    # ------------------------------------------------------------------------------------ the panel
    "lesson.panel_title": (
        "📘 Lesson, step {n} of {total}: {title}",
        "📘 课程，第 {n} 步（共 {total} 步）：{title}",
    ),
    "lesson.progress": (
        "Step {n} of {total} · {done} of {total} steps done",
        "第 {n} 步（共 {total} 步）· 已完成 {done}/{total} 步",
    ),
    "lesson.goal": (
        "**Goal:** {goal}",
        "**目标**：{goal}",
    ),
    "lesson.try_header": (
        "**Try this**",
        "**动手试试**",
    ),
    "lesson.questions_header": (
        "**Check yourself**",
        "**自我检测**",
    ),
    "lesson.question": (
        "{mark}**Question {i}.** {text}",
        "{mark}**问题 {i}.** {text}",
    ),
    "lesson.your_answer": (
        "Your answer",
        "你的答案",
    ),
    "lesson.check": (
        "Check",
        "检查答案",
    ),
    "lesson.right": (
        "**Right.** {explanation}",
        "**答对了**。{explanation}",
    ),
    "lesson.wrong": (
        "**Not quite.** {explanation}",
        "**不太对**。{explanation}",
    ),
    "lesson.need_answer": (
        "Choose or type an answer first.",
        "请先选择或填写一个答案。",
    ),
    "lesson.not_a_number": (
        "{value} is not a whole number.",
        "{value} 不是整数。",
    ),
    "lesson.step_done": (
        "Every question of this step answered: on to the next step.",
        "本步骤的问题都已答对：继续下一步吧。",
    ),
    "lesson.finished": (
        "This was the last step of the lesson: well done.",
        "这是课程的最后一步：做得好！",
    ),
    "lesson.prev": (
        "◀ Step {n}: {title}",
        "◀ 第 {n} 步：{title}",
    ),
    "lesson.next": (
        "Step {n}: {title} ▶",
        "第 {n} 步：{title} ▶",
    ),
    "lesson.share_toggle": (
        "Make a lesson link for this step",
        "为本步骤生成课程链接",
    ),
    "lesson.share_show": (
        "Sidebar controls the link shows",
        "链接中显示的侧边栏控件",
    ),
    "lesson.share_caption": (
        "The link opens this page with the current configuration and language, this lesson step open, only the chosen sidebar controls, and projector mode when it is on. Copy it with the button at the right of the box.",
        "该链接会打开本页面，带上当前配置和语言，展开本课程步骤，只显示所选的侧边栏控件，并在投影模式开启时一并开启。用框右侧的按钮复制。",
    ),
    "lesson.control_preset": (
        "Preset picker and reset",
        "预设选择与恢复",
    ),
    "lesson.bad_link": (
        "The link's lesson settings could not be used ({reason}); every sidebar control is shown.",
        "链接中的课程设置无法使用（{reason}）；侧边栏显示全部控件。",
    ),
    "lesson.hidden_controls": (
        "This lesson link shows only some controls; the rest of its configuration still applies.",
        "该课程链接只显示部分控件；其余配置仍然有效。",
    ),
    "lesson.bottleneck_on": (
        "a {bn}k bottleneck",
        "{bn}k 瓶颈层",
    ),
    "lesson.bottleneck_off": (
        "no bottleneck",
        "没有瓶颈层",
    ),
    "field.lesson_step": (
        "Lesson step (step)",
        "课程步骤（step）",
    ),
    "field.lesson_show": (
        "Sidebar controls shown (show)",
        "显示的侧边栏控件（show）",
    ),
    # ------------------------------------------------------------------ the sidebar on shipped-model pages
    "sidebar.shipped_header": (
        "The model on this page",
        "本页使用的模型",
    ),
    "sidebar.shipped_card": (
        "**{name}**: {variant}, depth {depth} (k = {k}, blocks {blocks}), trained from scratch on {n} flowers ({classes}). Input {size}×{size} pixels. Top-1 accuracy: **{test}** on test, {val} on val.",
        "**{name}**：{variant}，深度 {depth}（k = {k}，各块层数 {blocks}），在 {n} 种花（{classes}）上从零训练。输入 {size}×{size} 像素。Top-1 准确率：测试集 **{test}**，验证集 {val}。",
    ),
    "sidebar.shipped_note": (
        "The model configuration acts on the other pages; this page uses the trained model above.",
        "模型配置作用于其他页面；本页使用上面这个训练好的模型。",
    ),
    "sidebar.shipped_unknown": (
        "not measured",
        "未测量",
    ),
    "sidebar.shipped_page": (
        "This page explains the trained flower model **{name}** ({variant}, depth {depth}, {n} classes) described in the sidebar, not the configuration you build on the other pages.",
        "本页解释的是侧边栏中介绍的训练好的花卉模型 **{name}**（{variant}，深度 {depth}，{n} 个类别），而不是你在其他页面搭建的配置。",
    ),
    # ------------------------------------------------------------------------------------ steps
    "lesson.home.goal": (
        "See what makes a DenseNet dense: every layer receives the maps of all layers before it and adds k new ones.",
        "看清 DenseNet 为什么叫“稠密”：每一层都接收它之前所有层的特征图，并新增 k 个自己的特征图。",
    ),
    "lesson.home.try1": (
        "In the block picture, the inputs of layer 4 are drawn in red: count them (the block input and every layer before it).",
        "在稠密块示意图中，第 4 层的输入用红色画出：数一数（块输入以及它之前的每一层）。",
    ),
    "lesson.home.try2": (
        "Drag **{k}** in the sidebar and watch the channel counts in the picture change.",
        "拖动侧边栏中的 **{k}**，观察示意图中的通道数如何变化。",
    ),
    "lesson.home.try3": (
        "Pick another **{preset}** in the sidebar (a CIFAR DenseNet-BC, say) and read the current-configuration line under the picture.",
        "在侧边栏换一个 **{preset}**（例如 CIFAR 的 DenseNet-BC），再读一读示意图下方的当前配置说明。",
    ),
    "lesson.concat.goal": (
        "Count the connections inside one dense block and the channels each layer receives.",
        "数清一个稠密块内部的连接，以及每一层接收的通道数。",
    ),
    "lesson.concat.try1": (
        "Choose a **{block}** and, under **{layer}**, pick a layer: its incoming connections light up and the metric beside them says how many channels it receives.",
        "选择一个 **{block}**，再在 **{layer}** 中选一层：它的输入连接会高亮，旁边的指标给出它接收的通道数。",
    ),
    "lesson.concat.try2": (
        "Compare the dense block with the ResNet block beside it: a dense layer's input grows wider with every layer, a ResNet layer's stays the same.",
        "把稠密块与旁边的 ResNet 块对比：稠密层的输入一层比一层宽，ResNet 层的输入宽度保持不变。",
    ),
    "lesson.concat.try3": (
        "Set **{bn}** to 0 in the sidebar, then back to 4: what enters a layer does not change; the bottleneck only squeezes it inside the layer.",
        "在侧边栏把 **{bn}** 设为 0，再改回 4：进入某层的通道数不变；瓶颈层只是在层内部把它压缩。",
    ),
    "lesson.concat.try4": (
        "Scroll to the feature-reuse heat maps and change **{reuse_block}**: which earlier layers does the trained model's last layer still use?",
        "滚动到特征复用热力图，切换 **{reuse_block}**：训练好的模型中，最后一层仍在使用哪些早期层？",
    ),
    "lesson.architecture.goal": (
        "Watch the channels grow by k inside each block and drop at each transition, and see what that costs in parameters and memory.",
        "观察通道数在每个块内按 k 增长、在每个过渡层下降，并看看这在参数量和内存上的代价。",
    ),
    "lesson.architecture.try1": (
        "Drag **{k}** from 32 down to 12: every block's slope gets flatter and the parameter count below falls.",
        "把 **{k}** 从 32 拖到 12：每个块的斜率都变缓，下方的参数量随之下降。",
    ),
    "lesson.architecture.try2": (
        "Switch on **{in_browser}**, then drag k inside the chart or press ▶ Play.",
        "打开 **{in_browser}**，然后在图中拖动 k，或按 ▶ 播放。",
    ),
    "lesson.architecture.try3": (
        "Open **{compare}** and switch on **{compare_toggle}** to lay a second growth rate and compression over the first.",
        "展开 **{compare}**，打开 **{compare_toggle}**，把第二组增长率和压缩系数叠加在第一组上。",
    ),
    "lesson.architecture.try4": (
        "Open the **{table}** and find the rows the questions below ask about.",
        "展开 **{table}**，找到下面问题所问的那几行。",
    ),
    "lesson.transitions.goal": (
        "See how each transition multiplies the channels by θ and halves the height and width.",
        "看清每个过渡层如何把通道数乘以 θ，并把高和宽减半。",
    ),
    "lesson.transitions.try1": (
        "Drag **{theta}** in the sidebar from 0.5 to 1: the drops in the flow chart disappear (a DenseNet without compression).",
        "在侧边栏把 **{theta}** 从 0.5 拖到 1：流程图中的下降消失了（没有压缩的 DenseNet）。",
    ),
    "lesson.transitions.try2": (
        "Set **{blocks}** to 6,12 and then to 6,12,24,16: there is one transition in each gap between two blocks.",
        "把 **{blocks}** 设为 6,12，再设为 6,12,24,16：每两个块之间有一个过渡层。",
    ),
    "lesson.transitions.try3": (
        "Change **{batch}** and **{dtype}** above the memory chart and see how much each transition saves.",
        "修改内存图上方的 **{batch}** 和 **{dtype}**，看看每个过渡层节省了多少内存。",
    ),
    "lesson.walkthrough.goal": (
        "Follow one photo through the trained DenseNet-121 stage by stage and watch the shape of its maps change.",
        "跟随一张照片逐阶段穿过训练好的 DenseNet-121，观察特征图形状如何变化。",
    ),
    "lesson.walkthrough.try1": (
        "Pick a photo, then press **{next}** or drag **{stage}** one stage at a time.",
        "选一张照片，然后按 **{next}**，或拖动 **{stage}**，一次前进一个阶段。",
    ),
    "lesson.walkthrough.try2": (
        "At each transition, compare the shape before and after: the channels halve, and so do the height and width.",
        "在每个过渡层比较前后的形状：通道数减半，高和宽也减半。",
    ),
    "lesson.walkthrough.try3": (
        "On the last stage, read the probabilities and the note on the \"none of my five flowers\" rule under them.",
        "在最后一个阶段，读一读各类别的概率，以及下方关于“不是我认识的五种花”规则的说明。",
    ),
    "lesson.explain.goal": (
        "See what an explanation shows when the model is wrong: a five-way classifier must pick one of its five, even for a flower it never saw.",
        "看看模型出错时解释图显示什么：一个五分类模型必须在五类中选一个，即使面对从没见过的花。",
    ),
    "lesson.explain.try1": (
        "Under **{source}**, keep **{examples_src}** and add **{dahlia}** in **{examples}**: a dahlia, none of the model's five flowers.",
        "在 **{source}** 中保持 **{examples_src}**，并在 **{examples}** 里加入 **{dahlia}**：这是一朵大丽花，不属于模型认识的五种花。",
    ),
    "lesson.explain.try2": (
        "Read the dahlia's top-5 bars and the note under them: what does the model call it, and does it say \"probably none of my five flowers\"?",
        "读一读大丽花的 top-5 柱状图和下方的说明：模型把它叫作什么？它有没有提示“可能不是我认识的五种花”？",
    ),
    "lesson.explain.try3": (
        "Set **{target}** to its second guess and compare the two Grad-CAM maps: each shows the evidence for the class it is asked about.",
        "把 **{target}** 设为它的第二猜测，比较两张 Grad-CAM 图：每张图显示的都是支持所问类别的证据。",
    ),
    "lesson.explain.try4": (
        "Cover the flower with the grey square (**{occ_centre}**) and watch the answer and the map change.",
        "用灰色方块遮住花朵（**{occ_centre}**），观察答案和热力图如何变化。",
    ),
    "lesson.why.goal": (
        "Measure why dense connections help (gradient flow, parameter efficiency) and what they cost (memory).",
        "亲自测量稠密连接为什么有用（梯度流、参数效率）以及它的代价（内存）。",
    ),
    "lesson.why.try1": (
        "In the gradient-flow section, raise **{depth}** to 100 with **{grad_bn}** off and press **{grad_run}**: which network's first layer still gets a gradient?",
        "在梯度流部分，关闭 **{grad_bn}**，把 **{depth}** 调到 100，再按 **{grad_run}**：哪个网络的第一层仍然能得到梯度？",
    ),
    "lesson.why.try2": (
        "Find your sidebar network's point on the parameter-efficiency chart and compare it with the ResNets.",
        "在参数效率图上找到侧边栏网络对应的点，与 ResNet 比较。",
    ),
    "lesson.why.try3": (
        "In the memory section, change **{mem_size}** and read how much the shared-memory implementation saves.",
        "在内存部分修改 **{mem_size}**，看看共享内存的实现能省下多少。",
    ),
    "lesson.train_live.goal": (
        "Train two small DenseNets side by side and judge their difference against the run-to-run noise.",
        "并排训练两个小型 DenseNet，并对照多次运行之间的随机波动来判断它们的差别。",
    ),
    "lesson.train_live.try1": (
        "Choose a second network in **{live_compare}**, set **{epochs}** to 2 and press **{start}**.",
        "在 **{live_compare}** 中选择第二个网络，把 **{epochs}** 设为 2，然后按 **{start}**。",
    ),
    "lesson.train_live.try2": (
        "Run again with another **{seed}**: how far apart are two runs of the same network?",
        "换一个 **{seed}** 再训练一次：同一个网络的两次运行相差多少？",
    ),
    "lesson.train_live.try3": (
        "Compare the accuracy gap with the parameter counts before you call one configuration better.",
        "先把准确率差距与参数量放在一起比较，再判断哪个配置更好。",
    ),
    # ------------------------------------------------------------------------------------ questions
    "lesson.q.home_receives.text": (
        "Block 1 of the sidebar's network starts with {c0} channels, and k = {k}. How many channels does layer {i} of block 1 receive?",
        "侧边栏网络的第 1 块以 {c0} 个通道开始，k = {k}。第 1 块的第 {i} 层接收多少个通道？",
    ),
    "lesson.q.home_receives.why": (
        "{c0} + {before} × {k} = {answer}: the block's input plus the k new maps of each of the {before} layers before it.",
        "{c0} + {before} × {k} = {answer}：块的输入，加上它之前 {before} 层各自新增的 k 个特征图。",
    ),
    "lesson.q.home_combine.text": (
        "How does a layer in a dense block combine the feature maps it receives?",
        "稠密块中的一层如何组合它接收到的特征图？",
    ),
    "lesson.q.home_combine.opt1": (
        "It adds them up, as a ResNet does",
        "把它们相加，像 ResNet 那样",
    ),
    "lesson.q.home_combine.opt2": (
        "It stacks them along the channel axis (concatenation)",
        "沿通道维把它们堆叠起来（拼接）",
    ),
    "lesson.q.home_combine.opt3": (
        "It keeps only the previous layer's maps",
        "只保留前一层的特征图",
    ),
    "lesson.q.home_combine.opt4": (
        "It averages them",
        "对它们取平均",
    ),
    "lesson.q.home_combine.why": (
        "Concatenation keeps every earlier map unchanged, so a layer can reuse any of them; a ResNet's addition mixes them into one.",
        "拼接让每个早期特征图保持原样，所以任何一层都能复用它们；ResNet 的相加则把它们混成一个。",
    ),
    "lesson.q.home_growth.text": (
        "What does the growth rate k count?",
        "增长率 k 数的是什么？",
    ),
    "lesson.q.home_growth.opt1": (
        "The number of dense blocks",
        "稠密块的个数",
    ),
    "lesson.q.home_growth.opt2": (
        "The layers in each block",
        "每个块的层数",
    ),
    "lesson.q.home_growth.opt3": (
        "The new feature maps each layer adds",
        "每层新增的特征图数",
    ),
    "lesson.q.home_growth.opt4": (
        "How much each transition shrinks the image",
        "每个过渡层把图像缩小多少",
    ),
    "lesson.q.home_growth.why": (
        "Each layer adds k = {k} new maps to the concatenation, so inside a block the channels grow by {k} per layer.",
        "每层向拼接中新增 k = {k} 个特征图，所以在块内通道数每层增加 {k}。",
    ),
    "lesson.q.concat_enter.text": (
        "With k = {k} and {bottleneck}, how many channels enter layer {i} of block {b}?",
        "k = {k}，{bottleneck}，进入第 {b} 块第 {i} 层的通道有多少个？",
    ),
    "lesson.q.concat_enter.why": (
        "Block {b} starts with {c0} channels and each of the {before} layers before layer {i} adds {k}: {c0} + {before} × {k} = {answer}. The bottleneck ({mid} channels; 0 means none) works inside the layer and does not change what enters it.",
        "第 {b} 块以 {c0} 个通道开始，第 {i} 层之前的 {before} 层各增加 {k} 个：{c0} + {before} × {k} = {answer}。瓶颈层（{mid} 个通道，0 表示没有）在层内部起作用，不改变进入该层的通道数。",
    ),
    "lesson.q.concat_connections.text": (
        "Block {b} has {n} layers. How many direct connections does it have, counting the block input as a source?",
        "第 {b} 块有 {n} 层。把块输入也算作一个来源，它一共有多少条直接连接？",
    ),
    "lesson.q.concat_connections.why": (
        "Layer ℓ receives ℓ connections (the block input and the ℓ − 1 layers before it): 1 + 2 + … + {n} = {n} × ({n} + 1) / 2 = {answer}. A plain chain of {n} layers has {n}.",
        "第 ℓ 层接收 ℓ 条连接（块输入和它之前的 ℓ − 1 层）：1 + 2 + … + {n} = {n} × ({n} + 1) / 2 = {answer}。普通的 {n} 层串联只有 {n} 条。",
    ),
    "lesson.q.concat_squeeze.text": (
        "With a bottleneck of {bn}k and k = {k}: how many channels does the 1×1 bottleneck of layer {i} in block {b} hand to its 3×3 convolution?",
        "瓶颈宽度为 {bn}k、k = {k}：第 {b} 块第 {i} 层的 1×1 瓶颈卷积向 3×3 卷积输出多少个通道？",
    ),
    "lesson.q.concat_squeeze.why": (
        "{bn} × {k} = {answer}, whatever enters the layer ({enter} channels here): the bottleneck caps the cost of the 3×3 convolution.",
        "{bn} × {k} = {answer}，与进入该层的通道数（这里是 {enter}）无关：瓶颈层限制了 3×3 卷积的计算量。",
    ),
    "lesson.q.concat_no_bottleneck.text": (
        "This configuration has no bottleneck. What does the 3×3 convolution of layer {i} see?",
        "当前配置没有瓶颈层。第 {i} 层的 3×3 卷积看到的是什么？",
    ),
    "lesson.q.concat_no_bottleneck.opt1": (
        "Only the previous layer's {k} maps",
        "只有前一层的 {k} 个特征图",
    ),
    "lesson.q.concat_no_bottleneck.opt2": (
        "All {enter} channels that enter the layer",
        "进入该层的全部 {enter} 个通道",
    ),
    "lesson.q.concat_no_bottleneck.opt3": (
        "A fixed 4k = {k} × 4 channels",
        "固定的 4k = {k} × 4 个通道",
    ),
    "lesson.q.concat_no_bottleneck.why": (
        "Without a 1×1 bottleneck the 3×3 convolution reads the whole concatenation, all {enter} channels: that is why deep DenseNets use bottlenecks.",
        "没有 1×1 瓶颈层时，3×3 卷积读取整个拼接结果，即全部 {enter} 个通道：这正是深层 DenseNet 使用瓶颈层的原因。",
    ),
    "lesson.q.arch_block_out.text": (
        "How many channels leave dense block 1, after its last layer?",
        "第 1 个稠密块的最后一层之后，有多少个通道离开该块？",
    ),
    "lesson.q.arch_block_out.why": (
        "Block 1 starts with {c0} channels and its {n} layers add k = {k} each: {c0} + {n} × {k} = {answer}.",
        "第 1 块以 {c0} 个通道开始，它的 {n} 层各增加 k = {k} 个：{c0} + {n} × {k} = {answer}。",
    ),
    "lesson.q.arch_final.text": (
        "How many channels reach the classifier (after the last block and the final norm)?",
        "有多少个通道到达分类器（在最后一个块和最终归一化之后）？",
    ),
    "lesson.q.arch_final.why": (
        "The last block ends with {answer} channels. Global average pooling turns each into one number, so the classifier for {classes} classes holds {answer} × {classes} weights plus {classes} biases: {params} parameters.",
        "最后一个块输出 {answer} 个通道。全局平均池化把每个通道变成一个数，所以面向 {classes} 个类别的分类器有 {answer} × {classes} 个权重加 {classes} 个偏置：共 {params} 个参数。",
    ),
    "lesson.q.arch_slope.text": (
        "Which sidebar control makes the channel curve climb faster inside every block?",
        "侧边栏中的哪个控件能让每个块内的通道曲线上升得更快？",
    ),
    "lesson.q.arch_slope.why": (
        "Every layer adds k maps, so the slope inside a block is k = {k} channels per layer. θ acts only at the transitions; dropout and the input size change no channel count.",
        "每层新增 k 个特征图，所以块内斜率就是每层 k = {k} 个通道。θ 只在过渡层起作用；dropout 和输入尺寸不改变任何通道数。",
    ),
    "lesson.q.trans_out.text": (
        "Transition {t} receives {enter} channels, and θ = {theta}. How many channels leave it?",
        "过渡层 {t} 接收 {enter} 个通道，θ = {theta}。有多少个通道离开它？",
    ),
    "lesson.q.trans_out.why": (
        "⌊θ × {enter}⌋ = ⌊{product}⌋ = {answer}: the 1×1 convolution keeps θ of the channels, rounded down.",
        "⌊θ × {enter}⌋ = ⌊{product}⌋ = {answer}：1×1 卷积保留 θ 比例的通道，向下取整。",
    ),
    "lesson.q.trans_count.text": (
        "This network has {n} dense block. How many transition layers does it have?",
        "当前网络只有 {n} 个稠密块。它有多少个过渡层？",
    ),
    "lesson.q.trans_count.why": (
        "A transition sits between two blocks; with one block there is none ({answer}). Add a second block in the sidebar to see one.",
        "过渡层位于两个块之间；只有一个块时就没有过渡层（{answer} 个）。在侧边栏加一个块就能看到它。",
    ),
    "lesson.q.trans_hw.text": (
        "The input is {size}×{size} pixels. At what height (= width) does the last block, block {b}, work?",
        "输入为 {size}×{size} 像素。最后一个块（第 {b} 块）在多大的高度（= 宽度）上工作？",
    ),
    "lesson.q.trans_hw.why": (
        "The {stem} stem turns {size} into {s0}; each of the {transitions} transitions halves it, rounding down: {chain}. So block {b} works at {answer}×{answer}.",
        "{stem} 主干把 {size} 变为 {s0}；{transitions} 个过渡层每个都把它减半并向下取整：{chain}。所以第 {b} 块在 {answer}×{answer} 上工作。",
    ),
    "lesson.q.trans_pool.text": (
        "What does a transition's 2×2 average pool with stride 2 do?",
        "过渡层中步长为 2 的 2×2 平均池化做了什么？",
    ),
    "lesson.q.trans_pool.opt1": (
        "It halves the channels",
        "把通道数减半",
    ),
    "lesson.q.trans_pool.opt2": (
        "It halves the height and the width and keeps the channels",
        "把高和宽减半，通道数不变",
    ),
    "lesson.q.trans_pool.opt3": (
        "It halves the batch",
        "把批大小减半",
    ),
    "lesson.q.trans_pool.why": (
        "The 1×1 convolution before the pool sets the channels (θ); the pool halves height and width, so each map keeps a quarter of its values.",
        "池化之前的 1×1 卷积决定通道数（θ）；池化把高和宽减半，所以每个特征图只剩四分之一的数值。",
    ),
    "lesson.q.walk_hw.text": (
        "The trained model sees a {size}×{size} crop of the photo. At what height (= width) does its last dense block, block {b}, work?",
        "训练好的模型看到的是照片中 {size}×{size} 的裁剪区域。它的最后一个稠密块（第 {b} 块）在多大的高度（= 宽度）上工作？",
    ),
    "lesson.q.walk_hw.why": (
        "The {stem} stem turns {size} into {s0}; each of the {transitions} transitions halves it: {chain}. Step to block {b} and read its shape.",
        "{stem} 主干把 {size} 变为 {s0}；{transitions} 个过渡层每个都把它减半：{chain}。前进到第 {b} 块，读一读它的形状。",
    ),
    "lesson.q.walk_pooled.text": (
        "After global average pooling, how many numbers does the classifier receive?",
        "经过全局平均池化后，分类器接收多少个数？",
    ),
    "lesson.q.walk_pooled.why": (
        "Each of the {answer} channels of the final {hw}×{hw} maps becomes its mean: one number per channel.",
        "最终 {hw}×{hw} 特征图的 {answer} 个通道各取平均值：每个通道一个数。",
    ),
    "lesson.q.walk_softmax.text": (
        "What turns the classifier's {n} scores into the probabilities of the last stage?",
        "是什么把分类器的 {n} 个得分变成最后一个阶段的概率？",
    ),
    "lesson.q.walk_softmax.opt1": (
        "A ReLU",
        "一个 ReLU 激活",
    ),
    "lesson.q.walk_softmax.opt2": (
        "Softmax of the scores, divided first by the calibration temperature",
        "先除以校准温度，再对得分做 softmax",
    ),
    "lesson.q.walk_softmax.opt3": (
        "Global average pooling",
        "全局平均池化",
    ),
    "lesson.q.walk_softmax.why": (
        "Softmax turns {n} scores into {n} positive numbers that sum to 1; the trained model first divides the scores by the temperature fitted on validation photos, so the probabilities are calibrated.",
        "softmax 把 {n} 个得分变成 {n} 个和为 1 的正数；训练好的模型先用在验证集照片上拟合的温度去除得分，使概率经过校准。",
    ),
    "lesson.q.explain_must_pick.text": (
        "The dahlia is none of the model's {n} flowers. What does a {n}-way classifier do with it?",
        "大丽花不属于模型认识的 {n} 种花。一个 {n} 分类模型会怎样处理它？",
    ),
    "lesson.q.explain_must_pick.opt1": (
        "It answers \"unknown\" by itself",
        "它自己回答“不知道”",
    ),
    "lesson.q.explain_must_pick.opt2": (
        "It still shares 100 % among its {n} classes, so one of them comes first",
        "它仍把 100% 分给这 {n} 个类别，所以总有一个排第一",
    ),
    "lesson.q.explain_must_pick.opt3": (
        "It refuses to run",
        "它拒绝运行",
    ),
    "lesson.q.explain_must_pick.why": (
        "Softmax always sums to 100 % over the {n} classes the model knows, and it has no \"other\" class: its top answer for a dahlia is one of the {n}. That is why the app adds a rule on top.",
        "softmax 在模型认识的 {n} 个类别上总和总是 100%，而且没有“其他”类：它对大丽花的首选答案必然是这 {n} 类之一。所以应用在此之上加了一条规则。",
    ),
    "lesson.q.explain_map.text": (
        "On a photo of a flower the model never learned, what does its Grad-CAM map show?",
        "对于模型从没学过的花，它的 Grad-CAM 图显示的是什么？",
    ),
    "lesson.q.explain_map.opt1": (
        "Where the true flower is, always",
        "总是真实花朵所在的位置",
    ),
    "lesson.q.explain_map.opt2": (
        "Nothing: the map stays blank",
        "什么都没有：图是空白的",
    ),
    "lesson.q.explain_map.opt3": (
        "Where the evidence for the class it is asked about lies (petals, leaves or background): it explains the answer, not the truth",
        "所问类别的证据在哪里（花瓣、叶子或背景）：它解释的是答案，而不是真相",
    ),
    "lesson.q.explain_map.why": (
        "Grad-CAM weighs the last block's maps by how much they raise the chosen class's score, even when that class is wrong. A confident-looking map does not make the answer right.",
        "Grad-CAM 按特征图对所选类别得分的提升程度加权，即使该类别是错的也一样。看起来很有把握的热力图并不能让答案变对。",
    ),
    "lesson.q.explain_limits.text": (
        "The model's probabilities are calibrated (temperature {temperature}), and a photo whose top probability is below {threshold} is called \"probably none of my {n} flowers\". What can this not do?",
        "模型的概率经过校准（温度 {temperature}），最高概率低于 {threshold} 的照片会被标为“可能不是我认识的 {n} 种花”。这套办法做不到什么？",
    ),
    "lesson.q.explain_limits.opt1": (
        "Catch an unknown flower that the model is confidently wrong about (top probability above {threshold})",
        "识别出模型很有把握却判断错误的陌生花（最高概率高于 {threshold}）",
    ),
    "lesson.q.explain_limits.opt2": (
        "Flag most photos of other species",
        "标出大多数其他种类花的照片",
    ),
    "lesson.q.explain_limits.opt3": (
        "Make a 70 % answer right about 70 % of the time on photos like the training photos",
        "让 70% 的答案在与训练照片相似的照片上大约 70% 的时候是对的",
    ),
    "lesson.q.explain_limits.why": (
        "Calibration makes the probabilities honest on average for photos like the ones the model learned from, and the {threshold} threshold (chosen on validation photos) flags most unfamiliar ones. But an unknown flower that happens to look very much like one of the {n} gets a high probability and slips through: only training on such photos (or a class for them) would fix that.",
        "校准让模型在与训练照片相似的照片上的概率平均而言是可信的，而在验证集照片上选定的 {threshold} 阈值能标出大多数陌生照片。但一朵恰好很像这 {n} 种之一的陌生花会得到很高的概率，从而漏网：只有用这类照片训练（或为它们设立一个类别）才能解决。",
    ),
    "lesson.q.why_depth.text": (
        "Counting as the paper does (the stem convolution, every convolution of every dense layer, each transition and the classifier), what is the depth L of the sidebar's network?",
        "按论文的计数方式（主干卷积、每个稠密层中的每个卷积、每个过渡层以及分类器），侧边栏网络的深度 L 是多少？",
    ),
    "lesson.q.why_depth.why": (
        "1 + {per} × {layers} + {transitions} + 1 = {answer}: the stem, {layers} dense layers with {per} convolution(s) each, {transitions} transition(s) and the classifier.",
        "1 + {per} × {layers} + {transitions} + 1 = {answer}：主干、{layers} 个稠密层（每层 {per} 个卷积）、{transitions} 个过渡层和分类器。",
    ),
    "lesson.q.why_memory.text": (
        "Why does a naively implemented DenseNet need training memory that grows faster than its depth?",
        "为什么朴素实现的 DenseNet 训练时所需内存比深度增长得更快？",
    ),
    "lesson.q.why_memory.opt1": (
        "Its weights grow with the square of the depth",
        "它的权重随深度的平方增长",
    ),
    "lesson.q.why_memory.opt2": (
        "Each layer's concatenation copies all earlier maps into a new tensor that is kept for the backward pass",
        "每层的拼接都会把之前所有特征图复制到一个新张量里，并为反向传播保留下来",
    ),
    "lesson.q.why_memory.opt3": (
        "The batch size grows with the depth",
        "批大小随深度增长",
    ),
    "lesson.q.why_memory.why": (
        "Layer ℓ of a block stores a concatenation of everything before it, so a block of L layers keeps 1 + 2 + … + L copies: quadratic. Shared buffers recomputed in the backward pass (the memory-efficient mode) make it linear.",
        "块中第 ℓ 层保存了它之前全部内容的拼接，所以 L 层的块要保留 1 + 2 + … + L 份副本：平方级增长。在反向传播时重新计算的共享缓冲区（省内存模式）使它变为线性增长。",
    ),
    "lesson.q.why_gradient.text": (
        "Why do dense connections help the gradient reach the first layers?",
        "为什么稠密连接能帮助梯度到达最前面的层？",
    ),
    "lesson.q.why_gradient.opt1": (
        "Every layer has a short path to the loss through the concatenations",
        "通过拼接，每一层到损失函数都有一条很短的路径",
    ),
    "lesson.q.why_gradient.opt2": (
        "They use a larger learning rate",
        "它们使用更大的学习率",
    ),
    "lesson.q.why_gradient.opt3": (
        "They have no nonlinearities",
        "它们没有非线性",
    ),
    "lesson.q.why_gradient.why": (
        "An early layer's maps are concatenated into every later layer's input, so the loss's gradient reaches them directly instead of through a long chain of multiplications that can shrink it.",
        "早期层的特征图被拼接进后面每一层的输入，所以损失的梯度能直接到达它们，而不必经过一长串可能使其变小的连乘。",
    ),
    "lesson.q.live_noise.text": (
        "Two runs of the same network with different seeds reach 61 % and 64 %. A second configuration reaches 63 %. What can you conclude?",
        "同一个网络用不同种子训练两次，分别达到 61% 和 64%。第二个配置达到 63%。你能得出什么结论？",
    ),
    "lesson.q.live_noise.opt1": (
        "The second configuration is better",
        "第二个配置更好",
    ),
    "lesson.q.live_noise.opt2": (
        "Nothing yet: the gap is smaller than the seed-to-seed noise",
        "还不能下结论：差距小于不同种子之间的波动",
    ),
    "lesson.q.live_noise.opt3": (
        "The first configuration is broken",
        "第一个配置有问题",
    ),
    "lesson.q.live_noise.why": (
        "The same network already differs by 3 points between seeds; a 1-point gap between configurations is inside that noise. Run more seeds before you decide.",
        "同一个网络换种子就已相差 3 个百分点；配置之间 1 个百分点的差距落在这个波动范围内。多跑几个种子再下结论。",
    ),
    "lesson.q.live_capacity.text": (
        "Suppose k = 12 (about 1 M parameters) reaches 63 % after two epochs and k = 32 (about 7 M) reaches 61 %. What is the most likely reason?",
        "假设 k = 12（约 100 万参数）训练两轮后达到 63%，而 k = 32（约 700 万参数）达到 61%。最可能的原因是什么？",
    ),
    "lesson.q.live_capacity.opt1": (
        "k = 32 is a worse architecture",
        "k = 32 是更差的结构",
    ),
    "lesson.q.live_capacity.opt2": (
        "More parameters always lower accuracy",
        "参数越多准确率总是越低",
    ),
    "lesson.q.live_capacity.opt3": (
        "With little data and two epochs, the bigger network cannot use its extra capacity yet, and the gap may be noise",
        "数据少、只训练两轮时，更大的网络还用不上它多出的容量，而且这个差距可能只是随机波动",
    ),
    "lesson.q.live_capacity.why": (
        "Seven times the parameters only pays off with enough data and training; after two epochs on a small set the larger network has barely started, and a 2-point gap can be seed noise.",
        "七倍的参数只有在数据和训练足够时才有回报；在小数据集上训练两轮，大网络才刚起步，而 2 个百分点的差距可能只是种子带来的波动。",
    ),
}
