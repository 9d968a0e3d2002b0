#!/usr/bin/python3
"""face-api FaceLandmark68TinyNet -> facenn header: the landmarks68 converter with the tiny variant
(3 dense blocks of 3 convs, FC 128 -> 136). Same steps, options and outputs as models/landmarks68/convert.py:

    /usr/bin/python3 models/landmarks68_tiny/convert.py [--quick]

No shared TFJS goldens exist for the tiny net: the converter runs the original TFJS model itself
(models/landmarks68/tfjs_ref.js, tfjs-backend-wasm) on the golden inputs.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "landmarks68"))
import convert  # noqa: E402  (models/landmarks68/convert.py)

if __name__ == "__main__":
    convert.main("landmarks68_tiny")
