#!/usr/bin/env node
// Runs an exported ONNX model (float or QDQ int8) with ONNX Runtime, the npm package
// onnxruntime-node: an independent runtime for the export tests, which cannot link it from C++
// (the package ships its shared library without C headers).
//
//   node run_onnxruntime.js MODEL.onnx INPUT.bin N C H W OUTPUT.bin [OUTPUT_NAME]
//
// INPUT.bin: N x C x H x W float32 values (run one image at a time), little-endian, NCHW (the models' input "input",
// (pixel - 128) / 128). OUTPUT.bin receives the float32 little-endian values of the output
// OUTPUT_NAME (default "probabilities"), row-major. Exit code 0 on success, 2 for wrong
// arguments, 1 when the module, the model or the run fails (the reason on stderr).
//
// The module is loaded from $DNAS_ONNXRUNTIME_NODE_DIR/node_modules/onnxruntime-node, a folder
// that packaging/setup-onnxruntime.sh installs and prints; without the variable, from Node's
// usual module path.
'use strict';

const fs = require('fs');
const path = require('path');

class UsageError extends Error {}

function loadOnnxRuntime() {
  const dir = process.env.DNAS_ONNXRUNTIME_NODE_DIR;
  const id = dir ? path.join(path.resolve(dir), 'node_modules', 'onnxruntime-node') : 'onnxruntime-node';
  try {
    return require(id);
  } catch (e) {
    const where = dir ? `DNAS_ONNXRUNTIME_NODE_DIR=${dir}` : 'Node\'s module path (DNAS_ONNXRUNTIME_NODE_DIR is not set)';
    throw new Error(`cannot load onnxruntime-node from ${where}: ${e.message.split('\n')[0]}\n` +
                    'install it with packaging/setup-onnxruntime.sh and export the variable it prints');
  }
}

function parseArgs(argv) {
  if (argv.length !== 7 && argv.length !== 8)
    throw new UsageError('usage: node run_onnxruntime.js MODEL.onnx INPUT.bin N C H W OUTPUT.bin [OUTPUT_NAME]');
  const dims = argv.slice(2, 6).map((s) => {
    const v = Number(s);
    if (!Number.isInteger(v) || v <= 0)
      throw new UsageError(`dimension "${s}" is not a positive integer`);
    return v;
  });
  return { model: argv[0], input: argv[1], dims, output: argv[6], outputName: argv[7] || 'probabilities' };
}

// The float32 little-endian file as a Float32Array of exactly `count` values.
function readFloats(file, count) {
  const bytes = fs.readFileSync(file);
  if (bytes.length !== count * 4)
    throw new Error(`${file}: ${bytes.length} bytes, expected ${count * 4} (${count} float32 values)`);
  const values = new Float32Array(count);
  for (let i = 0; i < count; ++i)
    values[i] = bytes.readFloatLE(i * 4);
  return values;
}

function writeFloats(file, values) {
  const bytes = Buffer.alloc(values.length * 4);
  for (let i = 0; i < values.length; ++i)
    bytes.writeFloatLE(values[i], i * 4);
  fs.writeFileSync(file, bytes);
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = loadOnnxRuntime();
  ort.env.logLevel = 'error';
  const count = args.dims.reduce((a, b) => a * b, 1);
  const values = readFloats(args.input, count);
  const session = await ort.InferenceSession.create(args.model, { graphOptimizationLevel: 'all' });
  if (!session.inputNames.includes('input'))
    throw new Error(`${args.model}: no input named "input" (inputs: ${session.inputNames.join(', ')})`);
  if (!session.outputNames.includes(args.outputName))
    throw new Error(`${args.model}: no output named "${args.outputName}" (outputs: ${session.outputNames.join(', ')})`);
  // The exported models take one image (N = 1), as firmware runs them: one run per image.
  const [n, ...image] = args.dims;
  const size = count / n;
  const rows = [];
  let out = null;
  for (let i = 0; i < n; ++i) {
    const input = new ort.Tensor('float32', values.slice(i * size, (i + 1) * size), [1, ...image]);
    const result = await session.run({ input }, [args.outputName]);
    out = result[args.outputName];
    if (out.type !== 'float32')
      throw new Error(`${args.model}: output "${args.outputName}" is ${out.type}, not float32`);
    rows.push(...out.data);
  }
  writeFloats(args.output, rows);
  console.log(`${args.outputName} ${n} x [${out.dims.join(', ')}] -> ${args.output}`);
}

main().catch((e) => {
  console.error(`run_onnxruntime: ${e.message}`);
  process.exit(e instanceof UsageError ? 2 : 1);
});
