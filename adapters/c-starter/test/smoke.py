#!/usr/bin/env python3
"""Smoke test for the C starter adapter: drives the binary over protocol v1
(shared/design/adapter-protocol.md) and checks every response.

Usage: smoke.py [path/to/c-starter]   (default: build/c-starter/c-starter)
Standard library only. Exits 0 when every check passed.
"""
import json
import struct
import subprocess
import sys

NDIS_STATUS_SUCCESS = 0x00000000
NDIS_STATUS_FAILURE = 0xC0000001
NDIS_STATUS_INVALID_PARAMETER = 0xC000000D
NDIS_STATUS_NOT_SUPPORTED = 0xC00000BB
NDIS_STATUS_INVALID_LENGTH = 0xC0010014
NDIS_STATUS_INVALID_DATA = 0xC0010015

OID_TCP_OFFLOAD_PARAMETERS = 0xFC01020C
OID_V1_ADD_SA = 0xFC010202
OID_V1_DELETE_SA = 0xFC010203
OID_V2_ADD_SA = 0xFC030202
OID_V2_DELETE_SA = 0xFC030203
OID_V2_UPDATE_SA = 0xFC030204
OID_V2_ADD_SA_EX = 0xFC030205
OID_GEN_UNKNOWN = 0x00010101  # OID_GEN_SUPPORTED_LIST: not served by the starter

# Layouts from shared/spec/ndis-ipsec-offload.md §4.2 (x64, x86).
LAYOUT = {
    "x64": dict(ptr=8, next=8, num_ext=16, flags=20, endpoints=24, handle=56, udpesp=64, secassoc=68,
                key_length=164, key_data=168,
                ex_num_ext=4, ex_flags=8, ex_endpoints=12, ex_handle=48, ex_udpesp=56, ex_secassoc=60,
                ex_key_length=156, ex_key_offset=160, ex_size=176,
                del_next=8, del_handle=16, del_size=24, upd_handle=8, upd_size=32),
    "x86": dict(ptr=4, next=4, num_ext=8, flags=12, endpoints=16, handle=48, udpesp=52, secassoc=56,
                key_length=152, key_data=156,
                ex_num_ext=4, ex_flags=8, ex_endpoints=12, ex_handle=44, ex_udpesp=48, ex_secassoc=52,
                ex_key_length=148, ex_key_offset=152, ex_size=164,
                del_next=4, del_handle=8, del_size=12, upd_handle=4, upd_size=20),
}

failures = []
checks = 0


def check(condition, what):
    global checks
    checks += 1
    if not condition:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)


def header(size, type_=0x80, revision=1):
    return struct.pack("<BBH", type_, revision, size)


def put_ptr(buf, offset, ptr, value):
    buf[offset:offset + ptr] = value.to_bytes(ptr, "little")


def secassoc(operation, spi, auth=(0, 0, 0, 0), enc=(0, 0, 0, 0), flags=0, seq_high=0):
    """IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION: Flags, Operation, Spi, 2 x ALGORITHM_INFO, SeqHigh (48 bytes)."""
    return struct.pack("<III4I4II", flags, operation, spi, *auth, *enc, seq_high)


def add_sa_v2(abi, key, sas, next_offset=0, flags=0):
    """One IPSEC_OFFLOAD_V2_ADD_SA with its key bytes at KeyData."""
    L = LAYOUT[abi]
    size = L["key_data"] + 1  # NDIS_SIZEOF_..._REVISION_1
    b = bytearray(L["key_data"] + len(key))
    b[0:4] = header(size)
    put_ptr(b, L["next"], L["ptr"], next_offset)
    struct.pack_into("<II", b, L["num_ext"], len(sas), flags)
    b[L["endpoints"]:L["endpoints"] + 8] = bytes([10, 0, 0, 1, 10, 0, 0, 2])
    put_ptr(b, L["handle"], L["ptr"], 0)
    struct.pack_into("<I", b, L["udpesp"], 0)
    for i, sa in enumerate(sas):
        b[L["secassoc"] + 48 * i:L["secassoc"] + 48 * (i + 1)] = sa
    struct.pack_into("<I", b, L["key_length"], len(key))
    b[L["key_data"]:] = key
    return b


