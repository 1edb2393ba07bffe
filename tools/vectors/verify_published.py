#!/usr/bin/python3
"""Checks golden transform vectors with an implementation independent of Scapy and of the
project's engine (ipsec_ref.py on python3-cryptography): authenticates and decrypts every
wirePacket with the vector's keys, checks lengths/checksums/padding, rebuilds the plaintext
and compares it with plainPacket; also checks the file format (schema field order, 2-space
indent, lower-case hex, LF, final newline).

Usage: /usr/bin/python3 tools/vectors/verify_published.py [FOLDER...]
       (default: vectors/published).  Prints one line per vector and `N passed, M failed`;
       exits non-zero on any failure.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ipsec_ref  # noqa: E402
import vecjson  # noqa: E402


def check_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    v = json.loads(text)
    if b"\r" in raw or not text.endswith("\n") or text.endswith("\n\n"):
        raise ipsec_ref.VectorError("%s: line ends / final newline" % path)
    if json.dumps(vecjson.ordered(v), indent=2, ensure_ascii=False) + "\n" != text:
        raise ipsec_ref.VectorError("%s: not in schema field order / 2-space layout" % path)
    if v["id"] + ".json" != os.path.basename(path):
        raise ipsec_ref.VectorError("%s: id does not match file name" % path)
    ipsec_ref.check_vector(v)
    return v


def main(argv):
    folders = argv[1:] or ["vectors/published"]
    passed = failed = 0
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".json"):
                continue
            path = os.path.join(folder, name)
            try:
                v = check_file(path)
                print("PASS %s  [%s]" % (v["id"], v["source"][:70]))
                passed += 1
            except Exception as e:  # report every failure, keep going
                print("FAIL %s: %s" % (path, e))
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
