"""core.models: class names, the registry without torch, and the two torch networks."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from resnet_desktop.core.models import MODELS, class_names, get_spec
from resnet_desktop.core.resources import resource_path

CAT_CLASSES = {"tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat"}


def test_class_names_are_torchvisions():
    from torchvision.models import ResNet18_Weights

    names = class_names()
    assert names == list(ResNet18_Weights.IMAGENET1K_V1.meta["categories"])
    assert len(names) == 1000 and names[0] == "tench"
    assert json.loads(resource_path("imagenet_classes.json").read_text(encoding="utf-8")) == names


def test_registry_and_engine_modules_do_not_import_torch():
    code = (
        "import sys\n"
        "import resnet_desktop.core.models as m, resnet_desktop.core.weights as w\n"
        "import resnet_desktop.core.classify, resnet_desktop.core.imaging, resnet_desktop.core.onnx_export\n"
        "assert len(m.class_names()) == 1000\n"
        "w.locate('resnet18'); w.select_model()\n"
        "bad = [n for n in ('torch', 'torchvision', 'onnxruntime') if n in sys.modules]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_specs():
    r18, lite = get_spec("resnet18"), get_spec("efficientnet_lite0")
    assert r18.weights_filename == "resnet18-f37072fd.pth" and r18.url.endswith("/resnet18-f37072fd.pth")
    assert (r18.input_size, r18.resize_side, r18.embedding_dim) == (224, 256, 512)
    assert lite.embedding_dim == 1280 and lite.url is None
    # (x*255 - 127) / 128 written as (x - mean) / std on [0, 1] input
    x = np.float64(0.3)
    assert (x - lite.mean[0]) / lite.std[0] == pytest.approx((x * 255 - 127) / 128)
    assert set(MODELS) == {"resnet18", "efficientnet_lite0"}


# --------------------------------------------------------------------------- networks


@pytest.fixture(scope="module")
def lite0():
    from resnet_desktop.core.models import build_torch_model
    from resnet_desktop.core.weights import locate

    return build_torch_model("efficientnet_lite0", locate("efficientnet_lite0").path)


def test_lite0_matches_the_pip_checkpoint_exactly():
    import torch

    from resnet_desktop.core.models import make_architecture
    from resnet_desktop.core.weights import locate

    state = torch.load(locate("efficientnet_lite0").path, weights_only=True)
    ours = make_architecture("efficientnet_lite0").state_dict()
    assert list(ours) == list(state)
    assert all(ours[k].shape == state[k].shape for k in state)


def _reference_input(path, spec_name: str):
    """Independent preprocessing: torchvision transforms with the model's normalisation."""
    from PIL import Image
    from torchvision import transforms

    spec = get_spec(spec_name)
    pipeline = transforms.Compose(
        [
            transforms.Resize(256, interpolation=transforms.InterpolationMode.BILINEAR, antialias=True),
            transforms.CenterCrop(224),
            transforms.ToTensor(),
            transforms.Normalize(spec.mean, spec.std),
        ]
    )
    with Image.open(path) as img:
        return pipeline(img.convert("RGB")).unsqueeze(0)


@pytest.mark.parametrize(
    ("photo", "expected", "minimum"),
    [("coffee", {"espresso"}, 0.8), ("camera", {"tripod"}, 0.5), ("chelsea", CAT_CLASSES, 0.0)],
)
def test_lite0_recognises_real_photos(lite0, real_photos, photo, expected, minimum):
    import torch

    with torch.inference_mode():
        probs = lite0(_reference_input(real_photos[photo], "efficientnet_lite0")).softmax(1)[0]
    names = class_names()
    top = int(probs.argmax())
    assert names[top] in expected, names[top]
    assert float(probs[top]) > minimum
    if photo == "chelsea":  # all of the top 3 are cats
        assert {names[int(i)] for i in probs.topk(3).indices} <= CAT_CLASSES


def test_with_embedding_returns_the_same_logits(lite0, resnet18_checkpoint):
    import torch

    from resnet_desktop.core.models import build_torch_model, with_embedding

    torch.manual_seed(1)
    x = torch.randn(2, 3, 224, 224)
    r18 = build_torch_model("resnet18", resnet18_checkpoint)
    assert not r18.training and not lite0.training
    for name, net, dim in (("resnet18", r18, 512), ("efficientnet_lite0", lite0, 1280)):
        with torch.inference_mode():
            plain = net(x)
            logits, embedding = with_embedding(name, net)(x)
        assert embedding.shape == (2, dim)
        torch.testing.assert_close(logits, plain)
