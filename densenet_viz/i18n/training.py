"""The Train-it-live page."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "live.title": (
        "Train it live",
        "现场训练",
    ),
    "live.intro": (
        "Train the DenseNet from the sidebar right here, on a thousand small flower photos ({size}×{size} crops), and watch it learn: the loss falls, the accuracy on photos it never trained on rises above chance. Pick a comparison to train a second network that differs in one thing, on the same photos with the same seed.",
        "就在这里训练侧边栏中的 DenseNet：用一千张小花卉照片（{size}×{size} 裁剪），看它学习——损失下降，在从未训练过的照片上的准确率超过随机猜测。选择一个对比项，用相同的照片和相同的随机种子训练只有一处不同的第二个网络。",
    ),
    "live.no_data": (
        "The thumbnail pack (assets/thumbnails) is missing: run scripts/make_thumbnails.py.",
        "缺少缩略图数据包（assets/thumbnails）：请运行 scripts/make_thumbnails.py。",
    ),
    "live.data": (
        "Data: {train} training and {val} validation photos of {classes}, shipped with the app (CC BY 2.0, see assets/thumbnails). Device: {device}.",
        "数据：{classes} 的 {train} 张训练照片和 {val} 张验证照片，随应用提供（CC BY 2.0，见 assets/thumbnails）。设备：{device}。",
    ),
    "live.compare": (
        "Compare with",
        "对比",
    ),
    "live.compare_none": (
        "nothing (train one network)",
        "不对比（只训练一个网络）",
    ),
    "live.compare_k12": (
        "the same with growth rate k = 12",
        "同样的网络，增长率 k = 12",
    ),
    "live.compare_k32": (
        "the same with growth rate k = 32",
        "同样的网络，增长率 k = 32",
    ),
    "live.compare_bottleneck_off": (
        "the same without bottlenecks",
        "同样的网络，不用瓶颈层",
    ),
    "live.compare_bottleneck_on": (
        "the same with bottlenecks (4k)",
        "同样的网络，使用瓶颈层（4k）",
    ),
    "live.compare_theta1": (
        "the same without compression (θ = 1)",
        "同样的网络，不压缩（θ = 1）",
    ),
    "live.compare_theta05": (
        "the same with compression θ = 0.5",
        "同样的网络，压缩系数 θ = 0.5",
    ),
    "live.compare_fewer_blocks": (
        "the same with one dense block fewer",
        "同样的网络，少一个稠密块",
    ),
    "live.compare_same": (
        "That comparison would train the same network (or one that cannot be built); training one network.",
        "这个对比会训练同一个网络（或无法构建的网络），所以只训练一个网络。",
    ),
    "live.epochs": (
        "Epochs",
        "训练轮数",
    ),
    "live.epochs_help": (
        "Passes over the training photos. On a 2-core CPU server, one epoch of DenseNet-121 on these 1,000 photos at 64 px took 9 s; a DenseNet-BC with k=12 took 4 s.",
        "遍历训练照片的次数。在一台双核 CPU 服务器上，DenseNet-121 在这 1,000 张 64 像素照片上训练一轮用时 9 秒；k=12 的 DenseNet-BC 用时 4 秒。",
    ),
    "live.seed": (
        "Random seed",
        "随机种子",
    ),
    "live.start": (
        "▶ Train",
        "▶ 开始训练",
    ),
    "live.stop": (
        "■ Stop",
        "■ 停止",
    ),
    "live.run_label": (
        "k={k}, blocks {blocks}, bottleneck {bn}, θ={theta}",
        "k={k}，块 {blocks}，瓶颈 {bn}，θ={theta}",
    ),
    "live.state_queued": (
        "{label}: waiting for the trainer ({running} job(s) running now, {waiting} waiting ahead of yours)…",
        "{label}：正在等待训练器（正在运行 {running} 个任务，你前面还有 {waiting} 个在排队）……",
    ),
    "live.state_next": (
        "{label}: waiting, next for the trainer…",
        "{label}：正在等待，下一个就轮到它训练……",
    ),
    "live.state_running": (
        "{label}: training…",
        "{label}：正在训练……",
    ),
    "live.state_done": (
        "{label}: done",
        "{label}：完成",
    ),
    "live.state_stopped": (
        "{label}: stopped",
        "{label}：已停止",
    ),
    "live.state_failed": (
        "{label}: failed",
        "{label}：失败",
    ),
    "live.short_queued": (
        "waiting",
        "等待中",
    ),
    "live.short_running": (
        "training",
        "训练中",
    ),
    "live.short_done": (
        "done",
        "完成",
    ),
    "live.short_stopped": (
        "stopped",
        "已停止",
    ),
    "live.short_failed": (
        "failed",
        "失败",
    ),
    "live.loss": (
        "Training loss",
        "训练损失",
    ),
    "live.accuracy": (
        "Accuracy",
        "准确率",
    ),
    "live.epoch": (
        "epoch",
        "轮",
    ),
    "live.train": (
        "training (running average)",
        "训练（滑动平均）",
    ),
    "live.val": (
        "validation",
        "验证",
    ),
    "live.chance": (
        "chance",
        "随机猜测",
    ),
    "live.col_config": (
        "Configuration",
        "配置",
    ),
    "live.col_params": (
        "Parameters",
        "参数量",
    ),
    "live.col_epoch_time": (
        "Time per epoch",
        "每轮用时",
    ),
    "live.col_val": (
        "Validation accuracy",
        "验证准确率",
    ),
    "live.col_state": (
        "State",
        "状态",
    ),
    "live.shared": (
        "Runs are shared: anyone who starts the same configurations with the same epochs and seed sees the same run, computed once. Stop ends only your part: a shared run goes on while someone else still watches it. Training jobs queue one at a time and never slow down explanations.",
        "训练是共享的：任何人用相同的配置、轮数和随机种子开始训练，看到的都是同一次只计算一次的训练。“停止”只结束你自己的部分：只要还有别人在看，共享的训练就会继续。训练任务逐个排队，不会拖慢解释预测。",
    ),
    "live.noise": (
        "Measure run-to-run noise",
        "测量训练间的随机波动",
    ),
    "live.noise_help": (
        "Adds one run: the first configuration again with seed + 1, through the same queue. How far the two seeds end apart is the noise; a lead smaller than that could be chance.",
        "增加一次训练：用随机种子 + 1 再训练一次第一个配置，同样排队。两个种子的结果相差多少就是随机波动；小于它的领先可能只是偶然。",
    ),
    "live.col_run": (
        "Run",
        "名称",
    ),
    "live.short_name": (
        "{letter}: {what}",
        "{letter}：{what}",
    ),
    "live.name_sep": (
        ", ",
        "，",
    ),
    "live.name_blocks": (
        "blocks {blocks}",
        "块 {blocks}",
    ),
    "live.name_bn": (
        "bottleneck {bn}",
        "瓶颈 {bn}",
    ),
    "live.name_seed": (
        "seed {seed}",
        "种子 {seed}",
    ),
    "live.conclusion": (
        "Conclusion",
        "结论",
    ),
    "live.verdict_one": (
        "**{name}** reached {acc} validation accuracy with {params} parameters and {time} s per epoch.",
        "**{name}** 的验证准确率为 {acc}，参数量 {params}，每轮 {time} 秒。",
    ),
    "live.verdict_win": (
        "**{name}** won: {acc} validation accuracy with {params} parameters and {time} s per epoch, {gap} percentage points ahead of {name2} ({acc2} with {params2} parameters and {time2} s per epoch).",
        "**{name}** 胜出：验证准确率 {acc}，参数量 {params}，每轮 {time} 秒，比 {name2}（准确率 {acc2}，参数量 {params2}，每轮 {time2} 秒）高 {gap} 个百分点。",
    ),
    "live.verdict_tie": (
        "**{name}** and **{name2}** tie at {acc} validation accuracy: {name} with {params} parameters and {time} s per epoch, {name2} with {params2} parameters and {time2} s per epoch.",
        "**{name}** 与 **{name2}** 打平，验证准确率都是 {acc}：{name} 有 {params} 个参数、每轮 {time} 秒，{name2} 有 {params2} 个参数、每轮 {time2} 秒。",
    ),
    "live.verdict_run_state": (
        "{name} ({state})",
        "{name}（{state}）",
    ),
    "live.verdict_unfinished": (
        "No conclusion: {runs} did not train to the end. Train again to compare.",
        "无法得出结论：{runs}没有训练到最后。请重新训练再比较。",
    ),
    "live.noise_unknown": (
        "The run-to-run noise is unknown: tick “{option}” to train {name} a second time with another seed and see how far the same network lands apart by chance alone.",
        "训练之间的随机波动未知：勾选“{option}”，用另一个随机种子再训练一次 {name}，看看同一个网络仅因随机性会相差多少。",
    ),
    "live.noise_unfinished": (
        "The run-to-run noise is unknown: the repeat {name} did not train to the end ({state}).",
        "训练之间的随机波动未知：重复训练的 {name} 没有训练到最后（{state}）。",
    ),
    "live.noise_only": (
        "Run-to-run noise: {name} trained with seeds {seed} and {seed2} ended {noise} percentage points apart.",
        "训练之间的随机波动：{name} 分别用随机种子 {seed} 和 {seed2} 训练，结果相差 {noise} 个百分点。",
    ),
    "live.noise_larger": (
        "The lead is larger than the run-to-run noise ({name} with seeds {seed} and {seed2} ended {noise} percentage points apart), so it is probably more than chance; one repeat is only a rough measure of the noise.",
        "领先幅度大于训练之间的随机波动（{name} 用随机种子 {seed} 和 {seed2} 训练，结果相差 {noise} 个百分点），因此很可能不只是偶然；不过只重复一次只能粗略估计随机波动。",
    ),
    "live.noise_smaller": (
        "The lead is not larger than the run-to-run noise ({name} with seeds {seed} and {seed2} ended {noise} percentage points apart), so these runs cannot tell the two configurations apart: the difference could be chance.",
        "领先幅度不大于训练之间的随机波动（{name} 用随机种子 {seed} 和 {seed2} 训练，结果相差 {noise} 个百分点），所以这几次训练无法区分这两个配置：差异可能只是偶然。",
    ),
}
