// ONNX Runtime per-inference CPU time (user + system of the whole node process, all threads) and wall
// time, for bench/compare: the same sessions as the peers' tools/bench.js (intra 1, inter 1, sequential,
// all graph optimizations), from a set-up peers copy. CPU time is what a loaded, shared machine does not
// inflate: a preempted inference waits longer but does not burn more CPU.
//
//   node bench/ort_cpu.js <peers_work> [iterations=100] [model,...]   -> JSON lines
'use strict';
const path = require('path');
const peers = path.resolve(process.argv[2]);
const iters = parseInt(process.argv[3] || '100', 10);
const only = (process.argv[4] || 'facemesh,facemesh_int8,blazeface_front').split(',');
const c = require(path.join(peers, 'tools', 'common.js'));
const { MODELS, ortRunner } = require(path.join(peers, 'tools', 'models.js'));

const median = (a) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]); };

(async () => {
  const warm = Math.max(3, Math.min(10, Math.floor(iters / 5)));
  for (const name of only) {
    const src = MODELS[name].inputsFrom || name;
    const x = c.readBin(path.join(peers, 'refs', src, 'input_0')).data;
    const run = await ortRunner(name);
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
    const runtime = name.endsWith('_int8') ? 'ort-int8-qdq' : 'ort-fp32';
    console.log(JSON.stringify({ model, runtime, median_ms: +median(wall).toFixed(4), cpu_median_ms: +median(cpu).toFixed(4), iterations: iters, threads: 1 }));
  }
})().catch((e) => { console.error(e); process.exit(1); });
