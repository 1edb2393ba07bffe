#!/usr/bin/python3
"""Writes vectors/published/*.json from the published packets in published_data.py.

Usage: /usr/bin/python3 tools/vectors/gen_published.py vectors/published

Every plainPacket/wirePacket is a published byte string, except where `notes` says the
plainPacket was derived by authenticating and decrypting the published wirePacket with the
published key (ipsec_ref.py, python3-cryptography); the derivation is only used where the
transport-mode rebuild is unambiguous (protocol, length and checksum of the IP header).
"""

import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ipsec_ref  # noqa: E402
import vecjson  # noqa: E402
from published_data import HEX  # noqa: E402

RFC3602 = "RFC 3602 §4 case %d (full IPv4 packets as carried in OpenDataPlane test_vectors.h pkt_rfc3602_%d; transcribed in wire-formats.md §6.2)"
MCGREW = "draft-mcgrew-gcm-test-01 case %s (full packet as carried in OpenDataPlane test_vectors.h %s, snapshot 46217500; wire-formats.md §6.3)"
DPDK = "DPDK app/test/test_cryptodev_security_ipsec_test_vectors.h %s (snapshot 38f72e50; wire-formats.md §6.4)"
ODP = "OpenDataPlane test/validation/api/ipsec/test_vectors.h %s (snapshot 46217500; SA from ipsec_test_out.c; wire-formats.md §6.5)"
SCAPY_ESN = ("secdev/scapy test/scapy/layers/ipsec.uts 'IPv4 / ESP - Transport - AES-CBC - HMAC-SHA2-256-128 -- ESN' "
             "(PR #3908, snapshot ac38b273; wire-formats.md §6.6)")


def esp_sa(alg, key, salt=None, integ=None, ikey=None, icv=0, iv=""):
    enc = {"alg": alg, "key": key, "salt": salt}
    return enc, ({"alg": integ, "key": ikey} if integ else None), icv, iv


def vec(vid, source, proto, mode, wire, plain, enc, integ, icv, iv, esn=False, seq_high=0,
        udp=None, notes=None, derive=False):
    w = bytes.fromhex(wire)
    ver, nh_pos, off, nh = ipsec_ref.locate(w)
    p = off + (8 if udp else 0)
    if proto == "ah":
        spi, seq = struct.unpack("!II", w[p + 4:p + 12])
    else:
        spi, seq = struct.unpack("!II", w[p:p + 8])
    tunnel = None
    if mode == "tunnel":
        import ipaddress
        if ver == 4:
            tunnel = {"src": str(ipaddress.ip_address(w[12:16])), "dst": str(ipaddress.ip_address(w[16:20])),
                      "outerHeader": w[:20].hex()}
        else:
            tunnel = {"src": str(ipaddress.ip_address(w[8:24])), "dst": str(ipaddress.ip_address(w[24:40])),
                      "outerHeader": w[:40].hex()}
    v = {"id": vid, "source": source, "proto": proto, "mode": mode, "spi": spi, "seq": seq,
         "esn": esn, "seqHigh": seq_high, "encryption": enc, "integrity": integ, "icvLength": icv,
         "iv": iv, "tunnel": tunnel, "udpEncap": udp, "plainPacket": plain, "wirePacket": wire}
    if derive:
        # plainPacket not published in full: recover it from the authenticated wire packet
        pkt = w
        if mode == "tunnel":
            v["plainPacket"] = "00"
        if proto == "esp":
            inner = ipsec_ref.unprotect_esp(vid, pkt, v, udp, mode == "tunnel")
        else:
            inner = ipsec_ref.unprotect_ah(vid, pkt, v, mode == "tunnel")
        v["plainPacket"] = inner.hex()
    if notes:
        v["notes"] = notes
    return v


