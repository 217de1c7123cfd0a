import pytest
import torch
import torch.nn as nn

from densenet_viz import PRESETS, DenseNetConfig, build_densenet, default_device, describe_device
from densenet_viz.model import cam_layer_names

TINY = DenseNetConfig(growth_rate=4, block_config=(3, 2), num_init_features=8, num_classes=3, stem="cifar",
                      input_size=16)


def test_torchvision_densenet121_weights_load_strictly_and_agree():
    tv = pytest.importorskip("torchvision")
    torch.manual_seed(0)
    reference = tv.models.densenet121(weights=None).eval()
    for m in reference.modules():  # random, non-trivial BN statistics so the comparison means something
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.uniform_(m.bias, -0.2, 0.2)
    ours = build_densenet(PRESETS["densenet121"], device="cpu").eval()
    result = ours.load_state_dict(reference.state_dict(), strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    x = torch.randn(2, 3, 224, 224)
    with torch.no_grad():
        torch.testing.assert_close(ours(x), reference(x), rtol=1e-5, atol=1e-5)


def test_torchvision_densenet169_names_match():
    tv = pytest.importorskip("torchvision")
    ours = build_densenet(PRESETS["densenet169"], device="cpu")
    assert set(ours.state_dict()) == set(tv.models.densenet169(weights=None).state_dict())


def test_module_names_are_torchvision_style():
    names = dict(build_densenet(PRESETS["densenet121"], device="cpu").named_modules())
    for name in ("features.conv0", "features.denseblock1.denselayer1.conv1", "features.denseblock4.denselayer16.conv2",
                 "features.transition3.pool", "features.norm5", "classifier", "final_relu"):
        assert name in names, name


def test_no_inplace_relu_and_a_hookable_final_relu():
    model = build_densenet(PRESETS["densenet121"], device="cpu")
    relus = [m for m in model.modules() if isinstance(m, nn.ReLU)]
    assert relus and not any(m.inplace for m in relus)
    seen = {}
    model.final_relu.register_forward_hook(lambda m, i, o: seen.update(shape=tuple(o.shape)))
    with torch.no_grad():
        model.eval()(torch.randn(1, 3, 64, 64))
    assert seen["shape"] == (1, 1024, 2, 2)
    assert cam_layer_names(PRESETS["densenet121"])[-2:] == ["features.norm5", "final_relu"]


@pytest.mark.parametrize("bn_size", [0, 4])
def test_memory_efficient_gives_identical_outputs_gradients_and_statistics(bn_size):
    config = TINY.replace(bn_size=bn_size, drop_rate=0.0)
    torch.manual_seed(0)
    plain = build_densenet(config, device="cpu").train()
    efficient = build_densenet(config.replace(memory_efficient=True), device="cpu").train()
    efficient.load_state_dict(plain.state_dict())
    x = torch.randn(4, 3, 16, 16)
    y = torch.tensor([0, 1, 2, 0])
    outs = []
    for model in (plain, efficient):
        out = model(x)
        nn.functional.cross_entropy(out, y).backward()
        outs.append(out)
    torch.testing.assert_close(outs[0], outs[1], rtol=1e-6, atol=1e-6)
    grads = dict(plain.named_parameters())
    for name, p in efficient.named_parameters():
        torch.testing.assert_close(p.grad, grads[name].grad, rtol=1e-5, atol=1e-6, msg=name)
    # Recomputation in backward must not update BatchNorm's running statistics twice.
    reference = plain.state_dict()
    for name, buf in efficient.state_dict().items():
        torch.testing.assert_close(buf, reference[name], msg=name)


def test_build_rejects_non_configs_and_picks_a_device():
    with pytest.raises(TypeError):
        build_densenet({"growth_rate": 12})  # type: ignore[arg-type]
    device = default_device()
    assert device.type in ("cuda", "mps", "cpu")
    assert build_densenet(TINY).classifier.weight.device.type == device.type
    text = describe_device(torch.device("cpu"))
    assert text == f"CPU ({torch.get_num_threads()} threads)"
    assert describe_device(torch.device("cpu"), "zh") == f"CPU（{torch.get_num_threads()} 个线程）"


def test_inspecting_restores_mode_and_removes_hooks_even_on_error():
    from densenet_viz.model import inspecting, model_lock

    model = build_densenet(TINY)
    model.train()
    seen = []
    with pytest.raises(RuntimeError, match="boom"):
        with inspecting(model, {"features.norm5": lambda m, i, o: seen.append(tuple(o.shape))},
                        pre_hooks={model.classifier: lambda m, i: seen.append("pre")}) as modules:
            assert not model.training and "features.denseblock1.denselayer1" in modules
            assert not _free_elsewhere(model_lock(model))  # held: another thread cannot take it
            model(torch.zeros(2, 3, TINY.input_size, TINY.input_size))
            raise RuntimeError("boom")
    assert len(seen) == 2 and seen[1] == "pre"
    assert model.training  # back to the mode it had
    model(torch.zeros(2, 3, TINY.input_size, TINY.input_size))
    assert len(seen) == 2  # no hook left behind
    with inspecting(model, training=True):
        assert model.training
    assert model.training
    assert _free_elsewhere(model_lock(model))


def _free_elsewhere(lock) -> bool:
    """Whether another thread could take ``lock`` now."""
    import threading

    got = []

    def probe():
        ok = lock.acquire(blocking=False)
        got.append(ok)
        if ok:
            lock.release()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return got[0]
