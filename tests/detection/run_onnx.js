// Runs an ONNX model (the peers project's conversions of MediaPipe's BlazeFace short-range / FaceMesh)
// in onnxruntime-node on raw float32 NHWC 1xSxSx3 inputs and writes every output as little-endian
// float32 <out_prefix>_<output name>.bin. Used only to (re)generate tests/detection/data/ (see
// make_blazeface_ref.py, make_facemesh_ref.py); not run by CTest.
// Usage: node run_onnx.js MODEL.onnx NODE_MODULES_DIR SIZE in.bin out_prefix [in.bin out_prefix ...]
'use strict';
const fs = require('fs');
const [model, nodeDir, sizeArg, ...pairs] = process.argv.slice(2);
const size = parseInt(sizeArg, 10);
const ort = require(require.resolve('onnxruntime-node', { paths: [nodeDir] }));
(async () => {
  const sess = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const b = fs.readFileSync(pairs[i]);
    const x = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    if (x.length !== size * size * 3) throw new Error(`${pairs[i]}: expected ${size * size * 3} floats, got ${x.length}`);
    const r = await sess.run({ [sess.inputNames[0]]: new ort.Tensor('float32', x, [1, size, size, 3]) });
    for (const name of sess.outputNames) {
      fs.writeFileSync(`${pairs[i + 1]}_${name}.bin`, Buffer.from(Float32Array.from(r[name].data).buffer));
      process.stdout.write(`${pairs[i + 1]}_${name}.bin ${JSON.stringify(r[name].dims)}\n`);
    }
  }
})().catch((e) => { console.error(e); process.exit(1); });
