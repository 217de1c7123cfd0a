"""The Explain page (and the "none of these" rule, also shown on Follow a flower)."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "explain.title": (
        "Explain a prediction",
        "解释预测",
    ),
    "explain.intro": (
        "Upload flower photos, or pick a built-in example. The model says which of its {n} flowers ({names}) it sees, and **Grad-CAM** shows where it looked: each channel of a layer is weighted by how much the class score rises when that channel grows (the mean of its gradient), the weighted channels are summed, and only positive evidence is kept.",
        "上传花卉照片，或选择一张内置示例。模型会给出它认识的 {n} 种花（{names}）中最可能的一种，**Grad-CAM** 则显示它看的是哪里：先按“该通道增大时类别得分上升多少”（梯度的平均值）给某层的每个通道加权，再把加权后的通道相加，只保留正向证据。",
    ),
    "explain.model": (
        "Model",
        "模型",
    ),
    "explain.model_help": (
        "Every model file with a card in assets/models/: the shipped one, or one you trained with `python -m densenet_viz train`.",
        "assets/models/ 中每个带模型卡的模型文件：随附的模型，或你用 `python -m densenet_viz train` 训练的模型。",
    ),
    "explain.model_info": (
        "{name}: {classes}; input {size}×{size} pixels; test-time flip {flip}.",
        "{name}：{classes}；输入 {size}×{size} 像素；测试时翻转：{flip}。",
    ),
    "explain.flip_on": (
        "on (the photo and its mirror image are averaged)",
        "开启（对照片与其镜像的结果取平均）",
    ),
    "explain.flip_off": (
        "off",
        "关闭",
    ),
    "explain.model_error": (
        "This model cannot be used: {reason}",
        "无法使用此模型：{reason}",
    ),
    "explain.source": (
        "Photos",
        "照片",
    ),
    "explain.source_upload": (
        "Upload photos",
        "上传照片",
    ),
    "explain.source_camera": (
        "Camera",
        "相机",
    ),
    "explain.camera": (
        "Take a photo of a flower",
        "给一朵花拍张照片",
    ),
    "explain.camera_name": (
        "camera photo",
        "相机照片",
    ),
    "explain.source_examples": (
        "Built-in examples",
        "内置示例",
    ),
    # Streamlit draws the uploader's and camera's own buttons in English and offers no way to translate them
    # (streamlit/streamlit#13500): the help says what they mean.
    "explain.uploader_help": (
        "Drop photos on the box, or press “Browse files” to choose them.",
        "把照片拖到框里，或按 “Browse files”（浏览文件）选择照片。框里的英文是 Streamlit 自带的文字，暂时无法翻译。",
    ),
    "explain.camera_help": (
        "Press “Take Photo” to take the picture, “Clear photo” to take another.",
        "按 “Take Photo”（拍照）拍照，按 “Clear photo”（清除照片）重拍。这两个英文按钮是 Streamlit 自带的，暂时无法翻译。",
    ),
    "explain.uploader": (
        "JPEG, PNG, WebP or BMP photos (you can drop several at once)",
        "JPEG、PNG、WebP 或 BMP 照片（可一次拖入多张）",
    ),
    "explain.examples": (
        "Examples",
        "示例",
    ),
    "explain.moved_session": (
        "The server you were using stopped, and this page was moved to another one: the photos you gave it "
        "are not here any more. Please upload them (or take the photo) again.",
        "你刚才使用的服务器已停止，本页面已转到另一台服务器：你之前提供的照片不在这里了。请重新上传（或重新拍摄）。",
    ),
    "explain.no_examples": (
        "No example images were found in assets/examples/.",
        "在 assets/examples/ 中没有找到示例图片。",
    ),
    "explain.no_input": (
        "Upload a photo or pick an example to start.",
        "上传一张照片或选择一个示例即可开始。",
    ),
    "explain.layer": (
        "Grad-CAM layer",
        "Grad-CAM 所用的层",
    ),
    "explain.layer_help": (
        "Early layers see small details at high resolution; the last layers see whole objects on a coarse grid.",
        "浅层以高分辨率看细节；最后几层在粗糙的网格上看整个物体。",
    ),
    "explain.layer_block": (
        "Block {b} output",
        "第 {b} 个稠密块的输出",
    ),
    "explain.layer_transition": (
        "Transition {b} output",
        "第 {b} 个过渡层的输出",
    ),
    "explain.layer_norm5": (
        "Final batch norm (norm5)",
        "最终批归一化（norm5）",
    ),
    "explain.layer_final_relu": (
        "Final ReLU (what the classifier pools)",
        "最终 ReLU（分类器对它做池化）",
    ),
    "explain.target": (
        "Explain the class",
        "要解释的类别",
    ),
    "explain.target_predicted": (
        "the predicted class",
        "预测出的类别",
    ),
    "explain.opacity": (
        "Heat-map opacity",
        "热力图不透明度",
    ),
    "explain.colormap": (
        "Colour scale",
        "色标",
    ),
    "explain.colorbar": (
        "low ← model attention → high",
        "低 ← 模型关注度 → 高",
    ),
    "explain.extras": (
        "Compare with Guided Grad-CAM, Integrated Gradients and Occlusion (slower)",
        "与 Guided Grad-CAM、积分梯度和遮挡法对比（较慢）",
    ),
    "explain.faithfulness": (
        "Faithfulness check: deletion curve (slower)",
        "可信度检验：删除曲线（较慢）",
    ),
    "explain.progress": (
        "Explaining photo {i} of {n}…",
        "正在解释第 {i} 张，共 {n} 张……",
    ),
    "explain.progress_done": (
        "Explained {n} photo(s).",
        "已解释 {n} 张照片。",
    ),
    "explain.progress_done_refused": (
        "Explained {n} photo(s); {refused} could not be used.",
        "已解释 {n} 张照片；{refused} 张无法使用。",
    ),
    "explain.bad_file": (
        "{name} cannot be used: {reason}",
        "无法使用 {name}：{reason}",
    ),
    "explain.prediction": (
        "Prediction: **{cls}** ({prob})",
        "预测：**{cls}**（{prob}）",
    ),
    "explain.none_of_these": (
        "**Probably none of my {n} flowers.** No class reaches {threshold} (the best is {prob}). This model only knows {names}; for anything else its answer means little.",
        "**可能不是我认识的 {n} 种花之一。** 没有任何类别达到 {threshold}（最高为 {prob}）。本模型只认识 {names}；对其他东西，它的回答没有多大意义。",
    ),
    "explain.rule": (
        "Rule: when the top probability is below {threshold}, the app says \"probably none of my {n} flowers\". The threshold was chosen on validation photos of these flowers and of {other} other species.",
        "规则：当最高概率低于 {threshold} 时，应用会说“可能不是我认识的 {n} 种花之一”。这个阈值是在这几种花以及另外 {other} 种花的验证照片上选定的。",
    ),
    "explain.rule_default": (
        "Rule: when the top probability is below {threshold}, the app says \"probably none of my {n} flowers\". This threshold is a default, not measured for this model.",
        "规则：当最高概率低于 {threshold} 时，应用会说“可能不是我认识的 {n} 种花之一”。这个阈值是默认值，并未针对本模型测定。",
    ),
    "explain.calibrated": (
        "Probabilities are calibrated (temperature {temperature}, fitted on validation photos).",
        "概率已经校准（温度 {temperature}，在验证照片上拟合）。",
    ),
    "explain.top5": (
        "Top-5 classes",
        "前 5 个类别",
    ),
    "explain.probability": (
        "probability",
        "概率",
    ),
    "explain.photo": (
        "What the model sees (centre crop)",
        "模型看到的画面（中心裁剪）",
    ),
    "explain.overlay": (
        "Grad-CAM for “{cls}” at {layer}: a {h}×{w} map, upsampled",
        "“{cls}”在 {layer} 的 Grad-CAM：{h}×{w} 的图，已上采样",
    ),
    "explain.download_png": (
        "Overlay (PNG)",
        "叠加图（PNG）",
    ),
    "explain.download_npy": (
        "Raw CAM (.npy)",
        "原始 CAM（.npy）",
    ),
    "explain.strip_title": (
        "Grad-CAM at the end of every dense block",
        "每个稠密块末端的 Grad-CAM",
    ),
    "explain.strip_caption": (
        "Each transition halves the feature map ({sizes}), so the maps get coarser with depth while their channels describe larger, more abstract parts of the flower.",
        "每个过渡层都把特征图缩小一半（{sizes}），所以越深的图越粗糙，而它们的通道描述的是花朵更大、更抽象的部分。",
    ),
    "explain.extras_title": (
        "Other attribution methods (Captum), for the same class",
        "其他归因方法（Captum），针对同一类别",
    ),
    "explain.method_gradcam": (
        "Grad-CAM",
        "Grad-CAM",
    ),
    "explain.method_guided_gradcam": (
        "Guided Grad-CAM",
        "Guided Grad-CAM",
    ),
    "explain.method_integrated_gradients": (
        "Integrated Gradients ({steps} steps)",
        "积分梯度（{steps} 步）",
    ),
    "explain.method_occlusion": (
        "Occlusion ({win}×{win} window)",
        "遮挡法（{win}×{win} 窗口）",
    ),
    "explain.deletion_title": (
        "Deletion curve: the probability of “{cls}” as the most important pixels are blurred away",
        "删除曲线：把最重要的像素逐步模糊掉时，“{cls}”的概率如何变化",
    ),
    "explain.deletion_x": (
        "pixels removed",
        "已移除的像素",
    ),
    "explain.deletion_y": (
        "probability",
        "概率",
    ),
    "explain.deletion_random": (
        "random map",
        "随机图",
    ),
    "explain.deletion_good": (
        "Grad-CAM's area under the curve ({auc}) is lower than the random map's ({rand}): blurring the pixels it points at hurts the prediction sooner, so on this photo the map is faithful to the model.",
        "Grad-CAM 曲线下面积（{auc}）低于随机图（{rand}）：模糊它所指的像素会更快地破坏预测，说明在这张照片上该图忠实地反映了模型。",
    ),
    "explain.deletion_bad": (
        "Grad-CAM's area under the curve ({auc}) is not lower than the random map's ({rand}): on this photo the map does not single out the pixels the model relies on.",
        "Grad-CAM 曲线下面积（{auc}）并不低于随机图（{rand}）：在这张照片上，该图没能找出模型真正依赖的像素。",
    ),
    "explain.how_title": (
        "How is this computed?",
        "这些是怎么算出来的？",
    ),
    "explain.how": (
        "One forward pass gives the prediction and keeps the output of every layer you can pick; one backward pass from the class score gives all their gradients at once, so every Grad-CAM on this page costs a single forward and backward pass. Each map is divided by its own maximum for display (the raw values are in the .npy download). When the highest probability is below {threshold}, the photo is probably none of the flowers this model knows.",
        "一次前向传播给出预测，并保留所有可选层的输出；从类别得分出发的一次反向传播同时得到它们的全部梯度，所以本页的每张 Grad-CAM 只需一次前向和一次反向传播。显示时每张图都除以自身的最大值（原始数值见 .npy 下载）。最高概率低于 {threshold} 时，这张照片很可能不是本模型认识的花。",
    ),
    "occ.title": (
        "Cover part of the photo",
        "遮住照片的一部分",
    ),
    "occ.intro": (
        "Click the photo to put a grey square there and see what the model says without that part: the probabilities, where it looks now, and how far its answer dropped. Try covering the flower's centre, then a corner of the background.",
        "点击照片，在那里放一个灰色方块，看看模型看不到这部分时会怎么说：各类概率、它现在看哪里，以及它的答案下降了多少。试着遮住花心，再遮住背景的一个角。",
    ),
    "occ.size": (
        "Square size (pixels of the model's input)",
        "方块大小（模型输入的像素）",
    ),
    "occ.centre": (
        "Hide the centre",
        "遮住中心",
    ),
    "occ.clear": (
        "Remove the square",
        "移除方块",
    ),
    "occ.left": (
        "← Move left",
        "← 左移",
    ),
    "occ.up": (
        "↑ Move up",
        "↑ 上移",
    ),
    "occ.right": (
        "→ Move right",
        "→ 右移",
    ),
    "occ.down": (
        "↓ Move down",
        "↓ 下移",
    ),
    "occ.sweep": (
        "Sweep the whole photo",
        "扫过整张照片",
    ),
    "occ.hint": (
        "Click the photo (or press “Hide the centre”): the model's answer for the covered photo appears here.",
        "点击照片（或按“遮住中心”）：被遮住后的照片的模型回答会显示在这里。",
    ),
    "occ.click": (
        "Click to place the square",
        "点击放置方块",
    ),
    "occ.which": (
        "Photo for the playground",
        "用于遮挡实验的照片",
    ),
    "occ.before": (
        "whole photo",
        "完整照片",
    ),
    "occ.after": (
        "with the square",
        "加上方块后",
    ),
    "occ.cam": (
        "Grad-CAM for “{cls}” with the square",
        "加上方块后“{cls}”的 Grad-CAM",
    ),
    "occ.drop": (
        "Probability of “{cls}” with the square (change from the whole photo)",
        "加上方块后“{cls}”的概率（与完整照片相比的变化）",
    ),
    "occ.sensitivity": (
        "Occlusion sensitivity: how much the answer drops when a {size}×{size} square covers each place",
        "遮挡敏感度：{size}×{size} 的方块遮住每个位置时答案下降多少",
    ),
    "occ.gradcam": (
        "Grad-CAM of the whole photo",
        "完整照片的 Grad-CAM",
    ),
    "occ.sweep_caption": (
        "Two ways to ask where the evidence is: the sweep measures it by hiding each place in turn (many forward passes, batched); Grad-CAM reads it from one backward pass. Where they agree, trust them more.",
        "这是两种寻找证据所在位置的方法：扫描法轮流遮住每个位置来测量（很多次前向传播，分批进行）；Grad-CAM 则从一次反向传播中读出。两者一致的地方更可信。",
    ),
    # --- built-in examples (labels and credits) and "Where the model goes wrong" (ui/mistakes_view.py)
    "explain.example_photo": (
        "Photo: {cls} ({i})",
        "照片：{cls}（{i}）",
    ),
    "explain.example_out_of_set": (
        "Photo: {what}, not one of the five",
        "照片：{what}，不属于这五种花",
    ),
    "explain.example_drawing": (
        "Drawing, not a photo: {cls}",
        "手绘图，不是照片：{cls}",
    ),
    "explain.credit": (
        "Photo by {author}, [{licence}]({licence_url}), [source]({source_url}), {changes}.",
        "照片作者：{author}，[{licence}]({licence_url})，[来源]({source_url})，{changes}。",
    ),
    "explain.credit_resized": (
        "resized",
        "已缩小",
    ),
    "explain.credit_unchanged": (
        "unchanged",
        "未作修改",
    ),
    "explain.credit_out_of_set": (
        "A dahlia is **not** one of the model's flowers, yet a five-way classifier must still pick one of its five: look at how sure it is, and whether the “none of these” rule catches it.",
        "大丽花**不**属于模型认识的花，可是五分类模型仍然必须从五种里选一个：看看它有多确定，以及“都不是”规则能否识别出来。",
    ),
    "explain.credit_drawing": (
        "A drawing made for this project, not a photo: it only looks roughly like {cls}, so the model may not recognise it.",
        "这是为本项目画的图，不是照片：它只是大致像 {cls}，模型未必认得出来。",
    ),
    "mistakes.title": (
        "Where the model goes wrong",
        "模型在哪里出错",
    ),
    "mistakes.intro": (
        "On the {n} test photos, never used for training or for any choice, the shipped model is right {top1} of the time and wrong on {wrong}. The matrix sorts every test photo by its true class (row) and the model's answer (column): the diagonal is right, every other cell is a mistake.",
        "在 {n} 张测试照片上（它们从未用于训练或任何选择），随附模型的正确率为 {top1}，答错 {wrong} 张。矩阵按真实类别（行）和模型的回答（列）给每张测试照片归类：对角线上是答对的，其他格子都是错误。",
    ),
    "mistakes.card_differs": (
        "The model card reports a test accuracy of {card}; the figures here were recomputed by scripts/precompute_mistakes.py.",
        "模型卡给出的测试正确率为 {card}；此处的数字由 scripts/precompute_mistakes.py 重新计算。",
    ),
    "mistakes.matrix_title": (
        "Test confusion matrix (colour: share of the row)",
        "测试集混淆矩阵（颜色：占该行的比例）",
    ),
    "mistakes.true": (
        "true class",
        "真实类别",
    ),
    "mistakes.predicted": (
        "predicted class",
        "预测类别",
    ),
    "mistakes.hover": (
        "true {true}, predicted {pred}: {count} photos ({share} of the row)",
        "真实 {true}，预测 {pred}：{count} 张（占该行 {share}）",
    ),
    "mistakes.pair": (
        "{true} taken for {pred} ({count})",
        "{true} 被认成 {pred}（{count} 张）",
    ),
    "mistakes.pair_separator": (
        ", ",
        "，",
    ),
    "mistakes.bias": (
        "**A model learns what its training photos show, nothing more.** It was never told what a rose is: it saw a few hundred photos of each flower and kept whatever told them apart in those photos, such as colour, shape, background and how close the camera was. Its most frequent mistakes are {pairs}. Red and pink flowers are mostly roses and tulips in its training photos, so colour alone cannot separate them; where the map below lights up the colour rather than the shape of the petals, that is what happened. A photo unlike its training photos (a bouquet, a single petal, a flower far away, a rare colour) gets a confident guess all the same: the data set decides what the model can see.",
        "**模型只能学到训练照片里有的东西。** 从来没有人告诉它玫瑰是什么：它只是看了每种花几百张照片，记住了在这些照片里能把它们区分开的特征，比如颜色、形状、背景、拍得多近。它最常见的错误是：{pairs}。在它的训练照片中，红色和粉色的花大多是玫瑰和郁金香，所以单靠颜色分不开它们；如果下面的热力图亮在颜色上而不是花瓣的形状上，就是这种情况。一张与训练照片不同的照片（一束花、一片花瓣、远处的一朵花、少见的颜色）照样会得到一个很有把握的猜测：数据集决定了模型能看见什么。",
    ),
    "mistakes.gallery": (
        "All {shown} misclassified test photos: each photo, then where the model found evidence for its wrong answer (Grad-CAM, {layer}).",
        "全部 {shown} 张被分错的测试照片：先是照片，然后是模型为它的错误答案找到证据的位置（Grad-CAM，{layer}）。",
    ),
    "mistakes.gallery_sample": (
        "{shown} of the {wrong} misclassified test photos (a seeded random sample): each photo, then where the model found evidence for its wrong answer (Grad-CAM, {layer}).",
        "{wrong} 张被分错的测试照片中的 {shown} 张（固定随机种子抽样）：先是照片，然后是模型为它的错误答案找到证据的位置（Grad-CAM，{layer}）。",
    ),
    "mistakes.item": (
        "true **{true}**, predicted **{pred}** ({prob})",
        "真实 **{true}**，预测 **{pred}**（{prob}）",
    ),
    "mistakes.missing": (
        "The precomputed mistakes are missing (assets/mistakes/): run scripts/precompute_mistakes.py to make them.",
        "缺少预先计算的错误样本（assets/mistakes/）：运行 scripts/precompute_mistakes.py 生成。",
    ),
    "alt.map": (
        "{what}: most weight {where} ({share} of it)",
        "{what}：权重最集中在{where}（占 {share}）",
    ),
    "alt.region.top_left": ("in the upper left", "左上方"),
    "alt.region.top": ("at the top", "上方"),
    "alt.region.top_right": ("in the upper right", "右上方"),
    "alt.region.left": ("on the left", "左侧"),
    "alt.region.centre": ("in the centre", "中央"),
    "alt.region.right": ("on the right", "右侧"),
    "alt.region.bottom_left": ("in the lower left", "左下方"),
    "alt.region.bottom": ("at the bottom", "下方"),
    "alt.region.bottom_right": ("in the lower right", "右下方"),
    "alt.photo": (
        "The photo {name}, cropped as the model sees it",
        "照片 {name}，按模型看到的方式裁剪",
    ),
    "alt.colorbar": (
        "Colour scale of the map, from low weight (left) to high weight (right)",
        "热力图的颜色刻度，从低权重（左）到高权重（右）",
    ),
    "alt.mistake_photo": (
        "Test photo of {true}, which the model called {pred}",
        "一张{true}的测试照片，模型把它认作{pred}",
    ),
    "alt.mistake_cam": (
        "Grad-CAM of the same photo for {pred}",
        "同一张照片针对{pred}的 Grad-CAM",
    ),
    "alt.covered": (
        "The photo with a grey {size}-pixel square centred at ({cx}, {cy}), and its Grad-CAM for {cls}",
        "在 ({cx}, {cy}) 处盖上 {size} 像素灰色方块的照片，以及它针对{cls}的 Grad-CAM",
    ),
}
