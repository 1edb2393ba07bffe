#!/usr/bin/python3
"""Independent receive-side checker for golden transform vectors.

Written directly on python3-cryptography (hmac/hashes/ciphers) and hand-written
header parsing; it shares no code with Scapy's scapy.layers.ipsec nor with the
project's C# engine.  Given one vector (a dict in the format of
shared/design/vectors-schema.md) it:

  * checks the outer IPv4 header checksum / total length or the IPv6 payload length,
  * checks the UDP-encapsulation header (ports, length, checksum; IPv6 checksum must be
    the full, non-zero checksum),
  * verifies the ESP or AH ICV (HMAC-MD5-96 / SHA1-96 / SHA256-128, AES-GCM, AES-GMAC;
    ESN high word where each transform puts it, AH mutable-field zeroing),
  * decrypts ESP, checks the trailer uses RFC 4303 default padding (1, 2, 3, ... and the
    fewest pad bytes) unless the vector gives `padding`,
  * rebuilds the plaintext IP packet and compares it with `plainPacket`.

Any mismatch raises VectorError with a message naming the field.
"""

import struct

from cryptography.hazmat.backends import default_backend
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class VectorError(Exception):
    """A vector does not verify."""


def _fail(vid, msg):
    raise VectorError("%s: %s" % (vid, msg))


# ---------------------------------------------------------------- checksums

