#!/usr/bin/env bash
# nvcc's resource report of every CUDA kernel (issue 14): compiles each kernels/cuda/*.cu for sm_90
# with `-Xptxas -v` and prints, per kernel, registers per thread, spill stores/loads, static shared
# memory, stack frame and barriers, then ptxas' raw lines. Compile-only: needs nvcc, no GPU.
# Without nvcc it says so and passes (CI's Debian image has no CUDA toolkit).
# Why it matters: spills and a stack frame mean local-memory traffic (slow); registers x threads
# and shared memory per block bound the occupancy (sm_90: 64K registers, 228 KB shared per SM).
#   bash scripts/cuda-resources.sh [sm_arch]      (default sm_90)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:-sm_90}
nvcc=${NVCC:-$(command -v nvcc || true)}
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc" ]; then
  echo "cuda-resources.sh: nvcc not found: no per-kernel resource report (nothing to check here)"
  exit 0
fi
demangle=cat
command -v cu++filt >/dev/null && demangle=cu++filt
[ "$demangle" = cat ] && command -v c++filt >/dev/null && demangle=c++filt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
echo "cuda-resources.sh: $($nvcc --version | tail -1), -arch=$arch -O3 -Xptxas -v"
printf '%-26s %-44s %5s %9s %9s %8s %7s %4s\n' file kernel regs spill_st spill_ld smem_B stack_B bar
for cu in "$root"/kernels/cuda/*.cu; do
  [ -e "$cu" ] || continue
  f=$(basename "$cu")
  if ! "$nvcc" -std=c++17 -O3 -arch="$arch" -Xptxas -v -I"$root/kernels" -I"$root/kernels/cuda" \
       -c "$cu" -o "$tmp/${f%.cu}.o" >"$tmp/$f.log" 2>&1; then
    echo "cuda-resources.sh: $f FAILED to compile:"
    cat "$tmp/$f.log"
    status=1
    continue
  fi
  # ptxas: "Compiling entry function 'NAME'", then "N bytes stack frame, S bytes spill stores,
  # L bytes spill loads" and "Used R registers, used B barriers, ..., M bytes smem"
  awk -v file="$f" '
    /Compiling entry function/ { match($0, /\x27[^\x27]+\x27/); name = substr($0, RSTART + 1, RLENGTH - 2); next }
    /bytes stack frame/ && name != "" { stack = $1; sst = $5; sld = $9; next }
    /Used [0-9]+ registers/ && name != "" {
      regs = ""; smem = 0; bar = 0
      for (i = 1; i <= NF; i++) {
        if ($(i + 1) ~ /^registers/) regs = $i
        if ($(i + 1) ~ /^barriers/) bar = $i
        if ($(i + 2) ~ /^smem/) smem = $i
      }
      print file "\t" name "\t" regs "\t" sst "\t" sld "\t" smem "\t" stack "\t" bar
      name = ""
    }' "$tmp/$f.log" > "$tmp/$f.tsv"
  while IFS=$'\t' read -r file name regs sst sld smem stack bar; do
    pretty=$(echo "$name" | $demangle | sed -E 's/\(anonymous namespace\):://; s/\(.*//')
    printf '%-26s %-44s %5s %9s %9s %8s %7s %4s\n' "$file" "$pretty" "$regs" "$sst" "$sld" "$smem" "$stack" "$bar"
  done < "$tmp/$f.tsv"
done
echo "cuda-resources.sh: ptxas' own lines:"
cat "$tmp"/*.log 2>/dev/null | grep -E "ptxas (info|warning|error)|stack frame" | grep -v "Compile time" | sed 's/^/  /'
exit $status
