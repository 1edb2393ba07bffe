#!/usr/bin/env bash
# Compares the reference miniport's send path (BenchmarkDotNet suite SendPathBenchmarks) with
# single-threaded OpenSSL at 1024-byte blocks, and checks the targets of issue #3:
#   - ESP AES-GCM-128 at 1500-byte packets >= 50 % of `openssl speed -evp aes-128-gcm` at 1024 bytes;
#   - <= 64 allocated bytes per packet in steady state (every suite, every size).
# Ratios: GCM vs aes-128-gcm; CBC+SHA1 vs aes-128-cbc and sha1 combined as 1/(1/a + 1/b)
# (one pass of each over the same bytes); AH SHA-256 vs sha256.
#
# Usage: bench/openssl-ratio.sh [--quick] [--no-bench] [--artifacts DIR] [--seconds N]
#   --quick        BenchmarkDotNet ShortRun (`--job short`): 3 warm-ups, 3 iterations, 1 launch.
#   --no-bench     do not run BenchmarkDotNet; read the JSON export already in DIR/results.
#   --artifacts    BenchmarkDotNet artifacts folder (default: bench/BenchmarkDotNet.Artifacts).
#   --seconds      seconds per `openssl speed` run (default 3).
# Exit status: 0 all targets met, 1 a target missed, 2 usage or tool error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
project="$here/IpsecOffload.Benchmarks/IpsecOffload.Benchmarks.csproj"
artifacts="$here/BenchmarkDotNet.Artifacts"
quick=0
run_bench=1
seconds=3

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --no-bench) run_bench=0 ;;
    --artifacts) artifacts="$(realpath -m "$2")"; shift ;;
    --seconds) seconds="$2"; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
  shift
done

for tool in openssl jq awk dotnet; do
  command -v "$tool" >/dev/null || { echo "needs $tool on PATH" >&2; exit 2; }
done

# ---------------------------------------------------------------- machine facts
echo "== machine"
echo "nproc:   $(nproc)"
echo "cpu:     $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "flags:   $(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(aes|pclmulqdq|avx2|avx512f|vaes|vpclmulqdq|sha_ni)$' | tr '\n' ' ')"
echo "dotnet:  $(dotnet --version) (runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}'))"
echo "openssl: $(openssl version)"

# ---------------------------------------------------------------- OpenSSL, single thread (no -multi)
# `openssl speed -mr` prints "+F:<n>:<name>:<bytes per second>" for the one block size asked for.
openssl_rate() {
  openssl speed -mr -evp "$1" -bytes 1024 -seconds "$seconds" 2>/dev/null \
    | awk -F: '/^\+F:/ {print $4}' | tail -n 1
}

echo
echo "== openssl speed -evp ALG -bytes 1024 -seconds $seconds (single thread)"
declare -A ossl
for alg in aes-128-gcm aes-128-cbc sha1 sha256; do
  ossl[$alg]="$(openssl_rate "$alg")"
  [[ -n "${ossl[$alg]}" ]] || { echo "openssl speed gave no result for $alg" >&2; exit 2; }
  awk -v a="$alg" -v r="${ossl[$alg]}" 'BEGIN { printf "%-12s %10.1f MB/s\n", a, r / 1e6 }'
done
cbc_sha1="$(awk -v a="${ossl[aes-128-cbc]}" -v b="${ossl[sha1]}" 'BEGIN { printf "%.2f", 1 / (1 / a + 1 / b) }')"
awk -v r="$cbc_sha1" 'BEGIN { printf "%-12s %10.1f MB/s  (1/(1/aes-128-cbc + 1/sha1))\n", "cbc+sha1", r / 1e6 }'

# ---------------------------------------------------------------- BenchmarkDotNet
if [[ $run_bench -eq 1 ]]; then
  job=()
  [[ $quick -eq 1 ]] && job=(--job short)
  echo
  echo "== BenchmarkDotNet (${job[*]:-default job}), artifacts in $artifacts"
  dotnet build -c Release "$project" -nologo -v quiet
  (cd "$root" && dotnet run -c Release --no-build --project "$project" -- \
      --filter '*SendPathBenchmarks*' --artifacts "$artifacts" "${job[@]}")
fi

json="$artifacts/results/IpsecOffload.Benchmarks.SendPathBenchmarks-report-full.json"
[[ -f "$json" ]] || { echo "no BenchmarkDotNet JSON export at $json" >&2; exit 2; }

# One line per case: suite size mean_ns allocated_bytes
rows="$(jq -r '.Benchmarks[]
  | (.Parameters | split("&") | map(split("=") | {(.[0]): .[1]}) | add) as $p
  | "\($p.Suite) \($p.PacketSize) \(.Statistics.Mean // "NA") \(.Memory.BytesAllocatedPerOperation // "NA")"' "$json")"

echo
echo "== send path (plaintext IP bytes; 1 packet per NBL)"
printf '%-22s %6s %12s %12s %10s %10s\n' suite bytes "ns/packet" "packets/s" "MB/s" "B alloc"
echo "$rows" | awk '{ if ($3 == "NA") { printf "%-22s %6d %12s %12s %10s %10s\n", $1, $2, "NA", "NA", "NA", $4; next }
  pps = 1e9 / $3; printf "%-22s %6d %12.0f %12.0f %10.1f %10s\n", $1, $2, $3, pps, pps * $2 / 1e6, $4 }'

ours() { # suite -> bytes/s at 1500-byte packets
  echo "$rows" | awk -v s="$1" '$1 == s && $2 == 1500 && $3 != "NA" { printf "%.2f", 1e9 / $3 * 1500 }'
}

echo
echo "== ratios: ours at 1500-byte packets / OpenSSL at 1024-byte blocks"
status=0
ratio_line() { # name ours theirs
  if [[ -z "$2" ]]; then echo "$1: no result" ; status=1; return; fi
  awk -v n="$1" -v o="$2" -v t="$3" 'BEGIN { printf "%-22s %8.1f MB/s / %8.1f MB/s = %6.1f %%\n", n, o / 1e6, t / 1e6, 100 * o / t }'
}
gcm="$(ours EspAesGcm128)"
ratio_line "EspAesGcm128" "$gcm" "${ossl[aes-128-gcm]}"
ratio_line "EspAesCbc128HmacSha1" "$(ours EspAesCbc128HmacSha1)" "$cbc_sha1"
ratio_line "AhHmacSha256" "$(ours AhHmacSha256)" "${ossl[sha256]}"

echo
echo "== targets (issue #3)"
if [[ -n "$gcm" ]] && awk -v o="$gcm" -v t="${ossl[aes-128-gcm]}" 'BEGIN { exit !(o >= 0.5 * t) }'; then
  echo "PASS  AES-GCM-128 at 1500 bytes >= 50 % of OpenSSL aes-128-gcm (1024-byte blocks, 1 thread)"
else
  echo "MISS  AES-GCM-128 at 1500 bytes >= 50 % of OpenSSL aes-128-gcm (1024-byte blocks, 1 thread)"
  status=1
fi
worst="$(echo "$rows" | awk 'BEGIN { m = -1 } $4 != "NA" && $4 + 0 > m { m = $4 + 0; w = $1 "@" $2 } END { print m, w }')"
if awk -v m="${worst%% *}" 'BEGIN { exit !(m >= 0 && m <= 64) }'; then
  echo "PASS  <= 64 allocated bytes per packet (worst: ${worst#* } with ${worst%% *} B)"
else
  echo "MISS  <= 64 allocated bytes per packet (worst: ${worst#* } with ${worst%% *} B)"
  status=1
fi
exit $status
