"""Explaining predictions, one concept a module:

- ``gradcam``: predictions (with test-time flip) and one-pass, multi-layer, batched Grad-CAM;
- ``photo``: what is shown for a photo (crop, top-5, the "none of these" verdict and its rule in words);
  ``densenet_viz.predictor.Predictor.explain`` makes it;
- ``colors``: colour maps, overlays, PNG/NPY encodings;
- ``attributions``: Captum's Guided Grad-CAM, Integrated Gradients, Occlusion;
- ``faithfulness``: deletion curves against a random map.
"""

from .attributions import ATTRIBUTION_METHODS, attributions
from .colors import (
    COLORMAPS,
    PLOTLY_COLORSCALES,
    apply_colormap,
    colorbar_image,
    colormap_lut,
    npy_bytes,
    overlay,
    png_bytes,
    resize_map,
)
from .faithfulness import DeletionCurve, deletion_curve, gaussian_blur, random_saliency
from .gradcam import (
    BLOCK_END_PREFIX,
    Explanation,
    block_end_layers,
    explain,
    explain_batch,
    normalise_cam,
    predict_logits,
    top_k,
)
from .photo import PhotoExplanation, decode_side, display_crop, none_of_these_rule_text

__all__ = [
    "ATTRIBUTION_METHODS", "attributions", "COLORMAPS", "PLOTLY_COLORSCALES", "apply_colormap", "colorbar_image",
    "colormap_lut", "npy_bytes", "overlay", "png_bytes", "resize_map", "DeletionCurve", "deletion_curve",
    "gaussian_blur", "random_saliency", "BLOCK_END_PREFIX", "Explanation", "block_end_layers", "explain",
    "explain_batch", "normalise_cam", "predict_logits", "top_k", "PhotoExplanation", "decode_side",
    "display_crop", "none_of_these_rule_text",
]
