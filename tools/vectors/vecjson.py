"""Writes transform vectors in the field order of shared/design/vectors-schema.md:
2-space indent, lower-case hex, LF line ends, final newline."""

import json
import os

FIELD_ORDER = ("id", "source", "kind", "proto", "mode", "spi", "seq", "esn", "seqHigh",
               "encryption", "integrity", "icvLength", "iv", "tunnel", "udpEncap",
               "plainPacket", "wirePacket", "padding", "framedPacket", "ahSa", "notes")


def ordered(v):
    extra = set(v) - set(FIELD_ORDER)
    if extra:
        raise ValueError("unknown fields %s in %s" % (sorted(extra), v.get("id")))
    for k in ("plainPacket", "wirePacket", "iv"):
        if v.get(k) is not None and v[k] != v[k].lower():
            raise ValueError("upper-case hex in %s.%s" % (v["id"], k))
    return {k: v[k] for k in FIELD_ORDER if k in v}


def write(folder, v):
    path = os.path.join(folder, v["id"] + ".json")
    text = json.dumps(ordered(v), indent=2, ensure_ascii=False) + "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    return path


def load_folder(folder):
    out = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                data = json.load(f)
            for v in (data if isinstance(data, list) else [data]):
                if v["id"] + ".json" != name and not isinstance(data, list):
                    raise ValueError("%s: id %s does not match the file name" % (name, v["id"]))
                out.append(v)
    return out
