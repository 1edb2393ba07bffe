#!/usr/bin/python3
"""Independent checker for LSO golden vectors (`"kind": "lso"`, shared/design/vectors-schema.md).

Uses python3-cryptography (through ipsec_ref.py, which shares no code with Scapy or with the
project's engine) and hand-written header arithmetic; it never imports Scapy.  For every vector:

  * file format: schema field order of FIELD_ORDER, 2-space indent, lower-case hex, LF, final
    newline, file named <id>.json;
  * plainPacket is one valid TCP/IP packet (IPv4 or IPv6; lengths, IPv4 header checksum, full TCP
    checksum), LSOv1 only over IPv4, ESP transport mode, no tunnel, no UDP encapsulation;
  * the segments are re-derived here from plainPacket and the MSS with the LSO rules (SEND-18,
    wire-formats §5.1) and must equal expectSegments byte for byte: payload MSS per segment (the
    last one the rest), TCP sequence number + k*MSS (mod 2^32), FIN and PSH only on the last
    segment, CWR only on the first, IP and TCP options copied unchanged, IPv4 Total Length /
    IPv6 Payload Length of the segment, IPv4 Identification + k (LSOv1: mod 2^16; LSOv2: within
    0x0000-0x7FFF, wrapping 0x7FFF -> 0x0000), IPv4 header checksum and full TCP checksum per
    segment; the segments' TCP payloads concatenate to the large packet's payload;
  * tcpPayload: LSOv1 = the large packet's TCP payload length, LSOv2 = null;
  * wirePackets[k] carries SPI and sequence number seq + k of a 64-bit counter (ESN: the carry goes
    into the high half, which authenticates the segment; without ESN the counter must not wrap),
    authenticates and decrypts to expectSegments[k] (ipsec_ref.unprotect_esp: ICV, RFC 4303
    default padding with the fewest pad bytes, next header, IP lengths and checksum);
  * IVs: segment 0 carries the vector's `iv`; AES-GCM and AES-GMAC IVs equal the segment's 64-bit sequence
    number (profile: transport IV = SN, device IV = IV0 + k); no IV repeats within the vector.

Usage: /usr/bin/python3 tools/vectors/verify_lso.py [FOLDER...]   (default: vectors/lso)
Prints one line per vector and `N passed, M failed`; exits non-zero on any failure.
"""

import json
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ipsec_ref  # noqa: E402

FIELD_ORDER = ("id", "source", "kind", "proto", "mode", "spi", "seq", "esn", "seqHigh",
               "encryption", "integrity", "icvLength", "iv", "tunnel", "udpEncap", "lso",
               "plainPacket", "tcpPayload", "expectSegments", "wirePackets", "notes")

TCP_FIN, TCP_PSH, TCP_CWR = 0x01, 0x08, 0x80


class LsoError(Exception):
    """An LSO vector does not verify."""


def _fail(vid, msg):
    raise LsoError("%s: %s" % (vid, msg))


def ordered(v):
    extra = set(v) - set(FIELD_ORDER)
    if extra:
        raise ValueError("unknown fields %s in %s" % (sorted(extra), v.get("id")))
    return {k: v[k] for k in FIELD_ORDER if k in v}


