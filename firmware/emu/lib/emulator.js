// The emulated jig: rp2040js running the real UF2, the bench model on its
// pads, the USB host, the RTT (defmt) log reader and a pacing run loop.
import { RP2040 } from 'rp2040js';
import { appendFileSync, writeFileSync } from 'node:fs';
import { readUf2, FAMILY_RP2040 } from './uf2.js';
import { elfSymbolTable } from './elf.js';
import { Bench } from './bench.js';
import { UsbHost } from './usbhost.js';

const FLASH_BASE = 0x10000000;
const APP_VECTORS = 0x10000100; // after the 256-byte boot2
const SIO_GPIO_IN = 0x004;

export class Emulator {
  constructor({ uf2, elf, wiring, wire = 'open', seed = 1, mhz = 125, busyFactor = 1, rttLog = null, pace = true, log = () => {} }) {
    this.log = log;
    this.mcu = new RP2040();
    this.clock = this.mcu.clock;
    this.cycleNanos = 1e3 / mhz;
    this.pace = pace;
    this.warnings = 0;
    this.errors = [];
    this.sevs = 0;
    const core = this.mcu.core;
    // rp2040js logs SEV and does nothing else: make it set the event register.
    this.mcu.logger = {
      debug() {},
      info: (c, m) => { if (m === 'SEV') { this.sevs++; core.eventRegistered = true; } },
      warn: () => { this.warnings++; },
      error: (c, m) => { this.errors.push(`${c}: ${m}`); },
    };
    for (const { addr, data } of readUf2(uf2, FAMILY_RP2040)) {
      if (addr < FLASH_BASE || addr + data.length > FLASH_BASE + this.mcu.flash.length) {
        throw new Error(`UF2 block at 0x${addr.toString(16)} is outside flash`);
      }
      this.mcu.flash.set(data, addr - FLASH_BASE);
    }
    // No bootrom image exists for rp2040js: start at the application's vectors
    // (the firmware calls no ROM function; embassy-rp's boot2 is skipped).
    core.VTOR = APP_VECTORS;
    core.reset();

    this.wiring = wiring;
    this.bench = new Bench(this.mcu, wiring, this.clock, { wire, seed });
    this.bench.hookAdc();
    this.usb = new UsbHost(this.mcu, { log, onEvent: () => { this.breakSlice = true; } });
    this.jigPins = [wiring.drive.pico_gpio, wiring.sense.pico_gpio, wiring.sense_ref.pico_gpio];

    // Pads: re-evaluate the circuit on every change the firmware makes, and
    // record DRIVE and the LED with emulated timestamps.
    this.driveLog = []; // [ns, 'low'|'high'|'input'] (the newest entries)
    this.driveChanges = 0;
    this.driveHigh = []; // every instant DRIVE was driven high: [ns, label]
    this.ledLog = []; // [ns, on]
    this.label = '';
    for (const n of [...this.jigPins, wiring.button.pico_gpio]) {
      this.mcu.gpio[n].addListener(() => this.bench.update());
    }
    const drive = this.mcu.gpio[wiring.drive.pico_gpio];
    drive.addListener(() => {
      const s = this.driveState();
      const last = this.driveLog[this.driveLog.length - 1];
      if (!last || last[1] !== s) {
        this.driveChanges++;
        if (this.driveLog.length > 200000) this.driveLog.splice(0, 100000);
        this.driveLog.push([this.clock.nanos, s]);
      }
      if (s === 'high') this.driveHigh.push([this.clock.nanos, this.label]);
    });
    const led = this.mcu.gpio[wiring.led.pico_gpio];
    led.addListener(() => {
      const on = led.outputEnable && led.outputValue;
      const last = this.ledLog[this.ledLog.length - 1];
      if (!last || last[1] !== on) {
        if (this.ledLog.length > 20000) this.ledLog.splice(0, 10000);
        this.ledLog.push([this.clock.nanos, on]);
      }
    });
    // Every SIO GPIO_IN read sees the circuit as it is at that instant.
    const sio = this.mcu.sio;
    const read = sio.readUint32.bind(sio);
    sio.readUint32 = (offset) => {
      if (offset === SIO_GPIO_IN) this.bench.update();
      return read(offset);
    };
    this.bench.update();

    // defmt-rtt: read the up buffer out of RAM into a file.
    this.rttLog = rttLog;
    this.rtt = null;
    // Busy-wait acceleration: inside embassy-time's blocking delay (a loop
    // that reads the TIMER until its deadline) each instruction counts
    // busyFactor times its cycles, so emulated time passes at the same rate
    // with 1/busyFactor of the JavaScript work. The loop still ends when the
    // firmware reads a TIMER value past its own deadline (overshoot at most
    // one loop iteration); code outside the loop runs at the real clock.
    this.busyFactor = busyFactor;
    this.busyRanges = [];
    if (elf) {
      const table = elfSymbolTable(elf);
      const rtt = table.get('_SEGGER_RTT');
      if (rtt) this.rtt = { addr: rtt.addr };
      for (const [name, { addr, size }] of table) {
        if (size && (/embassy_time\d*delay\d*block_for/.test(name) || (/embassy_time\.\.delay\.\.Delay/.test(name) && /delay_(us|ns|ms)/.test(name)))) {
          this.busyRanges.push([addr & ~1, (addr & ~1) + size]);
        }
      }
    }
    const [b0, b1] = this.busyRanges[0] || [0, 0];
    const [c0, c1] = this.busyRanges[1] || [0, 0];
    this.inBusyWait = (pc) => (pc >= b0 && pc < b1) || (pc >= c0 && pc < c1);
    if (rttLog) writeFileSync(rttLog, '');
    this.rttBytes = 0;

    this.running = false;
    this.wallStart = 0;
    this.emuStart = 0;
    this.waiters = [];
  }

