// Connects the emulated jig's CDC-ACM port to a pty: a client opening the
// pty raises DTR (SET_CONTROL_LINE_STATE to the CDC interface) and starts
// polling bulk IN; closing it drops DTR and stops polling, as Linux cdc-acm does.
import { openPty } from './pty.js';
import { readWiring } from './wiring.js';
import { Emulator } from './emulator.js';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

export const EMU_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO = resolve(EMU_DIR, '../..');

export function defaults() {
  return {
    uf2: process.env.PIN13_EMU_UF2 || join(REPO, 'target/firmware/pin13-jig.uf2'),
    elf: process.env.PIN13_EMU_ELF || join(REPO, 'target/firmware/pin13-jig.elf'),
    wiring: join(REPO, 'hardware/jig.toml'),
  };
}

export async function startJig(opts = {}) {
  const d = defaults();
  const emu = new Emulator({
    uf2: opts.uf2 || d.uf2,
    elf: opts.elf === null ? null : opts.elf || d.elf,
    wiring: readWiring(opts.wiring || d.wiring),
    wire: opts.wire || 'open',
    seed: opts.seed ?? 1,
    mhz: opts.mhz || 125,
    busyFactor: opts.busyFactor ?? 1,
    rttLog: opts.rttLog || null,
    pace: opts.pace ?? true,
    log: opts.log || (() => {}),
  });
  const usb = emu.usb;
  const session = { emu, usb, portOpen: false, opens: 0, closes: 0, lineStates: [] };
  const configured = new Promise((res) => { usb.onConfigured = (info) => { session.info = info; res(info); if (session.portOpen) openPort(); }; });
  const openPort = () => {
    usb.inAccept = true;
    usb.setLineState(true).then((r) => session.lineStates.push(['dtr-on', r.data ? 'ok' : r.stall ? 'stall' : 'aborted']));
    usb.schedule();
  };
  if (opts.pty !== false) {
    session.pty = await openPty({
      onOpen: () => { session.portOpen = true; session.opens++; if (usb.configured) openPort(); emu.breakSlice = true; },
      onClose: () => {
        session.portOpen = false; session.closes++;
        usb.inAccept = false;
        usb.setLineState(false).then((r) => session.lineStates.push(['dtr-off', r.data ? 'ok' : r.stall ? 'stall' : 'aborted']));
        emu.breakSlice = true;
      },
      onData: (d) => { usb.sendBulk(d); emu.breakSlice = true; },
    });
    usb.onBulkIn = (d) => session.pty.write(d);
    session.path = session.pty.path;
  }
  session.configured = configured;
  session.stop = async () => { emu.stop(); if (session.pty) await session.pty.close(); };
  const t0 = performance.now();
  emu.start();
  await configured;
  session.bootWallMs = performance.now() - t0;
  session.bootEmuMs = emu.nanos / 1e6;
  return session;
}
