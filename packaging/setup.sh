#!/usr/bin/env bash
# DNAS Studio set-up: installs the Debian packages the project needs (only the missing ones),
# configures (Release, ccache, precompiled headers) and builds; then runs what was asked.
#
#   packaging/setup.sh run [dnas-studio options]   build, then run the main job (the app; headless without a display)
#   packaging/setup.sh test [ctest options]        build, then run the whole test suite
#   packaging/setup.sh build                       build only
#
# Environment: DNAS_BUILD_DIR (default: <repo>/build), DNAS_JOBS (default: number of cores).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${DNAS_BUILD_DIR:-$root/build}
jobs=${DNAS_JOBS:-$(nproc)}
action=${1:-build}
[ $# -gt 0 ] && shift

# Debian 12 packages (see README "Dependencies").
packages=(
  build-essential cmake ccache pkg-config
  qt6-base-dev qt6-charts-dev qt6-svg-dev libqt6opengl6-dev libgl-dev
  libtorch-dev libopencv-dev nlohmann-json3-dev libsqlite3-dev libcli11-dev zlib1g-dev
  libpagmo-dev
  libflatbuffers-dev flatbuffers-compiler libonnx-dev
  libarmnn-dev libarmnntfliteparser-dev libarmnn-cpuref-backend22
  dataset-fashion-mnist
  xvfb xauth
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} missing Debian package(s): ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "setup: error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j "$jobs" -- --no-print-directory 2>&1 | grep -vE '^\[ *[0-9]+%\]|^-- ' || true
# The filter above swallows the exit status; re-run to fail loudly on a broken build.
cmake --build "$build" -j "$jobs" >/dev/null

case "$action" in
  build) ;;
  run)
    cd "$root"
    exec "$build/app/dnas-studio" "$@"
    ;;
  test)
    cd "$build"
    QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j "$jobs" "$@"
    ;;
  *)
    echo "usage: packaging/setup.sh run|test|build [args]" >&2
    exit 2
    ;;
esac
