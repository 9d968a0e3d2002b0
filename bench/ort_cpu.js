// ONNX Runtime (and TFJS wasm) per-inference CPU time (user + system of the whole node process, all threads) and wall
// time, for bench/compare: the same sessions as the peers' tools/bench.js (intra 1, inter 1, sequential,
// all graph optimizations), from a set-up peers copy. CPU time is what a loaded, shared machine does not
// inflate: a preempted inference waits longer but does not burn more CPU.
//
// A model name prefixed with "tfjs:" (e.g. tfjs:landmark68) runs the original TFJS model on the wasm backend
// (1 thread) instead: the peers' tfjsRunner (tools/models.js). tfjs:landmark68_tiny is face-api's
// FaceLandmark68TinyNet (the peers have no ONNX of it), run here the way tfjsRunner runs landmark68
// (raw network output, before face-api's box post-processing), on landmark68's input.
//
//   node bench/ort_cpu.js <peers_work> [iterations=100] [model,...]   -> JSON lines
'use strict';
const path = require('path');
const peers = path.resolve(process.argv[2]);
const iters = parseInt(process.argv[3] || '100', 10);
const only = (process.argv[4] || 'facemesh,facemesh_int8,blazeface_front').split(',');
const c = require(path.join(peers, 'tools', 'common.js'));
const { MODELS, ortRunner, tfjsRunner } = require(path.join(peers, 'tools', 'models.js'));

// face-api's tiny 68-point net on TFJS wasm (tools/models.js registers only the full one)
async function tfjsTinyLandmarksRunner() {
  const tf = await c.initTfjsWasm();
  const faceapi = c.req('@vladmandic/face-api/dist/face-api.node-wasm.js');
  const net = faceapi.nets.faceLandmark68TinyNet;
  if (!net.isLoaded) await net.loadFromDisk(path.join(peers, '.cache', 'pkgs', 'face-api', 'model'));
  return (x) => {
    const t = tf.tensor4d(x, [1, 112, 112, 3]);
    const o = net.runNet(new faceapi.NetInput([t]));
    const r = { landmarks: { shape: o.shape, data: o.dataSync() } };
    o.dispose(); t.dispose();
    return r;
  };
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]); };

(async () => {
  const warm = Math.max(3, Math.min(10, Math.floor(iters / 5)));
  for (const spec of only) {
    const tfjs = spec.startsWith('tfjs:');
    const name = tfjs ? spec.slice(5) : spec;
    const tiny = name === 'landmark68_tiny';
    const src = tiny ? 'landmark68' : MODELS[name].inputsFrom || name;
    const x = c.readBin(path.join(peers, 'refs', src, 'input_0')).data;
    const run = tiny ? await tfjsTinyLandmarksRunner() : tfjs ? await tfjsRunner(name) : await ortRunner(name);
    const wall = [], cpu = [];
    for (let i = 0; i < warm + iters; i++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      await run(x);
      const dt = Number(process.hrtime.bigint() - t0) / 1e6;
      const du = process.cpuUsage(c0);
      if (i >= warm) { wall.push(dt); cpu.push((du.user + du.system) / 1e3); }
    }
    const model = name.replace('_int8', '');
    const runtime = tfjs ? 'tfjs-wasm-fp32' : name.endsWith('_int8') ? 'ort-int8-qdq' : 'ort-fp32';
    console.log(JSON.stringify({ model, runtime, median_ms: +median(wall).toFixed(4), cpu_median_ms: +median(cpu).toFixed(4), iterations: iters, threads: 1 }));
  }
})().catch((e) => { console.error(e); process.exit(1); });