  driveState() {
    const p = this.mcu.gpio[this.wiring.drive.pico_gpio];
    if (!p.outputEnable) return 'input';
    return p.outputValue ? 'high' : 'low';
  }

  // The jig lines that currently have their output driver on.
  drivenLines() {
    // HOLD (the Raspberry Pi jig's second reference): the Pico firmware
    // keeps it an input for the whole run.
    const names = ['DRIVE', 'SENSE', 'SENSE_REF', 'HOLD'];
    const pins = [...this.jigPins, this.wiring.hold ? this.wiring.hold.pico_gpio : null];
    return pins.map((n, i) => (n !== null && this.mcu.gpio[n].outputEnable ? names[i] : null)).filter(Boolean);
  }

  readRtt() {
    if (!this.rtt) return;
    const ram = (a) => this.mcu.sramView.getUint32(a - 0x20000000, true);
    const base = this.rtt.addr;
    if (ram(base) !== 0x47474553) return; // "SEGG": not initialised yet
    const up = base + 24; // after id[16], max_up, max_down
    const buf = ram(up + 4), size = ram(up + 8), wr = ram(up + 12);
    let rd = ram(up + 16);
    if (!size || wr === rd) return;
    const chunks = [];
    while (rd !== wr) {
      const end = wr > rd ? wr : size;
      chunks.push(this.mcu.sram.slice(buf - 0x20000000 + rd, buf - 0x20000000 + end));
      rd = end === size ? 0 : end;
    }
    this.mcu.sramView.setUint32(up + 16 - 0x20000000, rd, true);
    const data = Buffer.concat(chunks.map((c) => Buffer.from(c)));
    this.rttBytes += data.length;
    if (this.rttLog) appendFileSync(this.rttLog, data);
  }

  get nanos() { return this.clock.nanos; }

  start() {
    if (this.running) return;
    this.running = true;
    this.wallStart = performance.now();
    this.emuStart = this.clock.nanos;
    this.loop();
  }

  stop() { this.running = false; if (this.timer) clearTimeout(this.timer); this.timer = null; }

  // Run until emulated time `ns` (absolute), resolving a promise.
  until(ns) {
    return new Promise((resolve) => { this.waiters.push({ ns, resolve }); this.waiters.sort((a, b) => a.ns - b.ns); });
  }
  sleep(emuMs) { return this.until(this.clock.nanos + emuMs * 1e6); }

  wake() {
    while (this.waiters.length && this.waiters[0].ns <= this.clock.nanos) this.waiters.shift().resolve();
  }

  loop() {
    this.timer = null;
    if (!this.running) return;
    const core = this.mcu.core, clock = this.clock, cyc = this.cycleNanos, busy = this.busyFactor;
    const sliceEnd = performance.now() + 8;
    let idleUntil = 0;
    outer: while (performance.now() < sliceEnd) {
      for (let i = 0; i < 4000; i++) {
        if (this.errors.length) { this.running = false; break outer; }
        // Host-side code (promises) must run before emulated time moves on.
        if (this.breakSlice) { this.breakSlice = false; break outer; }
        if (core.waiting) {
          // +0.001 ns: nanos are floats; an alarm at now+step must not miss by an ulp.
          let step = clock.nanosToNextAlarm + 0.001;
          if (step <= 0.001) step = 1e6;
          const wallNs = (performance.now() - this.wallStart) * 1e6;
          if (this.waiters.length || !this.pace) {
            // A scenario waits for emulated time: fast-forward through idle.
            clock.tick(Math.min(step, Math.max(1, this.waiters.length ? this.waiters[0].ns - clock.nanos : step)));
            if (clock.nanos - this.emuStart > wallNs) this.emuStart = clock.nanos - wallNs;
          } else {
            // Idle: emulated time may not run ahead of wall time (host I/O runs meanwhile).
            const room = wallNs - (clock.nanos - this.emuStart);
            if (room > 50e6) this.emuStart -= room - 50e6; // do not bank a long lag
            if (step <= room) clock.tick(step);
            else {
              if (room > 0) clock.tick(room);
              idleUntil = Math.min(5, Math.max(1, (step - Math.max(0, room)) / 1e6));
              break outer;
            }
          }
        } else {
          const pc = core.PC;
          clock.tick(core.executeInstruction() * (busy > 1 && this.inBusyWait(pc) ? cyc * busy : cyc));
        }
        if (this.waiters.length && this.waiters[0].ns <= clock.nanos) { this.wake(); }
      }
    }
    this.readRtt();
    this.wake();
    if (!this.running) return;
    if (idleUntil) this.timer = setTimeout(() => this.loop(), idleUntil);
    else this.timer = setImmediate(() => this.loop());
  }
}
