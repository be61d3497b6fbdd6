#!/usr/bin/env node
// pin13 jig emulator: runs the real firmware UF2 in rp2040js and serves its
// USB CDC-ACM port on a pseudo-terminal for `pin13 jig ... --backend serial:PTY`.
//
//   node firmware/emu/emu.js [--wire MODEL] [--link PATH] [--rtt FILE] [--mhz N] [--busy N] [--uf2 F] [--elf F]
import { startJig } from './lib/session.js';
import { symlinkSync, unlinkSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = {};
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  const m = a.match(/^--(wire|link|rtt|mhz|busy|uf2|elf|seed)$/);
  if (m && i + 1 < args.length) { opt[m[1]] = args[++i]; continue; }
  if (a === '--help' || a === '-h') {
    console.log('usage: node emu.js [--wire MODEL] [--link PATH] [--rtt FILE] [--mhz N] [--busy N] [--uf2 F] [--elf F] [--seed N]');
    process.exit(0);
  }
  console.error(`emu.js: unknown argument ${a} (try --help)`);
  process.exit(2);
}
const s = await startJig({
  wire: opt.wire, rttLog: opt.rtt, mhz: opt.mhz ? Number(opt.mhz) : undefined,
  busyFactor: opt.busy ? Number(opt.busy) : 16,
  uf2: opt.uf2, elf: opt.elf, seed: opt.seed ? Number(opt.seed) : undefined,
  log: (m) => console.error(m),
});
if (opt.link) symlinkSync(s.path, opt.link);
console.log(s.path);
console.error(`emu.js: booted and enumerated in ${s.bootEmuMs.toFixed(2)} ms emulated, ${s.bootWallMs.toFixed(0)} ms wall; serving ${s.path}`);
const bye = async () => { if (opt.link) { try { unlinkSync(opt.link); } catch {} } await s.stop(); process.exit(0); };
process.on('SIGINT', bye);
process.on('SIGTERM', bye);
