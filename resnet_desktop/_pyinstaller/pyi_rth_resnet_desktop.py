"""PyInstaller runtime hook: runs inside the frozen app before any of its own code.

onnxruntime (1.32) writes a device id and an events database under
``~/.cache/Microsoft/DeveloperTools/.onnxruntime`` as soon as it is imported, unless
``ORT_DISABLE_TELEMETRY`` is set. The packaged app promises not to phone home, so the
variable is forced here, before the launcher (and so onnxruntime) is imported at all.
It is forced rather than defaulted: a stray ``ORT_DISABLE_TELEMETRY=0`` in the user's
environment must not switch telemetry back on inside our app.
"""

import os

os.environ["ORT_DISABLE_TELEMETRY"] = "1"