def dumps(v):
    """The exact file text of one LSO vector."""
    return json.dumps(ordered(v), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- TCP/IP parsing

def parse_tcp(vid, pkt, what):
    """Return (ip version, TCP header offset, TCP header length, TCP payload); checks the IP
    lengths, the IPv4 header checksum and the full TCP checksum."""
    ver = pkt[0] >> 4
    if ver == 4:
        toff = (pkt[0] & 0x0F) * 4
        nh = pkt[9]
        if struct.unpack("!H", pkt[6:8])[0] & 0x3FFF:
            _fail(vid, "%s: IPv4 MF or fragment offset set" % what)
    elif ver == 6:
        nh, toff = pkt[6], 40
        while nh in (0, 60):  # Hop-by-Hop, Destination Options
            nh, toff = pkt[toff], toff + (pkt[toff + 1] + 1) * 8
    else:
        _fail(vid, "%s: not an IP packet" % what)
    if nh != 6:
        _fail(vid, "%s: next header %d is not TCP" % (what, nh))
    ipsec_ref.check_ip_lengths(vid, pkt, what)
    thl = (pkt[toff + 12] >> 4) * 4
    ck = struct.unpack("!H", pkt[toff + 16:toff + 18])[0]
    if ck != tcp_checksum(pkt, ver, toff):
        _fail(vid, "%s: TCP.Checksum %04x != %04x" % (what, ck, tcp_checksum(pkt, ver, toff)))
    return ver, toff, thl, pkt[toff + thl:]


def tcp_checksum(pkt, ver, toff):
    seg = bytearray(pkt[toff:])
    seg[16:18] = b"\x00\x00"
    if ver == 4:
        pseudo = pkt[12:20] + struct.pack("!BBH", 0, 6, len(seg))
    else:
        pseudo = pkt[8:40] + struct.pack("!I3xB", len(seg), 6)
    return ipsec_ref.inet_checksum(pseudo + bytes(seg))


def derive_segments(v):
    """The plaintext segments of plainPacket by the LSO rules (SEND-18, wire-formats §5.1)."""
    vid = v["id"]
    plain = bytes.fromhex(v["plainPacket"])
    mss, version = v["lso"]["mss"], v["lso"]["version"]
    ver, toff, thl, payload = parse_tcp(vid, plain, "plainPacket")
    if version not in (1, 2) or not 1 <= mss < 1 << 20:
        _fail(vid, "lso %r out of range" % v["lso"])
    if version == 1 and ver != 4:
        _fail(vid, "LSOv1 is IPv4 only")
    flags = plain[toff + 13]
    if flags & 0x26:  # SYN, RST, URG never set on an LSO packet ([LSO] restrictions)
        _fail(vid, "SYN/RST/URG set on the large packet")
    if not payload:
        _fail(vid, "no TCP payload")
    hdr = plain[:toff + thl]
    tseq = struct.unpack("!I", hdr[toff + 4:toff + 8])[0]
    id0 = struct.unpack("!H", hdr[4:6])[0] if ver == 4 else 0
    if ver == 4 and version == 2 and id0 > 0x7FFF:
        _fail(vid, "LSOv2 template IPv4 ID %04x outside 0x0000-0x7FFF" % id0)
    count = -(-len(payload) // mss)
    out = []
    for k in range(count):
        p = bytearray(hdr + payload[k * mss:(k + 1) * mss])
        # TCP sequence numbers wrap mod 2^32 (RFC 793)
        struct.pack_into("!I", p, toff + 4, (tseq + k * mss) & 0xFFFFFFFF)
        f = flags
        if k != count - 1:
            f &= ~(TCP_FIN | TCP_PSH)
        if k != 0:
            f &= ~TCP_CWR
        p[toff + 13] = f
        if ver == 4:
            ident = (id0 + k) & (0x7FFF if version == 2 else 0xFFFF)
            struct.pack_into("!HH", p, 2, len(p), ident)
            struct.pack_into("!H", p, 10, ipsec_ref.ipv4_header_checksum(bytes(p[:toff])))
        else:
            struct.pack_into("!H", p, 4, len(p) - 40)
        struct.pack_into("!H", p, toff + 16, tcp_checksum(bytes(p), ver, toff))
        out.append(bytes(p))
    return out, payload


# ---------------------------------------------------------------- vector

def check_vector(v):
    """Verify one LSO vector; returns the number of segments."""
    vid = v["id"]
    if v.get("kind") != "lso":
        _fail(vid, "kind is not lso")
    if v["proto"] != "esp" or v["mode"] != "transport" or v.get("tunnel") or v.get("udpEncap"):
        _fail(vid, "LSO vectors are ESP transport without tunnel or UDP encapsulation (SEND-16)")
    if not v["esn"] and v["seqHigh"] != 0:
        _fail(vid, "seqHigh without esn")
    for k in ("plainPacket", "iv"):
        if v[k] != v[k].lower():
            _fail(vid, "upper-case hex in %s" % k)
    segs, payload = derive_segments(v)
    want = v["expectSegments"]
    if len(want) != len(segs):
        _fail(vid, "expectSegments has %d segments, LSO rules give %d" % (len(want), len(segs)))
    joined = b""
    for k, (mine, theirs) in enumerate(zip(segs, want)):
        theirs = bytes.fromhex(theirs)
        _, _, _, seg_payload = parse_tcp(vid, theirs, "expectSegments[%d]" % k)
        if len(seg_payload) > v["lso"]["mss"] or (k < len(segs) - 1 and len(seg_payload) != v["lso"]["mss"]):
            _fail(vid, "expectSegments[%d] payload %d bytes against MSS %d" % (k, len(seg_payload), v["lso"]["mss"]))
        joined += seg_payload
        if mine != theirs:
            at = next(i for i in range(min(len(mine), len(theirs)) + 1)
                      if i == min(len(mine), len(theirs)) or mine[i] != theirs[i])
            _fail(vid, "expectSegments[%d] differs from the LSO rules at byte %d\n  want %s\n  got  %s"
                  % (k, at, mine.hex(), theirs.hex()))
    if joined != payload:
        _fail(vid, "segment payloads do not concatenate to the large packet's payload")
    expect_tp = len(payload) if v["lso"]["version"] == 1 else None
    if v.get("tcpPayload", "absent") != expect_tp:
        _fail(vid, "tcpPayload %r, expected %r" % (v.get("tcpPayload"), expect_tp))

    wires = [bytes.fromhex(w) for w in v["wirePackets"]]
    if len(wires) != len(segs):
        _fail(vid, "%d wirePackets for %d segments" % (len(wires), len(segs)))
    alg = v["encryption"]["alg"]
    ivlen = ipsec_ref.IVLEN[alg]
    base = (v["seqHigh"] << 32 | v["seq"]) if v["esn"] else v["seq"]
    seen = set()
    for k, w in enumerate(wires):
        sn = base + k  # AMB-03 profile: segment k carries SN + k, carrying into the ESN high half
        if not v["esn"] and sn > 0xFFFFFFFF:
            _fail(vid, "segment %d: 32-bit sequence number would wrap without ESN" % k)
        if sn >> 64:
            _fail(vid, "segment %d: 64-bit sequence number wraps" % k)
        _, _, esp_off, nh = ipsec_ref.locate(w)
        if nh != 50:
            _fail(vid, "wirePackets[%d]: no ESP header" % k)
        iv = w[esp_off + 8:esp_off + 8 + ivlen]
        if k == 0 and iv.hex() != v["iv"]:
            _fail(vid, "segment 0 IV %s != vector iv %s" % (iv.hex(), v["iv"]))
        if alg in ("aes-gcm", "aes-gmac") and iv != sn.to_bytes(8, "big"):
            _fail(vid, "segment %d GCM IV %s is not its 64-bit sequence number %016x" % (k, iv.hex(), sn))
        if ivlen:
            if iv in seen:
                _fail(vid, "segment %d repeats IV %s" % (k, iv.hex()))
            seen.add(iv)
        sa = dict(v, seq=sn & 0xFFFFFFFF, seqHigh=sn >> 32, iv=iv.hex())
        try:
            got = ipsec_ref.unprotect_esp(vid, w, sa, None, False)
        except ipsec_ref.VectorError as e:
            _fail(vid, "wirePackets[%d]: %s" % (k, e))
        if got != segs[k]:
            _fail(vid, "wirePackets[%d] decrypts to %s, not expectSegments[%d]" % (k, got.hex(), k))
    return len(segs)


def check_file(path):
    with open(path, "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    v = json.loads(text)
    if b"\r" in raw or not text.endswith("\n") or text.endswith("\n\n"):
        raise LsoError("%s: line ends / final newline" % path)
    if dumps(v) != text:
        raise LsoError("%s: not in field order / 2-space layout" % path)
    if v["id"] + ".json" != os.path.basename(path):
        raise LsoError("%s: id does not match file name" % path)
    return v, check_vector(v)


def main(argv):
    folders = argv[1:] or ["vectors/lso"]
    passed = failed = 0
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            if not name.endswith(".json"):
                continue
            path = os.path.join(folder, name)
            try:
                v, n = check_file(path)
                print("PASS %s  [%d segments, LSOv%d, MSS %d]" % (v["id"], n, v["lso"]["version"], v["lso"]["mss"]))
                passed += 1
            except Exception as e:  # report every failure, keep going
                print("FAIL %s: %s" % (path, e))
                failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
