import pytest

from densenet_viz import PRESET_INFO, PRESETS, ConfigError, DenseNetConfig, matching_preset


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"growth_rate": 0}, "growth_rate"),
        ({"growth_rate": -3}, "growth_rate"),
        ({"compression": 0.0}, "compression"),
        ({"compression": 1.5}, "compression"),
        ({"block_config": ()}, "block_config"),
        ({"block_config": (6, 0, 3)}, "block_config"),
        ({"block_config": (1,) * 9}, "block_config"),
        ({"stem": "vgg"}, "stem"),
        ({"drop_rate": 1.0}, "drop_rate"),
        ({"bn_size": -1}, "bn_size"),
        ({"growth_rate": 2.5}, "growth_rate"),
        ({"input_size": 16}, "input_size"),  # 4 blocks + ImageNet stem shrink 16 px below 1×1
    ],
)
def test_bad_values_name_the_field_and_what_is_allowed(changes, field):
    with pytest.raises(ConfigError) as info:
        PRESETS["densenet121"].replace(**changes)
    err = info.value
    assert err.field == field and err.code.startswith("config.")
    from densenet_viz.i18n import t

    assert str(err).startswith(t(f"field.{field}"))  # names the field by its label
    assert "not allowed" in str(err) or "too small" in str(err)


def test_too_small_input_says_the_minimum():
    # ImageNet stem: 29 px -> 15 (conv) -> 8 (pool) -> 4, 2, 1 after three transitions; 28 px ends at 0.
    with pytest.raises(ConfigError, match="at least 29") as info:
        DenseNetConfig(input_size=28)
    assert info.value.field == "input_size"
    assert DenseNetConfig(input_size=29).minimum_input_size() == 29


def test_config_is_frozen_hashable_and_round_trips():
    c = PRESETS["densenet169"]
    with pytest.raises(AttributeError):
        c.growth_rate = 12  # type: ignore[misc]
    assert hash(c) == hash(DenseNetConfig.from_dict(c.to_dict()))
    assert DenseNetConfig.from_dict(c.to_dict()) == c
    assert DenseNetConfig(block_config=[6, 12]).block_config == (6, 12)
    with pytest.raises(ConfigError, match="growth_ratee"):
        DenseNetConfig.from_dict({"growth_ratee": 12})


def test_presets_follow_the_paper():
    assert PRESETS["densenet121"].block_config == (6, 12, 24, 16)
    assert PRESETS["densenet169"].block_config == (6, 12, 32, 32)
    assert PRESETS["densenet201"].block_config == (6, 12, 48, 32)
    assert PRESETS["densenet264"].block_config == (6, 12, 64, 48)
    for name in ("densenet121", "densenet169", "densenet201", "densenet264"):
        assert (PRESETS[name].growth_rate, PRESETS[name].num_init_features) == (32, 64)
    assert (PRESETS["densenet161"].growth_rate, PRESETS["densenet161"].num_init_features) == (48, 96)
    bc = PRESETS["densenet_bc100_k12"]
    assert (bc.block_config, bc.bn_size, bc.compression, bc.num_init_features) == ((16, 16, 16), 4, 0.5, 24)
    plain = PRESETS["densenet40_k12"]
    assert (plain.block_config, plain.bn_size, plain.compression, plain.stem) == ((12, 12, 12), 0, 1.0, "cifar")
    assert plain.variant == "DenseNet" and bc.variant == "DenseNet-BC"
    for name, info in PRESET_INFO.items():
        assert info.source and info.dataset and info.published_top1 is not None, name


def test_published_numbers_match_torchvision_metadata():
    tv = pytest.importorskip("torchvision.models")
    for name, enum in (("densenet121", tv.DenseNet121_Weights), ("densenet169", tv.DenseNet169_Weights),
                       ("densenet201", tv.DenseNet201_Weights), ("densenet161", tv.DenseNet161_Weights)):
        meta = enum.IMAGENET1K_V1.meta
        assert PRESET_INFO[name].published_params == meta["num_params"]
        assert PRESET_INFO[name].published_top1 == pytest.approx(meta["_metrics"]["ImageNet-1K"]["acc@1"])


def test_matching_preset_ignores_runtime_fields_only():
    c = PRESETS["densenet121"]
    assert matching_preset(c.replace(memory_efficient=True)) == "densenet121"
    assert matching_preset(c.replace(growth_rate=12)) is None
