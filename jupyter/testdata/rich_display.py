"""Build a notebook that trains a small model and shows what it made, run it
with nbclient in the nnlab kernel, write it to sys.argv[2] (run from the
directory sys.argv[1]) and print, per code cell, the MIME types of its
outputs and their text. Driven by TestRichDisplayNbclient."""

import json
import sys
import time

import nbformat
from nbclient import NotebookClient

cells = [
    'import "github.com/nnlab/nnlab/nn/model"\ndata, err := mnist.ReadDataSets("MNIST_data/", true)',
    "data.Test.Images.Row(0)",
    'm := model.Sequential(model.Input(784), model.Dense(128, "relu"), model.Dense(10, "softmax"))\n'
    "m.Compile(nn.AdamOptimizer(1e-3))\nm",
    "nn.Seed(1)\nh := m.Fit(data.Train, model.FitOptions{Epochs: 2, BatchSize: 128})\nh",
    "probs := m.Predict(data.Test.Images)\nmodel.ConfusionMatrix(probs, data.Test.Labels)",
    "model.WorstPredictions(probs, data.Test.Labels, 8).Digits(data.Test.Images)",
]
nb = nbformat.v4.new_notebook()
nb.metadata["kernelspec"] = {"name": "nnlab", "display_name": "nnlab (Go)", "language": "go"}
nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
t = time.monotonic()
NotebookClient(nb, kernel_name="nnlab", timeout=600, resources={"metadata": {"path": sys.argv[1]}}).execute()
print(f"executed in {time.monotonic() - t:.1f} s", file=sys.stderr)
nbformat.validate(nb)
nbformat.write(nb, sys.argv[2])
report = []
for c in nb.cells:
    types, text = [], ""
    for o in c.outputs:
        if "data" in o:
            types += sorted(o["data"].keys())
            text += o["data"].get("text/plain", "")
        elif o["output_type"] == "stream":
            text += o["text"]
        elif o["output_type"] == "error":
            text += o["evalue"]
    report.append({"types": types, "text": text})
print(json.dumps(report))
