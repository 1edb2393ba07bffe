#!/usr/bin/python3
"""Generates vectors/lso/*.json: LSO golden vectors (`"kind": "lso"`) with Scapy 2.5.0.

Usage: /usr/bin/python3 tools/vectors/gen_lso.py vectors/lso

The expectations never come from this project's engine.  For each vector:
  1. plainPacket: the large TCP/IP packet, built by Scapy (IPv4 or IPv6, optional TCP timestamps
     option with NOP padding, IPv4 options or an IPv6 Hop-by-Hop header), with its real lengths and
     full checksums, i.e. a valid packet.
  2. expectSegments: this file's own segmentation of plainPacket, written over Scapy's packet
     model (segment_scapy below): payload slices of MSS bytes, TCP sequence number + k*MSS, FIN
     and PSH kept only on the last segment, CWR only on the first, options copied, IPv4 ID + k
     (LSOv1 mod 2^16, LSOv2 wrapping inside 0x0000-0x7FFF), and Scapy recomputing every length
     and checksum (SEND-18, wire-formats §5.1).
  3. wirePackets: every segment protected by Scapy's SecurityAssociation.encrypt() in ESP transport
     mode with sequence number seq + k of the 64-bit counter (carrying into the ESN high half,
     ARCHITECTURE §4 / AMB-03) and a deterministic IV: AES-GCM IV = the segment's 64-bit sequence
     number (big-endian); DES/3DES/AES-CBC IV = SHAKE-256(id|iv|k) (a device may choose other CBC
     IVs: checkers judge CBC segments semantically); ESP-NULL has none.
     Exception 1: ESP AES-GMAC (ENCR_NULL_AUTH_AES_GMAC, RFC 4543), which Scapy 2.5.0 lacks: the
     same segments are protected by esp_gmac() below with python3-cryptography's AESGCM (empty
     plaintext, AAD = SPI|[SN-high|]SN|IV|payload|padding|padlen|NH, tag = ICV; wire-formats §3.2,
     §1.5), IV = the 64-bit SN, and the IP header fixed up here; esp_gmac() is first checked
     against two published GMAC packets (ODP, and Linux rfc4543 with ESN; wire-formats §6.5, §6.6).
     Exception 2: ESP with HMAC and ESN.  Scapy 2.5.0's _encrypt_esp signs without SN-high, so for
     those segments Scapy runs without an integrity algorithm and the ICV
     HMAC(SPI|SN|IV|C|SN-high) (RFC 4303 §2.2.1) is computed here with python3-cryptography and
     appended; Scapy then recomputes the IP length and checksum.
Every vector is re-checked before it is written: Scapy's own decrypt of every segment must give
back the segment, the segmentation is re-derived by verify_lso.py with hand-written arithmetic,
and every wire segment is authenticated and decrypted by ipsec_ref.py (python3-cryptography).
One vector (lso-d7-...) is wire-formats §6.7 D7; its frames must equal the transcribed ones.

Deterministic: keys, SPIs, IVs, TCP/IP fields and payloads derive from the id with SHAKE-256.
"""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import scapy  # noqa: E402
import json  # noqa: E402
from cryptography.hazmat.primitives import hashes, hmac  # noqa: E402
from cryptography.hazmat.primitives.ciphers.aead import AESGCM  # noqa: E402
from scapy.layers.inet import IP, TCP, IPOption_Router_Alert  # noqa: E402
from scapy.layers.inet6 import IPv6, IPv6ExtHdrHopByHop, PadN  # noqa: E402
from scapy.layers.ipsec import ESP, SecurityAssociation  # noqa: E402
from scapy.packet import Raw  # noqa: E402

from gen_scapy import V4, V6, des_parity, det  # noqa: E402
import verify_lso  # noqa: E402

SOURCE = ("independent LSO segmentation over scapy 2.5.0 (Debian python3-scapy 2.5.0+dfsg-2) "
          "+ scapy SecurityAssociation per segment, tools/vectors/gen_lso.py")
SOURCE_GMAC = ("python3-cryptography 38.0.4 (Debian), tools/vectors/gen_lso.py (independent segmentation; "
               "ESP-GMAC built by the script, Scapy 2.5.0 lacks it)")

