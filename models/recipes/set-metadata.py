#!/usr/bin/env python3
"""Sets metadata keys of a bundled model's ONNX file, and nothing else.

    python3 models/recipes/set-metadata.py MODEL.onnx KEY=VALUE...

For a model trained before fiji-gan recorded a key (or recorded it otherwise), so that its
metadata says what its recipe trained it with, without training it again. Only the
metadata_props change: the graph, its weights and every other field are checked to serialise to
the same bytes before the file is replaced (through a temporary file beside it, so that an
interrupted run leaves the original). Keys already there keep their place; new ones go last, as
fiji-gan's fine-tune appends them. Needs the onnx Python package.

Then package the model again (models/recipes/package.sh NAME): its rdf.yaml states the weights'
SHA-256, which changes with the metadata.

Used for mri-generator (trained with --normalize range:0,255 before fine-tune recorded
fiji-gan.normalization for a generator, and before its fiji-gan.fine_tune.loss stopped naming
an unused pixel loss):

    python3 models/recipes/set-metadata.py models/mri-generator/mri-generator.onnx \\
        fiji-gan.normalization=range:0,255 'fiji-gan.fine_tune.loss=1.0 x hinge'
"""
import os
import sys
import tempfile

import onnx


def without_metadata(model):
    copy = onnx.ModelProto()
    copy.CopyFrom(model)
    del copy.metadata_props[:]
    return copy.SerializeToString(deterministic=True)


def main(argv):
    if len(argv) < 3 or any("=" not in a or a.startswith("=") for a in argv[2:]):
        sys.stderr.write("usage: set-metadata.py MODEL.onnx KEY=VALUE...\n")
        return 2
    path = argv[1]
    model = onnx.load(path)
    before = without_metadata(model)
    values = dict(a.split("=", 1) for a in argv[2:])
    for p in model.metadata_props:
        if p.key in values:
            p.value = values.pop(p.key)
    for key, value in values.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    if without_metadata(model) != before:
        sys.stderr.write("set-metadata.py: more than the metadata would change; %s left as it was\n"
                         % path)
        return 1
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".set-metadata-", suffix=".onnx", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(model.SerializeToString())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    for p in model.metadata_props:
        print("%s = %s" % (p.key, p.value))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
