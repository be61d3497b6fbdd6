#!/usr/bin/env node
// Benchmark (not a test): boot time and raw probe times of the real firmware
// in the emulator, emulated and wall. Used for docs/benchmarks.md.
//   node firmware/emu/probe-timing.js [--mhz 125] [--busy 16]
import { startJig } from './lib/session.js';
import { REQ, FrameCollector } from './lib/proto.js';

const argv = process.argv.slice(2);
const arg = (n, d) => { const i = argv.indexOf(n); return i >= 0 ? Number(argv[i + 1]) : d; };
const mhz = arg('--mhz', 125), busyFactor = arg('--busy', 16);
const t0 = performance.now();
const s = await startJig({ mhz, busyFactor, pty: false });
console.log(`CPU ${mhz} MHz, busy-wait x${busyFactor}: boot to USB configured ${s.bootEmuMs.toFixed(2)} ms emulated, ${(performance.now() - t0).toFixed(0)} ms wall (incl. loading)`);
const c = new FrameCollector();
let tIn = 0;
s.usb.onBulkIn = (d) => { c.push(d); tIn = performance.now(); };
s.usb.inAccept = true;
await s.usb.setLineState(true);
for (const [n, label, analog] of [[1000, 'cold', false], [1000, 'warm', false], [10000, 'warm', false], [1000, 'analog, warm', true]]) {
  c.frames.length = 0;
  const w = performance.now(), e = s.emu.nanos;
  let eAns = 0;
  s.usb.sendBulk(analog ? REQ.analogProbe(1, n, 50) : REQ.probe(1, n, 50));
  await new Promise((r) => { const iv = setInterval(() => { if (c.frames.length) { eAns = s.emu.nanos; clearInterval(iv); r(); } }, 1); });
  console.log(`probe ${n} x 50 us (${label}): ${((eAns - e) / 1e6).toFixed(1)} ms emulated request-to-answer, ${(tIn - w).toFixed(0)} ms wall`);
}
await s.stop();
