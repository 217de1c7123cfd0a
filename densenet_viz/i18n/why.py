"""The Why DenseNet page."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "why.title": (
        "Why DenseNet? Measure it yourself",
        "为什么是 DenseNet？亲自测一测",
    ),
    "why.intro": (
        "Three claims from the DenseNet paper, each tested live on real networks: gradients reach the early layers, few parameters buy a lot of accuracy, and the price is memory.",
        "DenseNet 论文的三个论点，每一个都在真实网络上现场检验：梯度能传到前面的层，用很少的参数换来很高的准确率，而代价是显存/内存。",
    ),
    "why.grad_header": (
        "1. Gradient flow",
        "1. 梯度流",
    ),
    "why.grad_intro": (
        "Three toy networks with the same layers (BN-ReLU-3×3 conv, each emitting the same number of maps), differing only in how they connect: **dense** (each layer sees all earlier outputs, concatenated), **plain** (each sees only the previous output) and **residual** (each output is added to its input). At initialisation, on one batch of images, we backpropagate a loss and measure at every layer the gradient reaching its output and the gradient of its weights. Without batch norm and with PyTorch's default initialisation the plain network's gradient shrinks layer after layer on its way back to the input; the dense one keeps a direct path from every layer to the classifier.",
        "三个玩具网络使用完全相同的层（BN-ReLU-3×3 卷积，每层输出相同数量的特征图），只是连接方式不同：**稠密**（每层看到之前所有层的输出，拼接在一起）、**普通**（每层只看到上一层的输出）和**残差**（每层的输出加到它的输入上）。在初始化状态下，用一批图像反向传播一次损失，在每一层测量传到该层输出的梯度以及该层权重的梯度。没有批归一化、使用 PyTorch 默认初始化时，普通网络的梯度在传回输入的路上一层比一层小；稠密网络的每一层都有一条直达分类器的路径。",
    ),
    "why.grad_depth": (
        "Depth (layers)",
        "深度（层数）",
    ),
    "why.grad_width": (
        "Maps per layer (k)",
        "每层特征图数（k）",
    ),
    "why.grad_init": (
        "Initialisation",
        "初始化方式",
    ),
    "why.grad_init_default": (
        "PyTorch default",
        "PyTorch 默认",
    ),
    "why.grad_init_kaiming": (
        "Kaiming (He)",
        "Kaiming（He）",
    ),
    "why.grad_bn": (
        "Batch norm",
        "批归一化",
    ),
    "why.grad_run": (
        "Compute",
        "计算",
    ),
    "why.arch_dense": (
        "Dense (concatenation)",
        "稠密（拼接）",
    ),
    "why.arch_plain": (
        "Plain (no shortcuts)",
        "普通（无捷径）",
    ),
    "why.arch_residual": (
        "Residual (sums)",
        "残差（相加）",
    ),
    "why.grad_hover_layer": (
        "layer",
        "层",
    ),
    "why.grad_title": (
        "Gradient norm per layer at initialisation ({depth} layers, {width} maps each)",
        "初始化时每层的梯度范数（{depth} 层，每层 {width} 张特征图）",
    ),
    "why.grad_x": (
        "layer (1 = nearest the input)",
        "层（1 = 最靠近输入）",
    ),
    "why.grad_kind": (
        "Gradient with respect to",
        "梯度的对象",
    ),
    "why.grad_kind_outputs": (
        "each layer's output",
        "每层的输出",
    ),
    "why.grad_kind_weights": (
        "each layer's weights",
        "每层的权重",
    ),
    "why.grad_y_outputs": (
        "‖∂loss/∂(layer output)‖ (log scale)",
        "‖∂loss/∂（层输出）‖（对数坐标）",
    ),
    "why.grad_y_weights": (
        "‖∂loss/∂W‖ (log scale)",
        "‖∂loss/∂W‖（对数坐标）",
    ),
    "why.grad_first": (
        "{arch}: layer 1",
        "{arch}：第 1 层",
    ),
    "why.grad_first_help_outputs": (
        "Norm of the gradient that backpropagation delivers to the first layer's output: how much learning signal reaches the bottom of the network.",
        "反向传播送到第一层输出的梯度范数：有多少学习信号能到达网络的最底部。",
    ),
    "why.grad_first_help_weights": (
        "Norm of the gradient of the first layer's weights: the size of the update the first layer would get.",
        "第一层权重梯度的范数：第一层能得到多大的更新。",
    ),
    "why.grad_ratio": (
        "last layer {last} · {params} parameters",
        "最后一层 {last} · {params} 个参数",
    ),
    "why.grad_vanish": (
        "The first layer of the dense network receives a gradient {times}× larger than the plain network's.",
        "稠密网络第一层收到的梯度是普通网络的 {times} 倍。",
    ),
    "why.grad_vanish_zero": (
        "The plain network's first-layer gradient underflowed to exactly zero: nothing reaches it.",
        "普通网络第一层的梯度下溢成了 0：没有任何信号能传到那里。",
    ),
    "why.grad_no_vanish": (
        "With these settings the plain network's gradient does not vanish: try turning batch norm off, the default initialisation, or more depth.",
        "在当前设置下普通网络的梯度没有消失：试试关掉批归一化、使用默认初始化，或者加大深度。",
    ),
    "why.grad_note": (
        "Batch of {batch} images of {size}×{size}, the same for all three networks; computed on {device} in {seconds} s.",
        "三个网络使用同一批 {batch} 张 {size}×{size} 的图像；在 {device} 上计算，用时 {seconds} 秒。",
    ),
    "why.eff_header": (
        "2. Parameter efficiency",
        "2. 参数效率",
    ),
    "why.eff_intro": (
        "ImageNet top-1 accuracy against parameters and compute for torchvision's DenseNets, ResNets and VGG-16. Parameters and accuracy come from torchvision's own weight metadata (nothing is downloaded), and the parameters are also counted on the architectures torchvision builds. The star is the DenseNet in the sidebar; it moves as you change it.",
        "torchvision 中各个 DenseNet、ResNet 和 VGG-16 的 ImageNet top-1 准确率与参数量、计算量的关系。参数量和准确率取自 torchvision 自带的权重元数据（无需下载），参数量还在 torchvision 构建出的网络结构上重新数了一遍。星号是侧边栏里的 DenseNet，修改配置时它会跟着移动。",
    ),
    "why.eff_params_title": (
        "Top-1 vs parameters",
        "Top-1 与参数量",
    ),
    "why.eff_macs_title": (
        "Top-1 vs compute",
        "Top-1 与计算量",
    ),
    "why.eff_params_axis": (
        "parameters (millions, log)",
        "参数量（百万，对数）",
    ),
    "why.eff_macs_axis": (
        "GMACs per image (log)",
        "每张图像的 GMACs（对数）",
    ),
    "why.eff_top1_axis": (
        "ImageNet top-1 (%)",
        "ImageNet top-1（%）",
    ),
    "why.eff_ours": (
        "Your DenseNet ({title})",
        "你的 DenseNet（{title}）",
    ),
    "why.eff_ours_unknown": (
        "Your DenseNet (accuracy not measured)",
        "你的 DenseNet（未测准确率）",
    ),
    "why.eff_ours_caption": (
        "Your configuration is {title}: {params} parameters and {gmacs} GMACs from the plan, plotted at its published top-1 of {top1}%.",
        "你的配置就是 {title}：根据规划有 {params} 个参数、{gmacs} GMACs，画在它公开的 top-1 {top1}% 处。",
    ),
    "why.eff_ours_caption_unknown": (
        "Your configuration has {params} parameters and {gmacs} GMACs at {size}×{size} (from the plan). No ImageNet accuracy is published for it, so it is drawn as a dashed line at its size.",
        "你的配置在 {size}×{size} 输入下有 {params} 个参数、{gmacs} GMACs（来自规划）。它没有公开的 ImageNet 准确率，所以在它的规模处画一条虚线。",
    ),
    "why.col_model": (
        "model",
        "模型",
    ),
    "why.col_params_meta": (
        "params (torchvision metadata)",
        "参数量（torchvision 元数据）",
    ),
    "why.col_params_counted": (
        "params (counted on the built model)",
        "参数量（在构建的模型上计数）",
    ),
    "why.col_params_plan": (
        "params (our plan)",
        "参数量（我们的规划）",
    ),
    "why.col_gmacs_meta": (
        "GMACs (torchvision)",
        "GMACs（torchvision）",
    ),
    "why.col_gmacs_plan": (
        "GMACs (our plan)",
        "GMACs（我们的规划）",
    ),
    "why.col_top1": (
        "top-1 % (published)",
        "top-1 %（公开数据）",
    ),
    "why.eff_note": (
        "torchvision labels its compute figure GFLOPS, but it counts multiply-accumulates, the same unit as our plan; for the DenseNets both columns agree.",
        "torchvision 把它的计算量标成 GFLOPS，但实际统计的是乘加次数（MACs），与我们的规划单位相同；对各个 DenseNet 这两列完全一致。",
    ),
    "why.mem_header": (
        "3. The memory cost",
        "3. 内存代价",
    ),
    "why.mem_intro": (
        "Concatenation has a price: implemented naively, every dense layer copies all its inputs into a new tensor and keeps a normalised copy for backward, so activation memory grows quadratically with block depth. Below, the sidebar's DenseNet is made shallower and deeper (every block's layer count scaled) and the plan predicts the memory of a training step for naive storage and for shared buffers.",
        "拼接是有代价的：如果直接实现，每个稠密层都要把全部输入复制到一个新张量里，还要为反向传播保存一份归一化后的副本，所以激活内存随块的深度呈平方增长。下面把侧边栏的 DenseNet 变浅或变深（按比例缩放每个块的层数），由规划预测一次训练步的内存：分别按直接拼接和共享缓冲区两种方式计算。",
    ),
    "why.mem_batch": (
        "Batch size",
        "批大小",
    ),
    "why.mem_size": (
        "Input size for this chart",
        "本图使用的输入尺寸",
    ),
    "why.mem_bad_size": (
        "This input size does not fit the configuration: {reason}",
        "这个输入尺寸不适合当前配置：{reason}",
    ),
    "why.mem_measure_cpu": (
        "Measure on the CPU (bytes autograd saves)",
        "在 CPU 上测量（autograd 保存的字节数）",
    ),
    "why.mem_measure_gpu": (
        "Measure on the GPU (peak of a training step)",
        "在 GPU 上测量（训练一步的峰值）",
    ),
    "why.mem_title": (
        "Activation memory of a training step vs depth (batch {batch}, {size}×{size}, float32)",
        "一次训练步的激活内存与深度（批大小 {batch}，{size}×{size}，float32）",
    ),
    "why.mem_x": (
        "depth L",
        "深度 L",
    ),
    "why.mem_y": (
        "activation memory (MiB)",
        "激活内存（MiB）",
    ),
    "why.mem_naive": (
        "plan: naive concatenation",
        "规划：直接拼接",
    ),
    "why.mem_shared": (
        "plan: shared buffers + recomputation",
        "规划：共享缓冲区 + 重新计算",
    ),
    "why.mem_measured_naive": (
        "measured: standard model",
        "实测：标准模型",
    ),
    "why.mem_measured_shared": (
        "measured: memory-efficient model",
        "实测：省内存模型",
    ),
    "why.mem_plan_naive": (
        "Plan, naive (this depth)",
        "规划，直接拼接（当前深度）",
    ),
    "why.mem_plan_shared": (
        "Plan, shared (this depth)",
        "规划，共享缓冲区（当前深度）",
    ),
    "why.mem_saving": (
        "Saving",
        "节省",
    ),
    "why.mem_method_saved_tensors": (
        "the bytes autograd saves for backward after a training forward pass (each storage counted once, weights excluded)",
        "一次训练前向传播后 autograd 为反向传播保存的字节数（每块存储只计一次，不含权重）",
    ),
    "why.mem_method_cuda_peak": (
        "the peak GPU memory allocated during a training step (forward and backward)",
        "一次训练步（前向加反向）中 GPU 分配内存的峰值",
    ),
    "why.col_depth": (
        "depth L",
        "深度 L",
    ),
    "why.col_blocks": (
        "layers per block",
        "每块层数",
    ),
    "why.col_measured_naive": (
        "measured, standard",
        "实测，标准",
    ),
    "why.col_plan_naive": (
        "plan, naive",
        "规划，直接拼接",
    ),
    "why.col_measured_shared": (
        "measured, memory-efficient",
        "实测，省内存",
    ),
    "why.col_plan_shared": (
        "plan, shared",
        "规划，共享",
    ),
    "why.mem_measured_note": (
        "Measured as {method}, on {device}, in {seconds} s. On a CPU only the shallower configurations are measured, to keep it fast; left out over the compute budget: {skipped}.",
        "测量的是{method}，在 {device} 上，用时 {seconds} 秒。为了保持速度，在 CPU 上只测量较浅的配置；因超出计算预算而略去：{skipped} 个。",
    ),
    "why.mem_bn_batch": (
        "Batch norm in training mode needs more than one value per channel, and the last feature map is 1×1 here: use a batch of at least 2 (or a larger input) to measure.",
        "训练模式下的批归一化要求每个通道有不止一个数值，而这里最后的特征图只有 1×1：请把批大小设为至少 2（或使用更大的输入）再测量。",
    ),
    "why.mem_measure_hint": (
        "Press the button to measure real models beside the plan's prediction.",
        "点击按钮，在规划的预测旁边测量真实模型。",
    ),
    "why.mem_pleiss": (
        "Memory-efficient DenseNets (Pleiss et al., 2017) fix this by writing every concatenation and its batch-norm output into memory buffers shared by all layers, and recomputing them during the backward pass, so feature-map memory grows linearly instead of quadratically with depth, for a little extra computation.",
        "省内存的 DenseNet（Pleiss 等，2017）的解决办法是：把每次拼接及其批归一化的输出写进所有层共用的内存缓冲区，在反向传播时再重新计算，这样特征图内存随深度线性增长而不是平方增长，只需多付出一点计算量。",
    ),
}
