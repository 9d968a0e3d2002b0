// Runs MediaPipe's BlazeFace short-range (ONNX conversion by the peers project) on raw float32
// NHWC 1x128x128x3 inputs in [-1, 1] and writes the raw heads (regressors 896x16, classificators
// 896x1) as little-endian float32. Used only to (re)generate tests/detection/data/ (see
// make_blazeface_ref.py); not run by CTest.
// Usage: node run_blazeface_onnx.js MODEL.onnx NODE_MODULES_DIR in.bin out_prefix [in.bin out_prefix ...]
'use strict';
const fs = require('fs');
const [model, nodeDir, ...pairs] = process.argv.slice(2);
const ort = require(require.resolve('onnxruntime-node', { paths: [nodeDir] }));
(async () => {
  const sess = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  for (let i = 0; i + 1 < pairs.length; i += 2) {
    const b = fs.readFileSync(pairs[i]);
    const x = new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    if (x.length !== 128 * 128 * 3) throw new Error(`${pairs[i]}: expected 49152 floats, got ${x.length}`);
    const r = await sess.run({ [sess.inputNames[0]]: new ort.Tensor('float32', x, [1, 128, 128, 3]) });
    for (const name of sess.outputNames) {
      fs.writeFileSync(`${pairs[i + 1]}_${name}.bin`, Buffer.from(Float32Array.from(r[name].data).buffer));
      process.stdout.write(`${pairs[i + 1]}_${name}.bin ${JSON.stringify(r[name].dims)}\n`);
    }
  }
})().catch((e) => { console.error(e); process.exit(1); });