CRYPT = {"null": "NULL", "des-cbc": "DES", "3des-cbc": "3DES", "aes-cbc": "AES-CBC", "aes-gcm": "AES-GCM"}
AUTH = {"hmac-sha1-96": ("HMAC-SHA1-96", 20, 12, hashes.SHA1),
        "hmac-sha256-128": ("SHA2-256-128", 32, 16, hashes.SHA256)}
IVLEN = {"null": 0, "des-cbc": 8, "3des-cbc": 8, "aes-cbc": 16, "aes-gcm": 8, "aes-gmac": 8}

# The NDIS IPsec v2 ESP algorithms (ndis-ipsec-offload.md §4.3).  Scapy 2.5.0 protects all but
# AES-GMAC (ENCR_NULL_AUTH_AES_GMAC), which it lacks; esp_gmac() below builds those (kept last so
# that the earlier vectors' catalogue positions, hence their bytes, do not move).
ALGS = [("aesgcm128", "aes-gcm", 16, None), ("aesgcm192", "aes-gcm", 24, None), ("aesgcm256", "aes-gcm", 32, None),
        ("aescbc128-sha1", "aes-cbc", 16, "hmac-sha1-96"), ("aescbc128-sha256", "aes-cbc", 16, "hmac-sha256-128"),
        ("aescbc192-sha1", "aes-cbc", 24, "hmac-sha1-96"), ("aescbc192-sha256", "aes-cbc", 24, "hmac-sha256-128"),
        ("aescbc256-sha1", "aes-cbc", 32, "hmac-sha1-96"), ("aescbc256-sha256", "aes-cbc", 32, "hmac-sha256-128"),
        ("3descbc-sha1", "3des-cbc", 24, "hmac-sha1-96"), ("descbc-sha1", "des-cbc", 8, "hmac-sha1-96"),
        ("null-sha256", "null", 0, "hmac-sha256-128"),
        ("aesgmac128", "aes-gmac", 16, None), ("aesgmac192", "aes-gmac", 24, None),
        ("aesgmac256", "aes-gmac", 32, None)]
ALG = {a[0]: a for a in ALGS}

FLAG_TAG = {"A": "", "PA": "-psh", "FPA": "-fin-psh", "CA": "-cwr", "CFPA": "-cwr-fin-psh"}

# wire-formats.md §6.7 D7 (TSO + ESP transport, AES-GCM-128, MSS 128): super-packet and the three
# wire frames, transcribed.  The generator's own output for the D7 vector must equal them.
D7_SUPER = (
    "45000154100040004006a650c0a80102c0a801019c401389010000000200000050992000c7dc00000001020304050607"
    "08090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637"
    "38393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f6061626364656667"
    "68696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f9091929394959697"
    "98999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7"
    "c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7"
    "f8f9fafbfcfdfeff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627"
    "28292a2b")
D7_WIRE = [
    "450000cc100040004032a6acc0a80102c0a80101000010000000000100000000000000011004b910f54e7cb906bab16a"
    "b2114142d775d497d1c00135f607bdb37851f0f25e79d3d2640148fffbebbd3f8780da8c1ab4b555a609e9aabda5b56f"
    "70bd7beb188135b3bf4ede9da4f6312fe04137fca64c2a43fc21f1668ff9c7ab8788a4510a2035d38ae33c4f8dbff733"
    "dc300773a1751119a26eb0de2a04bd2b102e777a8e1c4affc25f8367904a79af2e03a1a470cbca846daf07cf9102258f"
    "9fd8cb89f784ef621dea57ae",
    "450000cc100140004032a6abc0a80102c0a8010100001000000000020000000000000002de51ee01649214e6a37aeb72"
    "c1634ece7a153b5df197ed331a5ceace02f8c39c3ba2b5217981c0ffb098d62c3cdc4b5e03aef48e2094b9a4703e0bab"
    "7e1f81df85227e5f57f5da3c727abbcbc01ff6183bf781a8e5647f8bd06d65b31bbe75bd912c22cb172250f5dbab5866"
    "c4daad01a4ef45b39deb6ba8c77bfc55f1588229f11c99602f8f8cd2d062d9ca684f388df221687b5905a7f49b8cbd0f"
    "8cc56ee62833def31b726c7e",
    "45000078100240004032a6fec0a80102c0a80101000010000000000300000000000000033a131fbb85e0d8656d38ccf2"
    "94e3a9acd599a532e0c624ea21965e9b186febb1c20c1dbf6d0f0d27db5f2c7343bd67cc6d4f8cecd914f595b481ddd7"
    "cb1619bbdb62217458f8c069cfb3614e2a75dd8658bcfd08"]


