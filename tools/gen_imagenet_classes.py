"""Write resources/imagenet_classes.json: the 1000 ImageNet class names in model output order.

The names are torchvision's ``ResNet18_Weights.IMAGENET1K_V1.meta["categories"]``. They are
committed as JSON because the packaged app has no torch/torchvision to ask at run time.
Run from the repository root: ``python tools/gen_imagenet_classes.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

from torchvision.models import ResNet18_Weights


def main() -> None:
    names = list(ResNet18_Weights.IMAGENET1K_V1.meta["categories"])
    assert len(names) == 1000, len(names)
    out = Path(__file__).resolve().parents[1] / "resources" / "imagenet_classes.json"
    out.write_text(json.dumps(names, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(names)} names to {out}")


if __name__ == "__main__":
    main()
