#!/bin/sh
# Compiles layout.c for x86 (-m32) and x64 (-m64): offsets/sizes are _Static_asserts, then the
# bytes of `vectors` in .data are compared with the bitfield vectors. Needs gcc, objcopy, od.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Low dwords, little-endian: v1Receive v2Receive lsoV2Transmit lsoV1Complete checksumTransmit
ptr_vectors="07000700 07000700 b40560c3 01000040 05002200"
# headerTransmit headerReceive, then NDIS_IPSEC_OFFLOAD_V1 (20 zero bytes of Supported, IPv4AH, IPv4ESP)
tail_vectors="11223344 00000100 00000000 00000000 00000000 00000000 00000000 39090000 39790000"

status=0
for abi in 32 64; do
    gcc -m$abi -std=c11 -Wall -Wextra -c layout.c -o "$tmp/layout$abi.o"
    objcopy -O binary --only-section=.data "$tmp/layout$abi.o" "$tmp/data$abi.bin"
    actual=$(od -An -v -tx1 "$tmp/data$abi.bin" | tr -d ' \n')
    expected=""
    for v in $ptr_vectors; do
        if [ $abi = 64 ]; then expected="$expected${v}00000000"; else expected="$expected$v"; fi
    done
    for v in $tail_vectors; do expected="$expected$v"; done
    if [ $abi = 64 ]; then expected="${expected}00000000"; fi   # struct padded to 8 on x64
    if [ "$actual" = "$expected" ]; then
        echo "-m$abi: offsets, sizes and bitfield vectors OK"
    else
        echo "-m$abi: MISMATCH"; echo "  expected $expected"; echo "  actual   $actual"; status=1
    fi
done
exit $status