def u32(vid, label):
    return int.from_bytes(det(vid, label, 4), "big")


# ------------------------------------------------------------------ the large packet

def plain_packet(p):
    vid = p["id"]
    if "plain" in p:
        return bytes.fromhex(p["plain"])
    opts = [("NOP", None), ("NOP", None), ("Timestamp", (u32(vid, "tsval"), u32(vid, "tsecr")))] if p.get("ts") else []
    tcp = TCP(sport=49152 + det(vid, "sport", 1)[0], dport=443, seq=p.get("tseq", u32(vid, "tseq")),
              ack=u32(vid, "tack"), flags=p["flags"], window=0xfaf0, options=opts)
    if p["fam"] == 6:
        ip = IPv6(src=V6[0], dst=V6[1], hlim=64, tc=0x20, fl=u32(vid, "fl") & 0xFFFFF)
        if p.get("hbh"):
            ip = ip / IPv6ExtHdrHopByHop(options=[PadN(optdata=b"\x00\x00\x00\x00")])
    else:
        ident = p.get("ipid", u32(vid, "ipid") & (0x7FFF if p["version"] == 2 else 0xFFFF))
        ip = IP(src=V4[0], dst=V4[1], id=ident, flags="DF", ttl=64, tos=0x10, options=p.get("v4opts", []))
    return bytes(ip / tcp / Raw(det(vid, "payload", p["len"])))


# ------------------------------------------------------------------ segmentation (over Scapy)