def build():
    out = []
    AH_NULL = {"alg": "null"}

    # ---- RFC 3602 §4 cases 5-8: AES-128-CBC, no integrity ----
    k5 = "90d382b410eeba7ad938c46cec1a82bf"
    k7 = "0123456789abcdef0123456789abcdef"
    enc_only = "Encryption-only ESP (no integrity transform, icvLength 0) as published; NDIS SAs normally pair AES-CBC with an integrity algorithm."
    for case, mode, key, iv in ((5, "transport", k5, "e96e8c08ab465763fd098d45dd3ff893"),
                                (6, "transport", k5, "69d08df7d203329db093fc4924e5bd80"),
                                (7, "tunnel", k7, "f4e765244f6407adf13dc1380f673f37"),
                                (8, "tunnel", k7, "85d47224b5f3dd5d2101d4ea8dffab22")):
        out.append(vec("rfc3602-case%d-esp-aes128cbc-%s" % (case, mode), RFC3602 % (case, case), "esp", mode,
                       HEX["rfc3602_%d_wire" % case], HEX["rfc3602_%d_plain" % case],
                       {"alg": "aes-cbc", "key": key, "salt": None}, None, 0, iv, notes=enc_only))

    # ---- draft-mcgrew case 15 (GMAC), tunnel IPv4 inner ----
    out.append(vec("mcgrew-case15-esp-aesgmac128-tunnel-v4", MCGREW % ("15", "pkt_mcgrew_gcm_test_15_esp"), "esp",
                   "tunnel", HEX["mcgrew_15_wire"], None,
                   {"alg": "aes-gmac", "key": "4c80cdefbb5d10da906ac73c3613a634", "salt": "22433c64"}, None, 16,
                   "0000000000000000", derive=True,
                   notes="plainPacket is the inner IPv4 packet carried in clear by ENCR_NULL_AUTH_AES_GMAC "
                         "(trailer next header 4), taken from the wire packet after verifying the GMAC ICV. "
                         "The outer IPv4 header was added by ODP."))

    # ---- DPDK (all tunnel mode, seq 1) ----
    s256 = "de34560000007800001000000000000210304000010203040a0b0c0d05060708"
    dp = [
        ("dpdk-esp-aesgcm128-tunnel-v4", "pkt_aes_128_gcm", "aes-gcm", "feffe9928665731c6d6a8f9467308308", "cafebabe", None, None, 16, "facedbaddecaf888"),
        ("dpdk-esp-aesgcm192-tunnel-v4", "pkt_aes_192_gcm", "aes-gcm", "feffe9928665731c6d6a8f9467308308feffe9928665731c", "cafebabe", None, None, 16, "facedbaddecaf888"),
        ("dpdk-esp-aesgcm256-tunnel-v4", "pkt_aes_256_gcm", "aes-gcm", "abbccddef00112233445566778899aababbccddef00112233445566778899aab", "11223344", None, None, 16, "0102030405060708"),
        ("dpdk-esp-aesgcm256-tunnel-v6", "pkt_aes_256_gcm_v6", "aes-gcm", "de12be56deadbeefdeadbeefdeadbeef1278be3401020307aabbccf108070605", "11223344", None, None, 16, "45adfe2378561200"),
        ("dpdk-esp-aesgcm128-tunnel-v4-fragment", "pkt_aes_128_gcm_frag", "aes-gcm", "deadbeefdeadbeefdeadbeefdeadbeef", "deadbeef", None, None, 16, "45adfe2378561200"),
        ("dpdk-esp-aescbc128-md5-tunnel-v4", "pkt_aes_128_cbc_md5", "aes-cbc", "000405012300000000000a0b0c0f0000", None, "hmac-md5-96", "00100000000000021030400001020304", 12, "34126745ffff000020bfe83900000000"),
        ("dpdk-esp-aescbc128-sha256-tunnel-v4", "pkt_aes_128_cbc_hmac_sha256", "aes-cbc", "000405012300000000000a0b0c0f0000", None, "hmac-sha256-128", s256, 16, "34126745ffff000020bfe83900000000"),
        ("dpdk-esp-aescbc128-sha256-tunnel-v6", "pkt_aes_128_cbc_hmac_sha256_v6", "aes-cbc", "000405012300000000000a0b0c0f0000", None, "hmac-sha256-128", s256, 16, "45adfe2378561200f0c1053c00000000"),
        ("dpdk-esp-3descbc-sha256-tunnel-v4", "pkt_3des_cbc_hmac_sha256", "3des-cbc", "e423338a356461e24903ddc6b8ca557a0004050123000000", None, "hmac-sha256-128", s256, 16, "34126745ffff0000"),
        ("dpdk-esp-descbc-sha256-tunnel-v4", "pkt_des_cbc_hmac_sha256", "des-cbc", "4903ddc6b8ca557a", None, "hmac-sha256-128", s256, 16, "34126745ffff0000"),
    ]
    for vid, name, alg, key, salt, ia, ik, icv, iv in dp:
        n = name[4:]
        notes = None
        if name == "pkt_aes_128_gcm_frag":
            notes = "The inner packet is an IPv4 fragment (offset 0x17 x 8); tunnel mode carries it unchanged."
        out.append(vec(vid, DPDK % name, "esp", "tunnel", HEX["dpdk_%s_wire" % n], HEX["dpdk_%s_plain" % n],
                       {"alg": alg, "key": key, "salt": salt}, {"alg": ia, "key": ik} if ia else None, icv, iv,
                       notes=notes))
    out.append(vec("dpdk-ah-sha256-tunnel-v4", DPDK % "pkt_ah_tunnel_sha256", "ah", "tunnel",
                   HEX["dpdk_ah_tunnel_sha256_wire"], HEX["dpdk_ah_tunnel_sha256_plain"], AH_NULL,
                   {"alg": "hmac-sha256-128", "key": "5a" * 32}, 16, "",
                   notes="Outer IPv4 TTL 0 and ID 1 are the DPDK test harness's outer-header template."))

    # ---- ODP (and DPDK duplicates) ----
    v4 = HEX["odp_pkt_ipv4_icmp_0"]
    v6 = HEX["odp_pkt_ipv6_icmp_0"]
    sha = {"alg": "hmac-sha256-128", "key": "5a" * 32}
    out.append(vec("odp-ah-sha256-transport-v4-seq1", (ODP % "pkt_ipv4_icmp_0_ah_sha256_1") +
                   "; identical bytes in " + (DPDK % "pkt_ah_transport_sha256"), "ah", "transport",
                   HEX["odp_pkt_ipv4_icmp_0_ah_sha256_1"], v4, AH_NULL, sha, 16, ""))
    assert HEX["odp_pkt_ipv4_icmp_0_ah_sha256_1"] == HEX["dpdk_ah_transport_sha256_wire"]
    assert HEX["dpdk_ah_transport_sha256_plain"] == v4
    out.append(vec("odp-ah-sha256-transport-v4-seq1235", ODP % "pkt_ipv4_icmp_0_ah_sha256_1235", "ah", "transport",
                   HEX["odp_pkt_ipv4_icmp_0_ah_sha256_1235"], v4, AH_NULL, sha, 16, ""))
    out.append(vec("odp-ah-sha256-tunnel-v4-in-v4", ODP % "pkt_ipv4_icmp_0_ah_tun_ipv4_sha256_1", "ah", "tunnel",
                   HEX["odp_pkt_ipv4_icmp_0_ah_tun_ipv4_sha256_1"], v4, AH_NULL, sha, 16, ""))
    out.append(vec("odp-ah-sha256-tunnel-v4-in-v6", ODP % "pkt_ipv4_icmp_0_ah_tun_ipv6_sha256_1", "ah", "tunnel",
                   HEX["odp_pkt_ipv4_icmp_0_ah_tun_ipv6_sha256_1"], v4, AH_NULL, sha, 16, "",
                   notes="Outer IPv6: AH is 32 bytes (Payload Length 6) with 4 zero pad bytes for 8-byte alignment."))
    out.append(vec("odp-ah-sha256-transport-v6-hbh", ODP % "pkt_ipv6_icmp_0_ah_sha256_1", "ah", "transport",
                   HEX["odp_pkt_ipv6_icmp_0_ah_sha256_1"], v6, AH_NULL, sha, 16, "",
                   notes="AH follows the Hop-by-Hop header; AH is 32 bytes with 4 zero pad bytes."))
    out.append(vec("odp-ah-sha256-tunnel-v6-in-v6", ODP % "pkt_ipv6_icmp_0_ah_tun_ipv6_sha256_1", "ah", "tunnel",
                   HEX["odp_pkt_ipv6_icmp_0_ah_tun_ipv6_sha256_1"], v6, AH_NULL, sha, 16, ""))
    assert HEX["odp_pkt_ipv4_icmp_0_ah_aes_gmac_128_1"] == HEX["dpdk_ah_ipv4_aes_gmac_128_wire"]
    out.append(vec("odp-ah-aesgmac128-transport-v4", (ODP % "pkt_ipv4_icmp_0_ah_aes_gmac_128_1") +
                   "; identical bytes in " + (DPDK % "pkt_ah_ipv4_aes_gmac_128"), "ah", "transport",
                   HEX["odp_pkt_ipv4_icmp_0_ah_aes_gmac_128_1"], v4, AH_NULL,
                   {"alg": "aes-gmac", "key": "a5" * 16, "salt": "cafebabe"}, 16, "0100000000000000",
                   notes="AH with AUTH_AES_128_GMAC (RFC 4543): integrity.alg 'aes-gmac' with its 4-byte salt is an "
                         "extension of the schema's integrity list; iv is the 8-byte IV carried inside AH after the "
                         "sequence number (AH = 12 + 8 + 16 = 36 bytes, Payload Length 7)."))
    nul = {"alg": "null", "key": "", "salt": None}
    out.append(vec("odp-esp-null-sha256-transport-v4-seq1", ODP % "pkt_ipv4_icmp_0_esp_null_sha256_1", "esp", "transport",
                   HEX["odp_pkt_ipv4_icmp_0_esp_null_sha256_1"], v4, nul, sha, 16, ""))
    out.append(vec("odp-esp-null-sha256-transport-v4-seq1235", ODP % "pkt_ipv4_icmp_0_esp_null_sha256_1235", "esp", "transport",
                   HEX["odp_pkt_ipv4_icmp_0_esp_null_sha256_1235"], v4, nul, sha, 16, ""))
    out.append(vec("odp-esp-null-sha256-tunnel-v4", ODP % "pkt_ipv4_icmp_0_esp_tun_ipv4_null_sha256_1", "esp", "tunnel",
                   HEX["odp_pkt_ipv4_icmp_0_esp_tun_ipv4_null_sha256_1"], v4, nul, sha, 16, ""))
    out.append(vec("odp-esp-null-sha256-udpencap-transport-v4", ODP % "pkt_ipv4_icmp_0_esp_udp_null_sha256_1", "esp",
                   "transport", HEX["odp_pkt_ipv4_icmp_0_esp_udp_null_sha256_1"], v4, nul, sha, 16, "",
                   udp={"sport": 4500, "dport": 4500}, notes="RFC 3948 over IPv4: UDP checksum 0."))
    out.append(vec("odp-esp-null-sha256-transport-v6-hbh", ODP % "pkt_ipv6_icmp_0_esp_null_sha256_1", "esp", "transport",
                   HEX["odp_pkt_ipv6_icmp_0_esp_null_sha256_1"], v6, nul, sha, 16, "",
                   notes="ESP follows the Hop-by-Hop header (HbH next header 50, trailer next header 58)."))
    u = vec("odp-esp-null-sha256-transport-v4-udp", ODP % "pkt_ipv4_udp_esp_null_sha256", "esp", "transport",
            HEX["odp_pkt_ipv4_udp_esp_null_sha256"], None, nul, sha, 16, "", derive=True,
            notes="plainPacket derived: ESP-NULL carries the UDP datagram in clear; the IPv4 header was rebuilt "
                  "with protocol 17 and its length/checksum after verifying the ICV. It equals DPDK's "
                  "pkt_aes_128_gcm input (draft-mcgrew case 2 packet), as ODP's pkt_ipv4_udp base.")
    assert u["plainPacket"] == HEX["dpdk_aes_128_gcm_plain"], "derived UDP plain packet differs from DPDK input"
    out.append(u)
    out.append(vec("odp-esp-aescbc128-sha1-transport-v4", ODP % "pkt_ipv4_icmp_0_esp_aes_cbc_sha1_1", "esp", "transport",
                   HEX["odp_pkt_ipv4_icmp_0_esp_aes_cbc_sha1_1"], v4,
                   {"alg": "aes-cbc", "key": "a5" * 16, "salt": None}, {"alg": "hmac-sha1-96", "key": "5a" * 20}, 12,
                   "17c3faaf1deb94064ef862b41fa01762"))
    out.append(vec("odp-esp-aesgmac128-transport-v4", ODP % "pkt_ipv4_icmp_0_esp_null_aes_gmac_128_1", "esp", "transport",
                   HEX["odp_pkt_ipv4_icmp_0_esp_null_aes_gmac_128_1"], v4,
                   {"alg": "aes-gmac", "key": "a5" * 16, "salt": "cafebabe"}, None, 16, "0100000000000000"))

    # ---- Scapy test-suite ESN + HMAC vector ----
    out.append(vec("scapy-uts-esp-aescbc128-sha256-esn-transport-v4", SCAPY_ESN, "esp", "transport",
                   HEX["scapy_esn_cbc_sha256_wire"], None,
                   {"alg": "aes-cbc", "key": "85ee354b4675a9c5d16e3d6f4118043b", "salt": None},
                   {"alg": "hmac-sha256-128", "key": "6f79bf94da7dde3c86009934d9258f1b3fc2f5382aca9c9cb8e216eed235f34c"},
                   16, "11223344112233441122334411223344", esn=True, seq_high=0x44, derive=True,
                   notes="ESN with a separate integrity algorithm: SN-high 0x44 appended after the trailer for the "
                         "HMAC only. plainPacket (IP 1.1.1.1 > 2.2.2.2 / TCP 45012 > 80 / 'hello world') derived by "
                         "verifying and decrypting the published packet; the IV is the test's fixed 1122334411223344... "
                         "and the padding is 15 bytes 01..0f."))
    return out


def main(argv):
    folder = argv[1] if len(argv) > 1 else "vectors/published"
    vs = build()
    ids = [v["id"] for v in vs]
    assert len(ids) == len(set(ids))
    for v in vs:
        ipsec_ref.check_vector(v)
        vecjson.write(folder, v)
    print("%d published vectors written to %s" % (len(vs), folder))


if __name__ == "__main__":
    main(sys.argv)
