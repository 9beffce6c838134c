#!/usr/bin/env bash
# Installs ONNX Runtime for Node.js (npm package onnxruntime-node, about 290 MB) into a folder
# of its own, for the export tests that run exported ONNX models with it
# (tests/export/run_onnxruntime.js). Nothing is downloaded besides the npm packages: the
# package's post-install step, which would fetch extra GPU binaries, is told to skip
# (ONNXRUNTIME_NODE_INSTALL=skip); the CPU binding for linux x64 is inside the package.
#
#   packaging/setup-onnxruntime.sh [DIR]     default DIR: $HOME/.cache/dnas-studio/onnxruntime-node
#
# Then checks that the native binding loads and runs a tiny model, and prints the line to
# export: DNAS_ONNXRUNTIME_NODE_DIR=DIR (the folder holding node_modules/onnxruntime-node).
# Environment: DNAS_ONNXRUNTIME_NODE_VERSION (default 1.30.0). Needs node and npm.
set -euo pipefail

dir=${1:-$HOME/.cache/dnas-studio/onnxruntime-node}
version=${DNAS_ONNXRUNTIME_NODE_VERSION:-1.30.0}

fail() { echo "setup-onnxruntime: error: $*" >&2; exit 1; }
command -v node >/dev/null || fail "node is not installed (Debian: apt-get install nodejs npm)"
command -v npm >/dev/null || fail "npm is not installed (Debian: apt-get install npm)"

mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
module=$dir/node_modules/onnxruntime-node
installed=$(node -p "try { require('$module/package.json').version } catch (e) { '' }" 2>/dev/null || true)
if [ "$installed" != "$version" ]; then
  echo "setup-onnxruntime: installing onnxruntime-node@$version into $dir"
  [ -f "$dir/package.json" ] || echo '{ "name": "dnas-onnxruntime-node", "private": true }' >"$dir/package.json"
  ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$dir" --no-audit --no-fund --loglevel=error \
    "onnxruntime-node@$version" >/dev/null
fi

binding=$module/bin/napi-v6/linux/x64/onnxruntime_binding.node
[ -f "$binding" ] || fail "the package has no linux x64 binding ($binding)"
[ -f "$(dirname "$binding")/libonnxruntime.so.1" ] || fail "the package has no libonnxruntime.so.1 next to $binding"

# A 65-byte model y = Relu(x), x float [2], opset 13: the binding must load and compute.
smoke='CAc6NwoMCgF4EgF5IgRSZWx1EgVzbW9rZVoPCgF4EgoKCAgBEgQKAggCYg8KAXkSCgoICAESBAoCCAJCBAoAEA0='
MODULE=$module SMOKE=$smoke node -e '
  const ort = require(process.env.MODULE);
  (async () => {
    const session = await ort.InferenceSession.create(Buffer.from(process.env.SMOKE, "base64"));
    const r = await session.run({ x: new ort.Tensor("float32", Float32Array.from([-1, 2]), [2]) });
    if (r.y.data[0] !== 0 || r.y.data[1] !== 2) throw new Error("wrong result " + Array.from(r.y.data));
  })().catch((e) => { console.error(e.message); process.exit(1); });
' || fail "onnxruntime-node@$version does not run in $dir"

echo "setup-onnxruntime: onnxruntime-node@$version works; export:"
echo "DNAS_ONNXRUNTIME_NODE_DIR=$dir"