def segment_scapy(plain, mss, version):
    cls = IP if plain[0] >> 4 == 4 else IPv6
    payload = bytes(cls(plain)[TCP].payload)
    count = -(-len(payload) // mss)
    out = []
    for k in range(count):
        s = cls(plain)
        t = s[TCP]
        t.remove_payload()
        t.add_payload(Raw(payload[k * mss:(k + 1) * mss]))
        t.seq = (t.seq + k * mss) % (1 << 32)
        fl = int(t.flags)
        if k < count - 1:
            fl &= ~0x09  # FIN, PSH only on the last segment
        if k > 0:
            fl &= ~0x80  # CWR only on the first segment
        t.flags = fl
        del t.chksum
        if cls is IP:
            s.id = (s.id + k) % (0x8000 if version == 2 else 0x10000)
            del s.len
            del s.chksum
        else:
            del s.plen
        out.append(bytes(cls(bytes(s))))
    return out, len(payload)


# ------------------------------------------------------------------ ESP per segment

def sa_material(p):
    vid = p["id"]
    _, enc, kl, integ = ALG[p["alg"]]
    if "keys" in p:
        key, salt, ikey = p["keys"]
    else:
        key = det(vid, "enckey", kl) if enc != "null" else b""
        if enc in ("des-cbc", "3des-cbc"):
            key = des_parity(key)
        salt = det(vid, "salt", 4) if enc in ("aes-gcm", "aes-gmac") else None
        ikey = det(vid, "authkey", AUTH[integ][1]) if integ else None
    return enc, integ, key, salt, ikey


def make_sa(p, low, high, with_auth):
    enc, integ, key, salt, ikey = sa_material(p)
    kw = {"crypt_algo": CRYPT[enc], "crypt_key": (key + (salt or b"")) if enc != "null" else None}
    if integ and with_auth:
        kw.update(auth_algo=AUTH[integ][0], auth_key=ikey)
    # A fresh SA per segment: Scapy reads `seq_num or self.seq_num` and `esn or self.esn`, so a
    # segment whose low or high half is 0 would otherwise pick up the SA's values.
    return SecurityAssociation(ESP, spi=p["spi"], seq_num=low, esn_en=p["esn"], esn=high, **kw)


def segment_iv(p, k, sn):
    enc = ALG[p["alg"]][1]
    if enc in ("aes-gcm", "aes-gmac"):
        return sn.to_bytes(8, "big")  # RFC 4106/4543 practice: IV = 64-bit SN (ARCHITECTURE §4)
    return det(p["id"], "iv|%d" % k, IVLEN[enc])


def esp_gmac(key, salt, spi, sn, esn, iv, payload, nh):
    """The ESP header, IV, clear payload, trailer and ICV of one RFC 4543 ENCR_NULL_AUTH_AES_GMAC
    packet (wire-formats §3.2): RFC 4303 minimal padding to 4 bytes with contents 1, 2, 3, ...;
    GCM over an empty plaintext with nonce salt|IV and AAD SPI|SN|IV|payload|padding|padlen|NH,
    with ESN SPI|SN-high|SN-low|... (§1.5); the 16-byte tag is the ICV."""
    padlen = (-(len(payload) + 2)) % 4
    trailer = payload + bytes(range(1, padlen + 1)) + bytes([padlen, nh])
    head = struct.pack("!II", spi, sn & 0xFFFFFFFF)
    aad = head[:4] + (struct.pack("!I", sn >> 32) if esn else b"") + head[4:] + iv + trailer
    tag = AESGCM(key).encrypt(salt + iv, b"", aad)
    assert len(tag) == 16
    return head + iv + trailer + tag


def esp_insertion_point(pkt):
    """(index of the protocol byte to become 50, offset where ESP goes) for transport mode:
    after the IPv4 header with options, or after IPv6 Hop-by-Hop / Routing headers."""
    if pkt[0] >> 4 == 4:
        return 9, (pkt[0] & 0x0F) * 4
    nh_pos, off = 6, 40
    while pkt[nh_pos] in (0, 43):
        nh_pos, off = off, off + (pkt[off + 1] + 1) * 8
    if pkt[nh_pos] == 60:
        raise AssertionError("Destination Options placement not handled")
    return nh_pos, off


def wrap_esp(pkt, nh_pos, off, esp):
    """The IP header up to off followed by esp, with protocol 50 and fixed lengths/checksum."""
    w = bytearray(pkt[:off] + esp)
    w[nh_pos] = 50
    if w[0] >> 4 == 4:
        ihl = (w[0] & 0x0F) * 4
        struct.pack_into("!H", w, 2, len(w))
        w[10:12] = b"\x00\x00"
        total = sum(struct.unpack("!%dH" % (ihl // 2), bytes(w[:ihl])))
        while total >> 16:
            total = (total & 0xFFFF) + (total >> 16)
        struct.pack_into("!H", w, 10, ~total & 0xFFFF)
    else:
        struct.pack_into("!H", w, 4, len(w) - 40)
    return bytes(w)


def protect_gmac(p, seg, sn):
    _, _, key, salt, _ = sa_material(p)
    nh_pos, off = esp_insertion_point(seg)
    iv = sn.to_bytes(8, "big")
    esp = esp_gmac(key, salt, p["spi"], sn, p["esn"], iv, seg[off:], seg[nh_pos])
    return wrap_esp(seg, nh_pos, off, esp), iv


# Linux xfrm rfc4543(gcm(aes)) ESP data with `esn`, SN-low 5, SN-high 1, tunnel mode (next header 4);
# wire-formats §6.6 (from secdev/scapy test/scapy/layers/ipsec.uts), transcribed.  Key/salt =
# ASCII "16bytekey+4bytenonce", SPI 0x222.
LINUX_GMAC_ESN = (
    "43e6a1ce709d67f4450000542e4a40004001f7620a7d00020a7d00010800d332"
    "8f4c00028dec0964000000003c5b030000000000101112131415161718191a1b"
    "1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363701020204"
    "76d4939075ee3fa3f3cfcc27f55b12b6")


def check_esp_gmac():
    """esp_gmac() and wrap_esp() must reproduce two published ESP-GMAC packets byte for byte."""
    data = bytes.fromhex(LINUX_GMAC_ESN)
    km = b"16bytekey+4bytenonce"
    inner = data[8:len(data) - 16 - 4]
    got = esp_gmac(km[:16], km[16:], 0x222, 1 << 32 | 5, True, data[:8], inner, 4)
    if got[8:] != data:
        raise AssertionError("esp_gmac differs from the Linux rfc4543 ESN packet (wire-formats §6.6)")
    # ODP pkt_ipv4_icmp_0_esp_null_aes_gmac_128_1 (wire-formats §6.5), as written by gen_published.py
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "vectors", "published", "odp-esp-aesgmac128-transport-v4.json"),
              encoding="utf-8") as f:
        odp = json.load(f)
    plain = bytes.fromhex(odp["plainPacket"])
    nh_pos, off = esp_insertion_point(plain)
    enc = odp["encryption"]
    esp = esp_gmac(bytes.fromhex(enc["key"]), bytes.fromhex(enc["salt"]), odp["spi"], odp["seq"], False,
                   bytes.fromhex(odp["iv"]), plain[off:], plain[nh_pos])
    if wrap_esp(plain, nh_pos, off, esp).hex() != odp["wirePacket"]:
        raise AssertionError("esp_gmac differs from the ODP ESP-GMAC packet (wire-formats §6.5)")


def protect(p, seg, k, sn):
    enc, integ, _, _, ikey = sa_material(p)
    if enc == "aes-gmac":
        return protect_gmac(p, seg, sn)
    low, high = sn & 0xFFFFFFFF, sn >> 32
    cls = IP if seg[0] >> 4 == 4 else IPv6
    own_icv = bool(integ and p["esn"])
    sa = make_sa(p, low, high, not own_icv)
    iv = segment_iv(p, k, sn)
    wire = sa.encrypt(cls(seg), seq_num=low, iv=iv, esn_en=p["esn"], esn=high)
    if own_icv:
        # RFC 4303 §2.2.1: the ICV covers SPI|SN|IV|ciphertext followed by SN-high.
        h = hmac.HMAC(ikey, AUTH[integ][3]())
        h.update(bytes(wire[ESP]) + struct.pack("!I", high))
        wire[ESP].data += h.finalize()[:AUTH[integ][2]]
        if cls is IP:
            del wire.len
            del wire.chksum
        else:
            del wire.plen
        wire = cls(bytes(wire))
    out = bytes(wire)
    # Scapy's own decrypt must give the segment back (verifying the ICV where Scapy can).
    back = make_sa(p, low, high, True).decrypt(cls(out), verify=not own_icv, esn_en=p["esn"], esn=high)
    if bytes(back) != seg:
        raise AssertionError("%s: Scapy decrypt of segment %d differs" % (p["id"], k))
    return out, iv


# ------------------------------------------------------------------ notes

def notes_for(p, count, tcp_payload):
    enc = ALG[p["alg"]][1]
    n = []
    if p["version"] == 1:
        n.append("LSOv1 (IPv4): the framer writes the framed large packet's real IPv4 Total Length (the NIC takes "
                 "the length from the IP header, SEND-18); the completion reports TcpPayload = %d (SEND-20)." % tcp_payload)
    else:
        n.append("LSOv2: plainPacket carries the real %s so that it is a valid packet; the framer must write 0 "
                 "there in the NET_BUFFER it hands to the NIC, which takes the length from the NET_BUFFER "
                 "(SEND-18; [LSO] 'for LSOv2, set the Total Length field to 0'). The completion carries "
                 "LsoV2TransmitComplete Reserved 0, Type 1 and no byte count, so tcpPayload is null (SEND-20)."
                 % ("IPv4 Total Length" if p["fam"] == 4 else "IPv6 Payload Length"))
        if p["fam"] == 4:
            n.append("IPv4 ID of segment k = (template ID + k) wrapping inside 0x0000-0x7FFF.")
    n.append("plainPacket carries the full TCP checksum; as the transport does for LSO, the framer replaces it "
             "with the pseudo-header sum over source, destination and protocol (no length) ([LSO]). The LSO "
             "buffer is [IP][ESP hdr][IV][TCP][payload][PadLength pad bytes] with no trailer or ICV (AMB-04 "
             "profile); every segment is a complete ESP packet with RFC 4303 default padding and next header 6.")
    last = (p["seqHigh"] << 32 | p["seq"]) + count - 1
    n.append("%d segments, ESP sequence numbers %s through %s (seq + k%s)."
             % (count, fmt_sn(p, p["seqHigh"] << 32 | p["seq"]), fmt_sn(p, last),
                ", the 64-bit counter carrying into the ESN high half" if p["esn"] else ""))
    if enc == "aes-gmac":
        n.append("ESP AES-GMAC (RFC 4543): payload and trailer travel in clear; ICV = GCM tag over an empty "
                 "plaintext with AAD SPI|%sSN|IV|payload|padding|padlen|NH (wire-formats §3.2%s). Built with "
                 "python3-cryptography by the generator (Scapy 2.5.0 has no GMAC); the same builder reproduces "
                 "the ODP and Linux rfc4543 packets of wire-formats §6.5/§6.6." % (
                     "SN-high|" if p["esn"] else "", ", §1.5" if p["esn"] else ""))
    if enc in ("aes-gcm", "aes-gmac"):
        n.append("IV of segment k = its 64-bit sequence number (transport IV = SN, device IV = IV + k): "
                 "wirePackets are byte-exact under that profile.")
    elif enc == "null":
        n.append("ESP-NULL: no IV; wirePackets are byte-exact.")
    else:
        n.append("CBC: the IV of segment 0 is the transport's (iv); the IVs of later segments in wirePackets are "
                 "SHAKE-256(id|iv|k) chosen by the generator. A device may choose other CBC IVs, so checkers judge "
                 "CBC segments semantically against expectSegments (authenticate, decrypt, seq + k, default "
                 "padding, no repeated IV) and byte-compare only where the device uses the same IVs.")
    if p["esn"] and ALG[p["alg"]][3]:
        n.append("HMAC with ESN: Scapy 2.5.0 leaves SN-high out of the ESP ICV, so the ICV of every segment was "
                 "computed with python3-cryptography as HMAC(SPI|SN|IV|C|SN-high) over Scapy's ciphertext.")
    n.extend(p.get("notes", []))
    return " ".join(n)


def fmt_sn(p, sn):
    return "%d:0x%08x" % (sn >> 32, sn & 0xFFFFFFFF) if p["esn"] else "0x%08x" % sn


# ------------------------------------------------------------------ one vector

def build_vector(p):
    vid = p["id"]
    _, enc, _, integ = ALG[p["alg"]]
    p.setdefault("spi", u32(vid, "spi") | 0x01000000)
    p.setdefault("esn", False)
    p.setdefault("seqHigh", 0)
    plain = plain_packet(p)
    segs, tcp_payload = segment_scapy(plain, p["mss"], p["version"])
    base = p["seqHigh"] << 32 | p["seq"]
    wires, ivs = [], []
    for k, seg in enumerate(segs):
        w, iv = protect(p, seg, k, base + k)
        wires.append(w.hex())
        ivs.append(iv)
    _, _, key, salt, ikey = sa_material(p)
    v = {"id": vid, "source": p.get("source", SOURCE_GMAC if enc == "aes-gmac" else SOURCE), "kind": "lso", "proto": "esp", "mode": "transport",
         "spi": p["spi"], "seq": p["seq"], "esn": p["esn"], "seqHigh": p["seqHigh"],
         "encryption": {"alg": enc, "key": key.hex(), "salt": salt.hex() if salt else None},
         "integrity": {"alg": integ, "key": ikey.hex()} if integ else None,
         "icvLength": AUTH[integ][2] if integ else 16, "iv": ivs[0].hex(), "tunnel": None, "udpEncap": None,
         "lso": {"mss": p["mss"], "version": p["version"]}, "plainPacket": plain.hex(),
         "tcpPayload": tcp_payload if p["version"] == 1 else None,
         "expectSegments": [s.hex() for s in segs], "wirePackets": wires,
         "notes": notes_for(p, len(segs), tcp_payload)}
    verify_lso.check_vector(v)
    return v


# ------------------------------------------------------------------ the catalogue

SEQS = [1, 0x1a2b3c4d, 0x7f3e2d1c, 0xfedcba98, 0x10, 0xfffffff0, 0x2a, 0x89abcdef]
SIZES = [(2, -1), (2, 0), (2, 1), (3, -1), (3, 0), (3, 1)]
MSS4 = [1460, 536, 1448, 1000, 1380, 600]
MSS6 = [1440, 1220, 1428, 512, 1000, 1232]
FLAGS = ["A", "PA", "FPA", "CA", "CFPA"]


def vid_of(alg, fam, version, mss, length, extra=""):
    return "lso-esp-%s-v%d-lsov%d-mss%d-pay%d%s" % (alg, fam, version, mss, length, extra)


def catalogue():
    vs = []
    k = 0
    # Algorithm matrix: every algorithm over IPv4 (LSOv1 and LSOv2 alternating) and IPv6 (LSOv2);
    # payload MSS*n-1, MSS*n, MSS*n+1 (n = 2, 3); TCP timestamps on every other vector; flags rotate.
    for alg, _, _, _ in ALGS:
        for fam in (4, 6):
            version = 2 if fam == 6 else 1 + (k // 2) % 2
            n, delta = SIZES[k % 6]
            mss = (MSS4 if fam == 4 else MSS6)[(k // 2) % 6]
            length = mss * n + delta
            ts = (k // 2 + (fam == 6)) % 2 == 1
            flags = FLAGS[k % 5]
            extra = ("-ts" if ts else "") + FLAG_TAG[flags]
            vs.append({"id": vid_of(alg, fam, version, mss, length, extra), "alg": alg, "fam": fam,
                       "version": version, "mss": mss, "len": length, "ts": ts, "flags": flags,
                       "seq": SEQS[k % len(SEQS)]})
            k += 1

    # MSS 1: a few payload bytes, one segment each
    vs.append({"id": vid_of("aesgcm128", 4, 2, 1, 5), "alg": "aesgcm128", "fam": 4, "version": 2, "mss": 1,
               "len": 5, "flags": "PA", "seq": 0x01020304})
    vs.append({"id": vid_of("aescbc128-sha1", 6, 2, 1, 3, "-ts-fin-psh"), "alg": "aescbc128-sha1", "fam": 6,
               "version": 2, "mss": 1, "len": 3, "ts": True, "flags": "FPA", "seq": 0x0badcafe})
    vs.append({"id": vid_of("null-sha256", 4, 1, 1, 4, "-cwr"), "alg": "null-sha256", "fam": 4,
               "version": 1, "mss": 1, "len": 4, "flags": "CA", "seq": 0x5eed0001})

    # Jumbo MSS 9000 with more than 9000 payload bytes
    vs.append({"id": vid_of("aesgcm256", 4, 1, 9000, 20000, "-psh"), "alg": "aesgcm256", "fam": 4,
               "version": 1, "mss": 9000, "len": 20000, "flags": "PA", "seq": 0x00c0ffee})
    vs.append({"id": vid_of("aescbc256-sha256", 6, 2, 9000, 9001, "-ts"), "alg": "aescbc256-sha256", "fam": 6,
               "version": 2, "mss": 9000, "len": 9001, "ts": True, "flags": "A", "seq": 0x31415926})

    # ESN: 4 segments, SN 5:0xfffffffe, 5:0xffffffff, 6:0x00000000, 6:0x00000001
    esn = {"esn": True, "seq": 0xFFFFFFFE, "seqHigh": 5}
    vs.append(dict(esn, id=vid_of("aesgcm128", 4, 2, 1000, 3500, "-esn-carry-psh"), alg="aesgcm128", fam=4,
                   version=2, mss=1000, len=3500, flags="PA"))
    vs.append(dict(esn, id=vid_of("aescbc128-sha256", 6, 2, 1220, 4880, "-esn-carry-ts"), alg="aescbc128-sha256",
                   fam=6, version=2, mss=1220, len=4880, ts=True, flags="A"))
    vs.append(dict(esn, id=vid_of("3descbc-sha1", 4, 1, 1460, 5000, "-esn-carry-fin-psh"), alg="3descbc-sha1",
                   fam=4, version=1, mss=1460, len=5000, flags="FPA"))
    vs.append(dict(esn, id=vid_of("aesgcm256", 6, 2, 1428, 4285, "-esn-carry-ts-cwr"), alg="aesgcm256", fam=6,
                   version=2, mss=1428, len=4285, ts=True, flags="CA"))

    # ESP AES-GMAC beyond the matrix: ESN carry, IPv6 Hop-by-Hop and IPv4 options before ESP
    vs.append(dict(esn, id=vid_of("aesgmac192", 6, 2, 1232, 4927, "-esn-carry-ts-fin-psh"), alg="aesgmac192",
                   fam=6, version=2, mss=1232, len=4927, ts=True, flags="FPA"))
    vs.append({"id": vid_of("aesgmac256", 6, 2, 1000, 2001, "-hbh-cwr"), "alg": "aesgmac256", "fam": 6,
               "version": 2, "mss": 1000, "len": 2001, "flags": "CA", "seq": 0x00000777, "hbh": True,
               "notes": ["IPv6 Hop-by-Hop header (PadN) copied to every segment; ESP follows it."]})
    vs.append({"id": vid_of("aesgmac128", 4, 2, 1460, 2921, "-v4opts-ts-psh"), "alg": "aesgmac128", "fam": 4,
               "version": 2, "mss": 1460, "len": 2921, "ts": True, "flags": "PA", "seq": 0x13579bdf,
               "v4opts": [IPOption_Router_Alert()],
               "notes": ["IPv4 option Router Alert (4 bytes) copied unchanged to every segment; ESP follows the "
                         "options."]})

    # IPv4 Identification wrap rules; the TCP sequence number wraps mod 2^32 inside the burst too
    vs.append({"id": vid_of("aesgcm128", 4, 2, 1000, 3999, "-ipid7ffe-wrap15"), "alg": "aesgcm128", "fam": 4,
               "version": 2, "mss": 1000, "len": 3999, "flags": "PA", "seq": 0x00000100, "ipid": 0x7FFE,
               "tseq": 0xFFFFF800,
               "notes": ["LSOv2 IPv4 ID 0x7ffe, 0x7fff, 0x0000, 0x0001 ([LSO] example); TCP sequence number wraps "
                         "mod 2^32 between segments 1 and 2."]})
    vs.append({"id": vid_of("aescbc128-sha1", 4, 1, 1000, 4000, "-ipidfffe-wrap16"), "alg": "aescbc128-sha1",
               "fam": 4, "version": 1, "mss": 1000, "len": 4000, "flags": "FPA", "seq": 0x00000200, "ipid": 0xFFFE,
               "notes": ["LSOv1 IPv4 ID 0xfffe, 0xffff, 0x0000, 0x0001 (ID + k mod 2^16)."]})
    vs.append({"id": vid_of("aesgcm192", 4, 1, 1000, 3001, "-ipid7ffe-no-wrap15"), "alg": "aesgcm192", "fam": 4,
               "version": 1, "mss": 1000, "len": 3001, "ts": True, "flags": "CFPA", "seq": 0x00000300,
               "ipid": 0x7FFE,
               "notes": ["LSOv1 IPv4 ID 0x7ffe, 0x7fff, 0x8000, 0x8001: the 15-bit wrap is an LSOv2 rule only."]})

    # IPv4 options and an IPv6 extension header copied to every segment
    vs.append({"id": vid_of("aescbc256-sha1", 4, 2, 1200, 2401, "-v4opts-ts"), "alg": "aescbc256-sha1", "fam": 4,
               "version": 2, "mss": 1200, "len": 2401, "ts": True, "flags": "PA", "seq": 0x00abcdef,
               "v4opts": [IPOption_Router_Alert()],
               "notes": ["IPv4 option Router Alert (4 bytes) copied unchanged to every segment; ESP follows the "
                         "options."]})
    vs.append({"id": vid_of("aesgcm128", 6, 2, 1200, 2399, "-hbh"), "alg": "aesgcm128", "fam": 6, "version": 2,
               "mss": 1200, "len": 2399, "flags": "FPA", "seq": 0x00fedcba, "hbh": True,
               "notes": ["IPv6 Hop-by-Hop header (PadN) copied to every segment; ESP follows it."]})

    # wire-formats §6.7 D7 (published in this project's digest, computed with Scapy per segment)
    vs.append({"id": "lso-d7-esp-aesgcm128-v4-lsov1-mss128-pay300-cwr-fin-psh", "alg": "aesgcm128", "fam": 4,
               "version": 1, "mss": 128, "plain": D7_SUPER, "seq": 1, "spi": 0x00001000,
               "keys": (bytes.fromhex("feffe9928665731c6d6a8f9467308308"), bytes.fromhex("cafebabe"), None),
               "source": SOURCE + "; super-packet, SA and frames of shared/spec/wire-formats.md §6.7 D7",
               "notes": ["wire-formats §6.7 D7: the three wire frames equal the digest's transcribed frames."]})
    return vs


def main(argv):
    folder = argv[1] if len(argv) > 1 else "vectors/lso"
    assert scapy.VERSION == "2.5.0", "generated with Scapy 2.5.0; got %s" % scapy.VERSION
    check_esp_gmac()
    os.makedirs(folder, exist_ok=True)
    cat = catalogue()
    ids = [p["id"] for p in cat]
    assert len(set(ids)) == len(ids), "duplicate ids"
    for p in cat:
        v = build_vector(p)
        if p["id"].startswith("lso-d7-") and v["wirePackets"] != D7_WIRE:
            raise AssertionError("D7 frames differ from wire-formats §6.7")
        with open(os.path.join(folder, v["id"] + ".json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(verify_lso.dumps(v))
    print("%d LSO vectors written to %s (each re-checked with Scapy decrypt, except GMAC, and verify_lso)" % (len(cat), folder))


if __name__ == "__main__":
    main(sys.argv)
