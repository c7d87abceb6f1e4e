#!/usr/bin/env bash
# Installs the Debian 12 packages ftwin needs (idempotent: installs only what is missing).
# Usage: scripts/setup-debian.sh [--with-slurm] [--with-ccx] [--with-paraview] [--with-fuzz] [--with-valgrind]
# (--with-paraview: ParaView and its Python, for the test that opens the XDMF output; large)
set -euo pipefail
pkgs=(build-essential cmake pkg-config git
      petsc-dev libhdf5-openmpi-dev hdf5-tools libopenmpi-dev openmpi-bin
      libyaml-dev libssl-dev gmsh libgmsh-dev python3 python3-numpy python3-h5py python3-yaml
      python3-matplotlib python3-pil chromium fonts-dejavu-core)  # reports (scripts/ftwin_report.py) and their browser test
for a in "$@"; do
  case "$a" in
    --with-slurm) pkgs+=(slurm-wlm munge) ;;
    --with-ccx)   pkgs+=(calculix-ccx) ;;
    --with-paraview) pkgs+=(paraview python3-paraview) ;;
    --with-fuzz)  pkgs+=(clang libclang-rt-14-dev python3-venv python3-pip) ;;
    --with-valgrind) pkgs+=(valgrind) ;;
    *) echo "setup-debian.sh: unknown option '$a' (known: --with-slurm --with-ccx --with-paraview --with-fuzz --with-valgrind)" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-debian.sh: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "setup-debian.sh: installing ${missing[*]}"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
