"""User-facing errors by code (``errors.UserError``). Chinese may leave out ``{detail}``: it is English technical text."""

STRINGS: dict[str, tuple[str, str]] = {  # key: (English, 简体中文)
    "error.unexpected": (
        "Something went wrong on our side ({kind}); the problem was logged.",
        "我们这边出了问题（{kind}），已记录在日志中。",
    ),
    "error.config.int_range": (
        "{field} = {value} is not allowed: a whole number from {lo} to {hi}",
        "{field} = {value} 不允许：需要 {lo} 到 {hi} 之间的整数",
    ),
    "error.config.float_range": (
        "{field} = {value} is not allowed: a number from {lo} to {hi}",
        "{field} = {value} 不允许：需要 {lo} 到 {hi} 之间的数",
    ),
    "error.config.choice": (
        "{field} = {value} is not allowed: one of {choices}",
        "{field} = {value} 不允许：只能是 {choices} 之一",
    ),
    "error.config.bool": (
        "{field} = {value} is not allowed: on or off",
        "{field} = {value} 不允许：只能是开或关",
    ),
    "error.config.block_count": (
        "{field} = {value} is not allowed: 1 to {hi} dense blocks",
        "{field} = {value} 不允许：需要 1 到 {hi} 个稠密块",
    ),
    "error.config.block_layers": (
        "{field} = {value} is not allowed: each block has 1 to {hi} layers",
        "{field} = {value} 不允许：每个块需要 1 到 {hi} 层",
    ),
    "error.config.parse_int": (
        "{field}: {value} is not a whole number",
        "{field}：{value} 不是整数",
    ),
    "error.config.parse_float": (
        "{field}: {value} is not a number",
        "{field}：{value} 不是数字",
    ),
    "error.config.parse_bool": (
        "{field}: {value} is not on/off (1/0)",
        "{field}：{value} 不是开/关（1/0）",
    ),
    "error.config.parse_blocks": (
        "{field}: {value} is not a list of positive whole numbers such as 6,12,24,16",
        "{field}：{value} 不是正整数列表（例如 6,12,24,16）",
    ),
    "error.config.parse_choice": (
        "{field}: {value} is not one of the choices",
        "{field}：{value} 不在可选项中",
    ),
    "error.config.input_too_small": (
        "{field} = {value} is too small: at least {need} for {blocks} blocks with the {stem} stem (each transition halves the feature map, which must stay at least 1×1)",
        "{field} = {value} 太小：{blocks} 个块、{stem}主干至少需要 {need}（每个过渡层把特征图减半，而特征图至少要保持 1×1）",
    ),
    "error.config.unknown_field": (
        "{field} is not a configuration field; the fields are {names}",
        "{field} 不是配置字段；配置字段有 {names}",
    ),
    "error.config.ramp_order": (
        "{field} = {value} is not allowed: it must not come before ramp_start",
        "{field} = {value} 不允许：不能早于 ramp_start",
    ),
    "error.config.outliers_need_source": (
        "{field} = {value} is not allowed: outliers need ood_data or synthetic_share above 0",
        "{field} = {value} 不允许：离群样本需要 ood_data，或 synthetic_share 大于 0",
    ),
    "error.config.preset": (
        "{field} = {value} is not a preset; the presets are {choices}",
        "{field} = {value} 不是预设；预设有 {choices}",
    ),
    "error.config.too_long": (
        "{field}: the value is {length} characters long; at most {limit} are allowed",
        "{field}：该值长 {length} 个字符，最多允许 {limit} 个",
    ),
    "error.memory.refused": (
        "Refused: this needs about {estimate} of memory, more than the {limit} that {device} can safely give. Use a smaller batch, input size or model.",
        "已拒绝：这需要约 {estimate} 内存，超过了 {device} 能安全提供的 {limit}。请减小批大小、输入尺寸或模型。",
    ),
    "error.memory.busy": (
        "Refused for now: this needs about {needed} of memory, and of the {limit} that {device} can safely give only {allowed} is free while other work runs ({running} held). Try again when it has finished, or use a smaller batch, input size or model.",
        "暂时拒绝：这需要约 {needed} 内存；{device} 能安全提供 {limit}，但其他任务正在运行（占用 {running}），只剩 {allowed} 可用。请等它们结束后再试，或减小批大小、输入尺寸或模型。",
    ),
    "error.memory.bn_batch": (
        "Batch norm in training mode needs more than one value per channel, and the last feature map here is 1×1: use a batch of at least 2 or a larger input.",
        "训练模式下的批归一化要求每个通道有不止一个数值，而这里最后的特征图只有 1×1：请把批大小设为至少 2，或使用更大的输入。",
    ),
    "error.weights.no_card": (
        "{file}: the model card is missing (expected beside {weights})",
        "{file}：缺少模型卡（应与 {weights} 放在一起）",
    ),
    "error.weights.bad_json": (
        "{file}: the model card is not valid JSON ({detail})",
        "{file}：模型卡不是有效的 JSON",
    ),
    "error.weights.card_missing_entry": (
        "{file}: the model card has no '{entry}' entry",
        "{file}：模型卡缺少“{entry}”项",
    ),
    "error.weights.card_invalid": (
        "{file}: the model card is invalid: {detail}",
        "{file}：模型卡内容无效",
    ),
    "error.weights.class_count": (
        "{file}: {names} class names for a {classes}-class model",
        "{file}：{classes} 类的模型却有 {names} 个类别名",
    ),
    "error.weights.no_file": (
        "{file}: no such model file",
        "{file}：模型文件不存在",
    ),
    "error.weights.bad_file": (
        "{file}: not a valid safetensors file ({detail})",
        "{file}：不是有效的 safetensors 文件",
    ),
    "error.weights.mismatch": (
        "{file} does not match its card's config: {detail}",
        "{file} 与模型卡中的配置不一致",
    ),
    "error.memory.failed": (
        "The device ran out of memory despite the estimate; try a smaller model or input.",
        "尽管事先做了估算，设备内存仍然不足；请换用更小的模型或输入。",
    ),
    "error.image.not_found": (
        "cannot read the file: it does not exist",
        "无法读取文件：文件不存在",
    ),
    "error.image.is_folder": (
        "cannot read the file: it is a folder",
        "无法读取文件：这是一个文件夹",
    ),
    "error.image.unreadable": (
        "cannot read the file (no permission, or a disk error)",
        "无法读取文件（没有权限或磁盘错误）",
    ),
    "error.image.empty": (
        "the file is empty",
        "文件是空的",
    ),
    "error.image.svg": (
        "SVG is a vector drawing, not a photo: please upload a JPEG, PNG, WebP or BMP",
        "SVG 是矢量图，不是照片：请上传 JPEG、PNG、WebP 或 BMP",
    ),
    "error.image.animated_gif": (
        "this is an animated GIF; please upload a JPEG, PNG, WebP or BMP photo",
        "这是动图 GIF；请上传 JPEG、PNG、WebP 或 BMP 照片",
    ),
    "error.image.wrong_format": (
        "this is a {format} file; please upload a JPEG, PNG, WebP or BMP photo",
        "这是 {format} 文件；请上传 JPEG、PNG、WebP 或 BMP 照片",
    ),
    "error.image.too_many_pixels": (
        "the image is {w}×{h} pixels, over the {limit} megapixel limit",
        "图像为 {w}×{h} 像素，超过了 {limit} 百万像素的上限",
    ),
    "error.image.too_small": (
        "the image is only {w}×{h} pixels; at least {min}×{min} is needed",
        "图像只有 {w}×{h} 像素，至少需要 {min}×{min}",
    ),
    "error.image.too_elongated": (
        "the image is {w}×{h} pixels: longer than {ratio}:1 is no photo",
        "图像为 {w}×{h} 像素：长宽比超过 {ratio}:1，不是照片",
    ),
    "error.image.animated": (
        "this is an animated image; please upload a single still photo",
        "这是动态图像；请上传一张静态照片",
    ),
    "error.image.too_large_to_decode": (
        "the {format} image is {w}×{h} pixels; {format} files over {limit} megapixels are not decoded (too much memory): please upload a JPEG or a smaller image",
        "这张 {format} 图像为 {w}×{h} 像素；超过 {limit} 百万像素的 {format} 文件不予解码（内存占用太大）：请上传 JPEG 或更小的图像",
    ),
    "error.image.bomb": (
        "the image has too many pixels (over {limit} megapixels); please upload a smaller photo",
        "图像像素太多（超过 {limit} 百万像素）；请上传更小的照片",
    ),
    "error.image.not_an_image": (
        "this file is not an image that can be read (JPEG, PNG, WebP or BMP expected)",
        "这个文件不是可读取的图像（需要 JPEG、PNG、WebP 或 BMP）",
    ),
    "error.image.out_of_memory": (
        "the image needs more memory than the server can give it; please upload a smaller photo",
        "这张图像所需的内存超出了服务器的能力；请上传更小的照片",
    ),
    "error.image.damaged": (
        "the image is damaged or truncated",
        "图像已损坏或不完整",
    ),
    "error.serving.queue_full": (
        "The server is busy: {waiting} jobs are already waiting. Please try again in a minute.",
        "服务器正忙：已有 {waiting} 个任务在排队。请一分钟后再试。",
    ),
    "error.serving.owner_full": (
        "You already have {waiting} requests waiting. Let them finish first; everyone takes turns.",
        "你已有 {waiting} 个请求在排队。请等它们完成；大家轮流使用。",
    ),
    "error.classroom.no_model": (
        "The class room needs the shipped flower model, and it is missing.",
        "课堂需要随附的花卉模型，但它不存在。",
    ),
    "error.classroom.code_format": (
        "“{class_code}” is not a class code: a class code has 8 letters and digits, like ABCD-1234",
        "“{class_code}”不是课堂代码：课堂代码由 8 个字母和数字组成，例如 ABCD-1234",
    ),
    "error.classroom.unknown_code": (
        "No open class has the code {class_code}. Check the code with your teacher; the class may have ended.",
        "没有代码为 {class_code} 的进行中课堂。请向老师核对代码；课堂可能已经结束。",
    ),
    "error.classroom.too_many_rooms": (
        "This server already has {limit} open classes. Please try again later, or end a class that is over.",
        "本服务器已有 {limit} 个进行中的课堂。请稍后再试，或先结束已上完的课堂。",
    ),
    "error.classroom.room_full": (
        "This class is full: {limit} students have joined already.",
        "这个课堂已满：已有 {limit} 名学生加入。",
    ),
    "error.classroom.not_member": (
        "You are no longer in this class. Join again with the class code.",
        "你已不在这个课堂中。请用课堂代码重新加入。",
    ),
    "error.classroom.wrong_key": (
        "This teacher link is not valid for this class. Open the private link you got when you started the class.",
        "这个教师链接对该课堂无效。请打开开始上课时得到的专用链接。",
    ),
    "error.classroom.share_limit": (
        "You have shared {limit} photos already, the most one student can share in a class.",
        "你已经分享了 {limit} 张照片，这是每名学生在一节课中的上限。",
    ),
    "error.classroom.room_share_limit": (
        "This class already holds {limit} photos, as many as it can take.",
        "这个课堂已有 {limit} 张照片，已达上限。",
    ),
    "error.classroom.bad_label": (
        "“{label}” is not a label you can give; the labels are {choices}",
        "“{label}”不是可选的标签；可选标签有 {choices}",
    ),
    "error.classroom.bad_prediction": (
        "“{predicted}” is not one of the model's classes",
        "“{predicted}”不是模型的类别之一",
    ),
    "error.classroom.bad_probability": (
        "{value} is not a probability: a number from 0 to 1",
        "{value} 不是概率：需要 0 到 1 之间的数",
    ),
    "error.classroom.not_an_image": (
        "Only a JPEG or PNG picture can be shared.",
        "只能分享 JPEG 或 PNG 图片。",
    ),
    "error.classroom.image_too_large": (
        "The picture is {size} bytes; at most {limit} can be shared.",
        "图片有 {size} 字节；最多只能分享 {limit} 字节。",
    ),
    "error.classroom.question_too_long": (
        "The question id is {length} characters long; at most {limit} are allowed.",
        "题目编号长 {length} 个字符，最多允许 {limit} 个。",
    ),
    "error.classroom.answer_too_long": (
        "The answer is {length} characters long; at most {limit} are allowed.",
        "答案长 {length} 个字符，最多允许 {limit} 个。",
    ),
    "error.classroom.answer_limit": (
        "You have answered {limit} questions in this class, the most that is kept.",
        "你在这个课堂中已回答了 {limit} 道题，已达保存上限。",
    ),
    "error.classroom.unknown_share": (
        "Photo {share_id} is not in this class (anymore).",
        "照片 {share_id} 不在（或已不在）这个课堂中。",
    ),
    "error.classroom.rate_limited": (
        "Too many tries in a short time: please try again in {seconds} s.",
        "短时间内尝试次数过多：请在 {seconds} 秒后再试。",
    ),
}