def inet_checksum(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4_header_checksum(hdr):
    h = bytearray(hdr)
    h[10:12] = b"\x00\x00"
    return inet_checksum(bytes(h))


# ---------------------------------------------------------------- IP parsing

IPV6_EXT = (0, 43, 60)  # hop-by-hop, routing, destination options (ones we walk)


def locate(pkt):
    """Return (version, nh_pos, offset, nh) of the first header that is not IPv4/IPv6
    fixed header or a walked IPv6 extension header.  nh_pos is the index of the byte
    holding that header's protocol number."""
    ver = pkt[0] >> 4
    if ver == 4:
        ihl = (pkt[0] & 0x0F) * 4
        return 4, 9, ihl, pkt[9]
    if ver != 6:
        raise ValueError("not an IP packet")
    nh_pos, off, nh = 6, 40, pkt[6]
    while nh in IPV6_EXT:
        nxt = pkt[off]
        hlen = (pkt[off + 1] + 1) * 8
        nh_pos, off, nh = off, off + hlen, nxt
    return 6, nh_pos, off, nh


def check_ip_lengths(vid, pkt, what):
    ver = pkt[0] >> 4
    if ver == 4:
        ihl = (pkt[0] & 0x0F) * 4
        if struct.unpack("!H", pkt[2:4])[0] != len(pkt):
            _fail(vid, "%s IPv4.TotalLength %d != %d" % (what, struct.unpack("!H", pkt[2:4])[0], len(pkt)))
        ck = struct.unpack("!H", pkt[10:12])[0]
        if ck != ipv4_header_checksum(pkt[:ihl]):
            _fail(vid, "%s IPv4.HeaderChecksum %04x != %04x" % (what, ck, ipv4_header_checksum(pkt[:ihl])))
    else:
        if struct.unpack("!H", pkt[4:6])[0] != len(pkt) - 40:
            _fail(vid, "%s IPv6.PayloadLength" % what)


def fix_ip(pkt, nh_pos, nh):
    """Set the protocol byte at nh_pos, fix lengths and the IPv4 checksum."""
    p = bytearray(pkt)
    p[nh_pos] = nh
    if p[0] >> 4 == 4:
        ihl = (p[0] & 0x0F) * 4
        p[2:4] = struct.pack("!H", len(p))
        p[10:12] = b"\x00\x00"
        p[10:12] = struct.pack("!H", inet_checksum(bytes(p[:ihl])))
    else:
        p[4:6] = struct.pack("!H", len(p) - 40)
    return bytes(p)


# ---------------------------------------------------------------- primitives

_HASH = {"hmac-md5-96": (hashes.MD5, 12), "hmac-sha1-96": (hashes.SHA1, 12),
         "hmac-sha256-128": (hashes.SHA256, 16)}


def hmac_icv(alg, key, data):
    h = hmac.HMAC(key, _HASH[alg][0](), backend=default_backend())
    h.update(data)
    return h.finalize()[:_HASH[alg][1]]


def gcm_encrypt(key, nonce, aad, plaintext):
    enc = Cipher(algorithms.AES(key), modes.GCM(nonce), backend=default_backend()).encryptor()
    enc.authenticate_additional_data(aad)
    ct = enc.update(plaintext) + enc.finalize()
    return ct, enc.tag


def cbc_decrypt(alg, key, iv, ct):
    if alg == "aes-cbc":
        cipher = algorithms.AES(key)
    else:  # des-cbc (8-byte key = K1=K2=K3) and 3des-cbc
        cipher = algorithms.TripleDES(key)
    dec = Cipher(cipher, modes.CBC(iv), backend=default_backend()).decryptor()
    return dec.update(ct) + dec.finalize()


BLOCK = {"null": 1, "des-cbc": 8, "3des-cbc": 8, "aes-cbc": 16, "aes-gcm": 1, "aes-gmac": 1}
IVLEN = {"null": 0, "des-cbc": 8, "3des-cbc": 8, "aes-cbc": 16, "aes-gcm": 8, "aes-gmac": 8}


def _lcm4(b):
    return 4 if b in (1, 2, 4) else b


# ---------------------------------------------------------------- ESP

def unprotect_esp(vid, pkt, sa, udp_encap, tunnel):
    ver, nh_pos, off, nh = locate(pkt)
    check_ip_lengths(vid, pkt, "outer")
    if udp_encap is not None:
        if nh != 17:
            _fail(vid, "UDP-encapsulated ESP but next header %d" % nh)
        sport, dport, ulen, uck = struct.unpack("!HHHH", pkt[off:off + 8])
        if (sport, dport) != (udp_encap["sport"], udp_encap["dport"]):
            _fail(vid, "UDP ports %d/%d" % (sport, dport))
        if ulen != len(pkt) - off:
            _fail(vid, "UDP.Length %d != %d" % (ulen, len(pkt) - off))
        seg = bytearray(pkt[off:])
        seg[6:8] = b"\x00\x00"
        if ver == 4:
            pseudo = pkt[12:20] + struct.pack("!BBH", 0, 17, ulen)
        else:
            pseudo = pkt[8:40] + struct.pack("!IxxxB", ulen, 17)
        want = inet_checksum(pseudo + bytes(seg)) or 0xFFFF
        if ver == 6 and uck != want:
            _fail(vid, "UDP.Checksum (IPv6) %04x != full checksum %04x" % (uck, want))
        if ver == 4 and uck not in (0, want):
            _fail(vid, "UDP.Checksum (IPv4) %04x is neither 0 nor %04x" % (uck, want))
        esp_off = off + 8
    else:
        if nh != 50:
            _fail(vid, "expected ESP (50) at offset %d, found %d" % (off, nh))
        esp_off = off
    esp = pkt[esp_off:]
    spi, seq = struct.unpack("!II", esp[:8])
    if spi != sa["spi"] or seq != sa["seq"]:
        _fail(vid, "ESP.SPI/SeqLo %08x/%08x != %08x/%08x" % (spi, seq, sa["spi"], sa["seq"]))
    enc = sa["encryption"]
    alg = enc["alg"]
    key = bytes.fromhex(enc.get("key") or "")
    ivlen = IVLEN[alg]
    iv = esp[8:8 + ivlen]
    if iv.hex() != sa["iv"]:
        _fail(vid, "ESP.IV %s != %s" % (iv.hex(), sa["iv"]))
    icvlen = sa["icvLength"]
    body = esp[8 + ivlen:len(esp) - icvlen]
    icv = esp[len(esp) - icvlen:]
    hi = struct.pack("!I", sa["seqHigh"]) if sa["esn"] else b""
    if alg in ("aes-gcm", "aes-gmac"):
        salt = bytes.fromhex(enc["salt"])
        aad = esp[:4] + hi + esp[4:8]
        if alg == "aes-gcm":
            # decrypt by regenerating the keystream: GCM encryption of the ciphertext is
            # CTR, so encrypt(ct) xor-free path: use a CTR decryptor starting at counter 2
            ctr = Cipher(algorithms.AES(key), modes.CTR(salt + iv + b"\x00\x00\x00\x02"),
                         backend=default_backend()).decryptor()
            pt = ctr.update(body) + ctr.finalize()
            ct2, tag = gcm_encrypt(key, salt + iv, aad, pt)
            if ct2 != body:
                _fail(vid, "GCM re-encryption mismatch")
        else:
            pt = body
            _, tag = gcm_encrypt(key, salt + iv, aad + iv + body, b"")
        if tag[:icvlen] != icv:
            _fail(vid, "ESP.ICV %s != %s (%s)" % (icv.hex(), tag[:icvlen].hex(), alg))
    else:
        integ = sa["integrity"]
        if integ is not None:
            want = hmac_icv(integ["alg"], bytes.fromhex(integ["key"]), esp[:len(esp) - icvlen] + hi)
            if want != icv:
                _fail(vid, "ESP.ICV %s != %s" % (icv.hex(), want.hex()))
        elif icvlen:
            _fail(vid, "icvLength without integrity")
        pt = body if alg == "null" else cbc_decrypt(alg, key, iv, body)
    padlen, nxt = pt[-2], pt[-1]
    payload = pt[:len(pt) - 2 - padlen]
    padding = pt[len(pt) - 2 - padlen:len(pt) - 2]
    align = _lcm4(BLOCK[alg])
    if len(pt) % align:
        _fail(vid, "ESP ciphertext length %d not aligned to %d" % (len(pt), align))
    if "padding" in sa and sa["padding"] is not None:
        if padding.hex() != sa["padding"]:
            _fail(vid, "ESP.Padding differs from vector's padding")
    else:
        if padding != bytes(range(1, padlen + 1)):
            _fail(vid, "ESP.Padding is not 1,2,3,...: %s" % padding.hex())
        if padlen != (-(len(payload) + 2)) % align:
            _fail(vid, "ESP.PadLength %d is not minimal (%d)" % (padlen, (-(len(payload) + 2)) % align))
    if tunnel:
        if nxt not in (4, 41):
            _fail(vid, "tunnel mode but ESP next header %d" % nxt)
        return payload
    hdr = pkt[:off]  # IP header + ext headers (UDP header dropped)
    return fix_ip(hdr + payload, nh_pos, nxt)


# ---------------------------------------------------------------- AH

IMMUTABLE_V4_OPTS = (0x00, 0x01, 0x82, 0x85, 0x86, 0x94, 0x95)


def _zero_v4(p):
    ihl = (p[0] & 0x0F) * 4
    p[1] = 0
    p[6:8] = b"\x00\x00"
    p[8] = 0
    p[10:12] = b"\x00\x00"
    i = 20
    while i < ihl:
        t = p[i]
        if t == 0:
            break  # End of Option List: the rest is immutable padding
        if t == 1:
            i += 1
            continue
        ln = p[i + 1]
        if t in (0x83, 0x89):
            raise ValueError("source route options not supported by this checker")
        if t not in IMMUTABLE_V4_OPTS:
            p[i:i + ln] = b"\x00" * ln
        i += ln


def _zero_v6(p, ah_off):
    p[0] = 0x60
    p[1:4] = b"\x00\x00\x00"
    p[7] = 0
    nh, off = p[6], 40
    while off < ah_off:
        hlen = (p[off + 1] + 1) * 8
        if nh in (0, 60):
            i = off + 2
            while i < off + hlen:
                t = p[i]
                if t == 0:
                    i += 1
                    continue
                ln = p[i + 1]
                if t & 0x20:
                    p[i + 2:i + 2 + ln] = b"\x00" * ln
                i += 2 + ln
        elif nh == 43:
            rtype, segleft = p[off + 2], p[off + 3]
            if rtype not in (0, 2):
                raise ValueError("routing type %d not supported" % rtype)
            n = p[off + 1] // 2
            if segleft:
                addrs = [bytes(p[off + 8 + 16 * k:off + 24 + 16 * k]) for k in range(n)]
                final = addrs[n - 1]
                first = n - segleft
                moved = [bytes(p[24:40])] + addrs[first:n - 1]
                addrs[first:n] = moved
                p[off + 3] = 0
                for k in range(n):
                    p[off + 8 + 16 * k:off + 24 + 16 * k] = addrs[k]
                p[24:40] = final
        nh = p[off]
        off += hlen


def unprotect_ah(vid, pkt, sa, tunnel):
    ver, nh_pos, off, nh = locate(pkt)
    check_ip_lengths(vid, pkt, "outer")
    if nh != 51:
        _fail(vid, "expected AH (51) at offset %d, found %d" % (off, nh))
    ah_nh, plen = pkt[off], pkt[off + 1]
    ahlen = (plen + 2) * 4
    if pkt[off + 2:off + 4] != b"\x00\x00":
        _fail(vid, "AH.Reserved not zero")
    spi, seq = struct.unpack("!II", pkt[off + 4:off + 12])
    if spi != sa["spi"] or seq != sa["seq"]:
        _fail(vid, "AH.SPI/SeqLo %08x/%08x != %08x/%08x" % (spi, seq, sa["spi"], sa["seq"]))
    integ = sa["integrity"]
    gmac = integ["alg"] == "aes-gmac"
    ivlen = 8 if gmac else 0
    icvlen = sa["icvLength"]
    align = 4 if ver == 4 else 8
    need = 12 + ivlen + icvlen
    if ahlen != need + (-need % align):
        _fail(vid, "AH length %d is not the minimal %d" % (ahlen, need + (-need % align)))
    iv = pkt[off + 12:off + 12 + ivlen]
    if iv.hex() != sa.get("iv", ""):
        _fail(vid, "AH.IV %s != %s" % (iv.hex(), sa.get("iv")))
    icv = pkt[off + 12 + ivlen:off + 12 + ivlen + icvlen]
    if any(pkt[off + need:off + ahlen]):
        _fail(vid, "AH padding not zero")
    z = bytearray(pkt)
    z[off + 12 + ivlen:off + ahlen] = b"\x00" * (ahlen - 12 - ivlen)
    if ver == 4:
        _zero_v4(z)
    else:
        _zero_v6(z, off)
    hi = struct.pack("!I", sa["seqHigh"]) if sa["esn"] else b""
    key = bytes.fromhex(integ["key"])
    if gmac:
        _, tag = gcm_encrypt(key, bytes.fromhex(integ["salt"]) + iv, bytes(z) + hi, b"")
        want = tag[:icvlen]
    else:
        want = hmac_icv(integ["alg"], key, bytes(z) + hi)
    if want != icv:
        _fail(vid, "AH.ICV %s != %s" % (icv.hex(), want.hex()))
    rest = pkt[off + ahlen:]
    if tunnel:
        if ah_nh not in (4, 41):
            _fail(vid, "tunnel mode but AH next header %d" % ah_nh)
        return rest
    return fix_ip(pkt[:off] + rest, nh_pos, ah_nh)


# ---------------------------------------------------------------- vector

def check_vector(v):
    """Verify one transform vector; return a short description on success."""
    vid = v["id"]
    wire = bytes.fromhex(v["wirePacket"])
    plain = bytes.fromhex(v["plainPacket"])
    tunnel = v["mode"] == "tunnel"
    if tunnel and v.get("tunnel"):
        t = v["tunnel"]
        if wire[0] >> 4 == 4:
            src, dst = wire[12:16], wire[16:20]
            import ipaddress
            ok = (str(ipaddress.ip_address(src)), str(ipaddress.ip_address(dst))) == (t["src"], t["dst"])
        else:
            import ipaddress
            ok = (ipaddress.ip_address(wire[8:24]), ipaddress.ip_address(wire[24:40])) == \
                (ipaddress.ip_address(t["src"]), ipaddress.ip_address(t["dst"]))
        if not ok:
            _fail(vid, "tunnel src/dst differ from the outer header")
        oh = t.get("outerHeader")
        if oh and not wire.startswith(bytes.fromhex(oh)):
            _fail(vid, "tunnel.outerHeader is not the start of wirePacket")
    pkt = wire
    ah2 = v.get("ahSa")
    if ah2 is not None:
        pkt = unprotect_ah(vid, pkt, ah2, False)
    if v["proto"] == "esp":
        inner = unprotect_esp(vid, pkt, v, v.get("udpEncap"), tunnel)
    else:
        inner = unprotect_ah(vid, pkt, v, tunnel)
    if inner != plain:
        _fail(vid, "recovered plaintext differs from plainPacket\n  got  %s\n  want %s" % (inner.hex(), plain.hex()))
    check_ip_lengths(vid, plain, "plain")
    return "ok"
