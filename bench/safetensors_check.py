#!/usr/bin/env python3
"""Independent safetensors reader/writer used to check nnlab's Go package.

Uses only json, struct and numpy (no safetensors library), so it checks the
file format itself rather than sharing code with the implementation.

    python3 bench/safetensors_check.py read FILE
        Validate FILE and print a JSON summary on stdout:
        {"metadata": {...}, "tensors": [{"name", "dtype", "shape",
         "data_offsets", "sum", "first", "values"?}, ...]}
        "first" holds up to 8 leading values; "values" holds every value
        when the tensor has at most 64 elements. Floats are printed with
        repr, which round-trips exactly.

    python3 bench/safetensors_check.py write FILE
        Write a small file with known values:
          w1    F32 [3,4]  arange(12).reshape(3,4) / 7
          b1    F32 [4]    ones(4)
          scale F64 [2]    [0.5, -0.25]
          steps I64 [3]    [1, 2, -3]
        metadata {"writer": "python"}

Install numpy on Debian with: apt-get install -y python3-numpy
"""

import json
import struct
import sys

import numpy as np

DTYPES = {
    "F64": "<f8",
    "F32": "<f4",
    "F16": "<f2",
    "I64": "<i8",
    "I32": "<i4",
    "I16": "<i2",
    "I8": "i1",
    "U64": "<u8",
    "U32": "<u4",
    "U16": "<u2",
    "U8": "u1",
    "BOOL": "?",
}


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError("file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise ValueError("header length %d exceeds file" % n)
    header = json.loads(data[8 : 8 + n].decode("utf-8"))
    buf = data[8 + n :]
    metadata = header.pop("__metadata__", None)
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    tensors = []
    pos = 0
    for name, info in entries:
        begin, end = info["data_offsets"]
        if begin != pos:
            raise ValueError("%s: offsets not contiguous (%d != %d)" % (name, begin, pos))
        dtype = info["dtype"]
        shape = info["shape"]
        raw = buf[begin:end]
        if dtype == "BF16":
            arr = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        else:
            arr = np.frombuffer(raw, dtype=DTYPES[dtype])
        if arr.size != int(np.prod(shape, dtype=np.int64)):
            raise ValueError("%s: %d elements, shape %r" % (name, arr.size, shape))
        arr = arr.reshape(shape)
        tensors.append((name, dtype, shape, [begin, end], arr))
        pos = end
    if pos != len(buf):
        raise ValueError("tensors cover %d bytes, data has %d" % (pos, len(buf)))
    return metadata, tensors


def pyvalues(arr):
    if arr.dtype.kind == "f":
        return [float(v) for v in arr]
    if arr.dtype.kind == "b":
        return [bool(v) for v in arr]
    return [int(v) for v in arr]


def read(path):
    metadata, tensors = load(path)
    out = []
    for name, dtype, shape, offsets, arr in tensors:
        flat = arr.reshape(-1)
        entry = {
            "name": name,
            "dtype": dtype,
            "shape": shape,
            "data_offsets": offsets,
            "sum": float(np.sum(flat, dtype=np.float64)),
            "first": pyvalues(flat[:8]),
        }
        if flat.size <= 64:
            entry["values"] = pyvalues(flat)
        out.append(entry)
    json.dump({"metadata": metadata, "tensors": out}, sys.stdout, indent=1)
    sys.stdout.write("\n")


def write(path):
    tensors = [
        ("w1", "F32", (np.arange(12).reshape(3, 4) / 7).astype("<f4")),
        ("b1", "F32", np.ones(4, dtype="<f4")),
        ("scale", "F64", np.array([0.5, -0.25], dtype="<f8")),
        ("steps", "I64", np.array([1, 2, -3], dtype="<i8")),
    ]
    header = {"__metadata__": {"writer": "python"}}
    blobs = []
    pos = 0
    for name, dtype, arr in tensors:
        raw = arr.tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [pos, pos + len(raw)]}
        blobs.append(raw)
        pos += len(raw)
    hdr = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hdr += b" " * (-len(hdr) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hdr)))
        f.write(hdr)
        for raw in blobs:
            f.write(raw)


def main(argv):
    if len(argv) != 3 or argv[1] not in ("read", "write"):
        sys.stderr.write("usage: safetensors_check.py read|write FILE\n")
        return 2
    if argv[1] == "read":
        read(argv[2])
    else:
        write(argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
