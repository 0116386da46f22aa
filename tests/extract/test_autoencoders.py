"""The paper's three autoencoders: sizes, tied weights, skip connections, output ranges."""

import pytest
import torch

from deepviz.extract.models import build_autoencoder

SMALL = {"widths": (4, 8, 8, 16), "fc_hidden": 32}


def n_params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def test_paper_sizes():
    assert abs(n_params(build_autoencoder("ae")) / 1e6 - 40.2) < 0.1
    assert abs(n_params(build_autoencoder("ae-shared")) / 1e6 - 20.1) < 0.1


def test_shared_decoder_uses_the_encoder_tensors():
    model = build_autoencoder("ae-shared", **SMALL)
    for enc, dec in zip(model.encoder, reversed(model.decoder)):
        assert dec._enc is enc
        assert dec._enc.conv1.weight.data_ptr() == enc.conv1.weight.data_ptr()
        assert not hasattr(dec, "deconv1")
    names = [n for n, _ in model.named_parameters()]
    assert not any("dec_fc1.weight" in n or "deconv" in n for n in names)
    # a gradient step through the decoder alone moves the encoder's weights
    x = torch.rand(2, 1, 64, 96)
    code, pools = model._encode(x)
    loss = model.decode(code.detach(), [(i, s, a) for i, s, a in pools]).sum()
    loss.backward()
    assert model.encoder[0].conv1.weight.grad.abs().sum() > 0
    assert model.fc1.weight.grad.abs().sum() > 0


def test_plain_ae_has_its_own_decoder_weights():
    model = build_autoencoder("ae", **SMALL)
    assert model.decoder[-1].deconv1.weight.data_ptr() != model.encoder[0].conv1.weight.data_ptr()


def test_skip_connections_carry_encoder_activations():
    torch.manual_seed(0)
    model = build_autoencoder("ae-skip", **SMALL).eval()
    x = torch.rand(2, 1, 64, 96)
    code, pools = model._encode(x)
    with_skips = model.decode(code, pools)
    zeroed = [(i, s, tuple(torch.zeros_like(a) for a in acts)) for i, s, acts in pools]
    without = model.decode(code, zeroed)
    assert (with_skips - without).abs().max() > 1e-4


@pytest.mark.parametrize("variant", ["ae", "ae-shared", "ae-skip"])
def test_output_ranges(variant):
    model = build_autoencoder(variant, **SMALL).eval()
    x = torch.rand(3, 1, 64, 96)
    with torch.inference_mode():
        code, out = model.encode(x), model(x)
    assert code.shape == (3, 10) and out.shape == x.shape
    assert 0 <= code.min() and code.max() <= 1
    assert 0 <= out.min() and out.max() <= 1


def test_config_is_validated():
    with pytest.raises(ValueError):
        build_autoencoder("ae-wide")
    with pytest.raises(ValueError):
        build_autoencoder("ae", widths=(8, 8, 8, 8, 8, 8))  # 64 is not divisible by 2**6
