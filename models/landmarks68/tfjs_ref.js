// Runs one face-api network with the original TFJS runtime (tfjs-backend-wasm, 1 thread) on raw inputs and
// writes the raw network output: the independent float reference for the facenn converters.
//
//   node tfjs_ref.js <net> <face-api model dir> <size> <out dir> <input.bin>...
//     net: faceLandmark68Net | faceLandmark68TinyNet | faceRecognitionNet
//     input.bin: uint8 (size*size*3 bytes) or float32 (4x that) NHWC RGB 0..255
//     writes <out dir>/<input basename>.tfjs.f32 (float32 LE) and prints one JSON line per input.
// Packages are resolved from $FACENN_NODE_DIR (default <repo>/.cache/node), which must hold
// @tensorflow/tfjs@4.22.0, @tensorflow/tfjs-backend-wasm@4.22.0 and @vladmandic/face-api@1.7.15:
//   npm install --prefix .cache/node @tensorflow/tfjs@4.22.0 @tensorflow/tfjs-backend-wasm@4.22.0 @vladmandic/face-api@1.7.15
'use strict';
const fs = require('fs');
const path = require('path');

const nodeDir = process.env.FACENN_NODE_DIR || path.resolve(__dirname, '..', '..', '.cache', 'node');
const load = (m) => require(require.resolve(m, { paths: [nodeDir] }));

async function main() {
  const [net, modelDir, sizeArg, outDir, ...inputs] = process.argv.slice(2);
  const size = Number(sizeArg);
  if (!net || !modelDir || !size || !outDir || inputs.length === 0) {
    throw new Error('usage: node tfjs_ref.js <net> <model dir> <size> <out dir> <input.bin>...');
  }
  const tf = load('@tensorflow/tfjs');
  const wasm = load('@tensorflow/tfjs-backend-wasm');
  if (wasm.setThreadsCount) wasm.setThreadsCount(1);
  await tf.setBackend('wasm');
  await tf.ready();
  const faceapi = load('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const model = faceapi.nets[net];
  await model.loadFromDisk(modelDir);
  fs.mkdirSync(outDir, { recursive: true });
  const n = size * size * 3;
  for (const file of inputs) {
    const buf = fs.readFileSync(file);
    let x;
    if (buf.length === n) x = Float32Array.from(buf);
    else if (buf.length === 4 * n) x = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
    else throw new Error(`${file}: ${buf.length} bytes, expected ${n} (u8) or ${4 * n} (f32)`);
    const t = tf.tensor4d(x, [1, size, size, 3]);
    const input = new faceapi.NetInput([t]);
    // landmark nets: runNet = raw output before face-api maps the points to the box; recognition: descriptor
    const y = net === 'faceRecognitionNet' ? model.forwardInput(input) : model.runNet(input);
    const data = y.dataSync();
    const out = path.join(outDir, path.basename(file).replace(/\.[^.]*$/, '') + '.tfjs.f32');
    fs.writeFileSync(out, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    console.log(JSON.stringify({ input: file, output: out, shape: y.shape, backend: tf.getBackend(), tfjs: tf.version.tfjs }));
    y.dispose();
    t.dispose();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