def gcm_sa(spi):
    # ESP AES-GCM-128 (IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128 = 0x08): 16-byte key + 4-byte salt, ICV 16.
    return secassoc(2, spi, enc=(0x08, 20, 0, 16))


class Adapter:
    def __init__(self, path, *args):
        self.proc = subprocess.Popen([path, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.next_id = 1

    def raw(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        out = self.proc.stdout.readline()
        check(out.endswith("\n"), f"a response line for {line[:60]!r}")
        return json.loads(out)

    def request(self, op, **fields):
        rid = self.next_id
        self.next_id += 1
        response = self.raw(json.dumps(dict(id=rid, op=op, **fields)))
        check(response.get("id") == rid, f"{op}: response id {response.get('id')} == request id {rid}")
        return response

    def oid(self, oid, buffer, type_="set"):
        r = self.request("oid", oid=oid, type=type_, buffer=bytes(buffer).hex())
        check("error" not in r, f"oid 0x{oid:08x}: no protocol error ({r.get('error')})")
        return r

    def send(self, nbls):
        r = self.request("send", nbls=nbls)
        check("error" not in r, f"send: no protocol error ({r.get('error')})")
        return r.get("events", [])


def nb(frame_bytes, split=None, spare=b"", offset=0):
    data = frame_bytes + spare
    mdls = [data] if split is None else [data[:split], data[split:]]
    return {"mdls": [m.hex() for m in mdls], "dataOffset": offset, "dataLength": len(frame_bytes) - offset}


def completions(events, nbl):
    return [e for e in events if e.get("complete") == nbl]


def frames(events, nbl):
    return [bytes.fromhex(e["frame"]) for e in events if "frame" in e and e.get("nbl") == nbl]


def run(path, abi):
    L = LAYOUT[abi]
    a = Adapter(path, *(["--x86"] if abi == "x86" else []))
    ptr_zero = "00" * L["ptr"]

    # hello
    r = a.request("hello", protocol=1)
    check(r == {"id": 1, "protocol": 1, "name": "c-starter", "version": "0.1", "abi": abi}, f"hello response {r}")

    # capabilities: NDIS_OFFLOAD revision 2, 144 bytes, IPsec v2 ESP/AH transport, no algorithms
    r = a.request("capabilities")
    hw = bytes.fromhex(r["hardware"])
    cur = bytes.fromhex(r["current"])
    check(len(hw) == 144 and hw[:4] == bytes([0xA7, 2, 144, 0]), "capabilities: header A7 rev 2 size 144")
    check(hw == cur, "capabilities: hardware == current at power-on")
    v2 = hw[112:144]
    check(struct.unpack_from("<I", v2, 0)[0] & 0x02 != 0, "IPsecV2.Encapsulation has IEEE 802.3")
    check(v2[7] == 1 and v2[8] == 1 and v2[10] == 1, "IPsecV2.Ah, .Esp, .Transport TRUE")
    check(struct.unpack_from("<III", v2, 20) == (0, 0, 64), "IPsecV2 Authentication = Encryption = 0, SaOffloadCapacity 64")
    check(hw[4:112] == bytes(108), "Checksum, LsoV1, IPsecV1, LsoV2, Flags all zero")

    # oid: malformed buffers
    r = a.oid(OID_V2_ADD_SA, bytes(10))
    check(r["status"] == NDIS_STATUS_INVALID_LENGTH and r["bytesNeeded"] == L["key_data"] + 1,
          f"ADD_SA of 10 bytes -> INVALID_LENGTH, bytesNeeded {L['key_data'] + 1} ({r})")
    bad = add_sa_v2(abi, bytes(20), [gcm_sa(0x11223344)])
    bad[0] = 0x12
    r = a.oid(OID_V2_ADD_SA, bad)
    check(r["status"] == NDIS_STATUS_INVALID_DATA, f"ADD_SA with header type 0x12 -> INVALID_DATA ({r['status']:#x})")
    looping = add_sa_v2(abi, bytes(20), [gcm_sa(1)], next_offset=4)
    r = a.oid(OID_V2_ADD_SA, looping)
    check(r["status"] == NDIS_STATUS_INVALID_DATA, f"ADD_SA whose Next points backwards -> INVALID_DATA ({r['status']:#x})")
    r = a.oid(OID_V2_UPDATE_SA, bytes(3))
    check(r["status"] == NDIS_STATUS_INVALID_LENGTH, "UPDATE_SA of 3 bytes -> INVALID_LENGTH")

    # oid: unknown OID
    r = a.oid(OID_GEN_UNKNOWN, bytes(4), "query")
    check(r["status"] == NDIS_STATUS_NOT_SUPPORTED, f"unknown OID -> NOT_SUPPORTED ({r['status']:#x})")

    # oid: ADD_SA that must fail - AES-GCM-128 is not advertised (no algorithm is)
    key = bytes(range(0xA0, 0xB4))
    request = add_sa_v2(abi, key, [gcm_sa(0x01020304)])
    r = a.oid(OID_V2_ADD_SA, request)
    out = bytes.fromhex(r["buffer"])
    check(r["status"] == NDIS_STATUS_NOT_SUPPORTED, f"ADD_SA AES-GCM-128 refused with NOT_SUPPORTED ({r['status']:#x})")
    check(out[L["handle"]:L["handle"] + L["ptr"]] == bytes(L["ptr"]), "refused ADD_SA: OffloadHandle stays NULL")
    check(len(out) == len(request) and out == bytes(request), "refused ADD_SA: buffer returned unchanged")

    # a chain of two (second at the next pointer-size boundary after KeyData + KeyLength), both refused
    first_len = len(request)
    second_at = (first_len + L["ptr"] - 1) // L["ptr"] * L["ptr"]
    first = add_sa_v2(abi, key, [gcm_sa(0x0A0B0C0D)], next_offset=second_at)
    chain = first + bytes(second_at - first_len) + add_sa_v2(abi, key, [secassoc(1, 0x55, auth=(0x04, 32, 0, 0))], flags=0)
    chain[second_at + L["key_length"]:second_at + L["key_length"] + 4] = struct.pack("<I", 32)
    chain += bytes(12)
    r = a.oid(OID_V2_ADD_SA, chain)
    out = bytes.fromhex(r["buffer"])
    check(r["status"] == NDIS_STATUS_NOT_SUPPORTED, f"ADD_SA chain of ESP + AH SAs refused ({r['status']:#x})")
    check(out[L["handle"]:L["handle"] + L["ptr"]] == bytes(L["ptr"])
          and out[second_at + L["handle"]:second_at + L["handle"] + L["ptr"]] == bytes(L["ptr"]), "chain: both handles NULL")

    # ADD_SA_EX refused too
    ex = bytearray(L["ex_size"] + 20)
    ex[0:4] = header(L["ex_size"] - (6 if abi == "x64" else 2))
    struct.pack_into("<II", ex, L["ex_num_ext"], 1, 0)
    ex[L["ex_secassoc"]:L["ex_secassoc"] + 48] = gcm_sa(0x77)
    struct.pack_into("<II", ex, L["ex_key_length"], 20, L["ex_size"])
    r = a.oid(OID_V2_ADD_SA_EX, ex)
    check(r["status"] == NDIS_STATUS_NOT_SUPPORTED, f"ADD_SA_EX AES-GCM-128 refused ({r['status']:#x})")
    check(bytes.fromhex(r["buffer"])[L["ex_handle"]:L["ex_handle"] + L["ptr"]] == bytes(L["ptr"]), "ADD_SA_EX handle NULL")

    # DELETE_SA of a handle never returned: ignored, SUCCESS; UPDATE_SA of it: INVALID_PARAMETER
    d = bytearray(L["del_size"])
    d[0:4] = header(L["del_size"])
    put_ptr(d, L["del_handle"], L["ptr"], 0x1234)
    r = a.oid(OID_V2_DELETE_SA, d)
    check(r["status"] == NDIS_STATUS_SUCCESS, f"DELETE_SA of an unknown handle -> SUCCESS ({r['status']:#x})")
    u = bytearray(L["upd_size"])
    u[0:4] = header(L["upd_size"])
    put_ptr(u, L["upd_handle"], L["ptr"], 0x1234)
    r = a.oid(OID_V2_UPDATE_SA, u)
    check(r["status"] == NDIS_STATUS_INVALID_PARAMETER, f"UPDATE_SA of an unknown handle -> INVALID_PARAMETER ({r['status']:#x})")

    # v1 ADD_SA (v1 not advertised) and DELETE_SA
    v1 = bytearray((184 if abi == "x64" else 180) + 16)
    struct.pack_into("<Hh", v1, 32, 0x0002, 1)
    struct.pack_into("<I", v1, 36, 2)  # ENCRYPT
    struct.pack_into("<I", v1, 176 if abi == "x64" else 172, 16)
    r = a.oid(OID_V1_ADD_SA, v1)
    check(r["status"] == NDIS_STATUS_NOT_SUPPORTED, f"v1 ADD_SA refused ({r['status']:#x})")
    r = a.oid(OID_V1_DELETE_SA, bytes(L["ptr"]))
    check(r["status"] == NDIS_STATUS_SUCCESS, "v1 DELETE_SA -> SUCCESS")
    r = a.oid(OID_V2_ADD_SA, request, "query")
    check(r["status"] == NDIS_STATUS_NOT_SUPPORTED, "query of ADD_SA -> NOT_SUPPORTED")

    # OID_TCP_OFFLOAD_PARAMETERS: IPsecV2 = AH only -> current shows Esp FALSE; reset restores it
    params = bytearray(22)
    params[0:4] = header(22, revision=2)
    params[20] = 2
    r = a.oid(OID_TCP_OFFLOAD_PARAMETERS, params)
    check(r["status"] == NDIS_STATUS_SUCCESS, "OFFLOAD_PARAMETERS IPsecV2 = AH -> SUCCESS")
    caps = a.request("capabilities")
    check(bytes.fromhex(caps["current"])[112 + 8] == 0 and bytes.fromhex(caps["hardware"])[112 + 8] == 1,
          "after AH only: current Esp FALSE, hardware Esp TRUE")
    params[20] = 9
    check(a.oid(OID_TCP_OFFLOAD_PARAMETERS, params)["status"] == NDIS_STATUS_INVALID_DATA, "IPsecV2 = 9 -> INVALID_DATA")

    # send: zero handles, two NBs: a 42-byte frame split over two MDLs with spare bytes, and an 80-byte frame
    short = bytes(range(1, 43))
    long_ = bytes((i * 7 + 3) & 0xFF for i in range(80))
    zero_nbl = {"oob": {"1": ptr_zero, "11": ptr_zero, "12": "11223344"},
                "netBuffers": [nb(b"\xee\xee" + short, split=20, spare=b"\xff" * 9, offset=2), nb(long_)]}
    events = a.send([zero_nbl])
    check(frames(events, 0) == [short + bytes(18), long_], "zero handles: two frames, the short one zero-padded to 60")
    c = completions(events, 0)
    check(len(c) == 1 and c[0]["status"] == NDIS_STATUS_SUCCESS, "zero handles: completed once with SUCCESS")
    check(c and c[0]["oob"] == zero_nbl["oob"], "zero handles: OOB slots returned as given")
    check(events and "complete" in events[-1], "zero handles: completion after the frames")

    # send: a handle never returned -> FAILURE, no frame
    unknown = {"oob": {"1": (0x7EAD0101).to_bytes(L["ptr"], "little").hex()}, "netBuffers": [nb(long_)]}
    events = a.send([unknown])
    check(frames(events, 0) == [], "unknown handle: no frame")
    c = completions(events, 0)
    check(len(c) == 1 and c[0]["status"] == NDIS_STATUS_FAILURE, "unknown handle: completed once with NDIS_STATUS_FAILURE")
    tunnel_only = {"oob": {"11": (0x99).to_bytes(L["ptr"], "little").hex()}, "netBuffers": [nb(long_)]}
    events = a.send([tunnel_only])
    check(frames(events, 0) == [] and [e["status"] for e in completions(events, 0)] == [NDIS_STATUS_FAILURE],
          "unknown TunnelHandle: FAILURE, no frame")

    # send: a chain [zero, unknown, zero] -> events in order, each NBL completed exactly once
    events = a.send([zero_nbl, unknown, {"netBuffers": [nb(short)]}])
    kinds = [("frame", e["nbl"]) if "frame" in e else ("complete", e["complete"]) for e in events]
    check(kinds == [("frame", 0), ("frame", 0), ("complete", 0), ("complete", 1), ("frame", 2), ("complete", 2)],
          f"chain: events in order {kinds}")
    check([e["status"] for e in events if "complete" in e] == [NDIS_STATUS_SUCCESS, NDIS_STATUS_FAILURE, NDIS_STATUS_SUCCESS],
          "chain: SUCCESS, FAILURE, SUCCESS")
    check(frames(events, 2) == [short + bytes(18)], "chain: the third NBL's frame padded")

    # protocol errors: the adapter answers with "error" and keeps going
    r = a.raw("this is not json")
    check("error" in r and r.get("id") is None, f"garbage line -> error response ({r})")
    r = a.raw('{"id":500,"op":"frobnicate"}')
    check("error" in r and r.get("id") == 500, "unknown op -> error with the request id")
    r = a.raw('{"id":501,"op":"hello","protocol":true}')
    check("error" in r, "true/false/null rejected")
    r = a.raw('{"id":502,"op":"send","nbls":[{"netBuffers":[{"mdls":["abc"]}]}]}')
    check("error" in r and r.get("id") == 502, "odd-length hex -> error")
    r = a.raw('{"id":503,"op":"send","nbls":[{"netBuffers":[{"mdls":["aabb"],"dataOffset":1,"dataLength":5}]}]}')
    check("error" in r, "dataLength past the MDL chain -> error")
    r = a.raw('{"id":504,"op":"oid","oid":1.5,"type":"set","buffer":""}')
    check("error" in r, "fractional number -> error")
    r = a.request("hello", protocol=1)
    check(r.get("abi") == abi, "after errors the adapter still answers")

    # reset: back to power-on (current configuration restored)
    r = a.request("reset")
    check(r.get("status") == 0, "reset -> status 0")
    caps = a.request("capabilities")
    check(caps["current"] == caps["hardware"], "reset restores the current configuration")

    # bye
    r = a.request("bye")
    check(set(r.keys()) == {"id"}, f"bye -> {{}} with id ({r})")
    rest = a.proc.stdout.read()
    code = a.proc.wait(timeout=10)
    check(rest == "", f"no stdout after bye ({rest!r})")
    check(code == 0, f"exit code 0 after bye (got {code})")
    stderr = a.proc.stderr.read()
    check("ERROR: AddressSanitizer" not in stderr and "runtime error" not in stderr, "no sanitizer reports")


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "build/c-starter/c-starter"
    for abi in ("x64", "x86"):
        run(path, abi)
    print(f"smoke: {checks - len(failures)} of {checks} checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
