// The bench circuit on the emulated RP2040's pads: a second, independent
// model of the jig + card (it does not call the host's simulator).
//
// Nodes: the three jig pads (DRIVE, SENSE, SENSE_REF, as the GPIO sees them),
// T = the DRIVE probe's tip on top of the tape (socket side), N = the card's
// pin-13 net. Edges:
//   pad -- series resistor (hardware/jig.toml) -- probe tip (T, or N for SENSE/SENSE_REF)
//   N -- card pull (10 kohm by default, `cardPull`, Infinity = none) -- card rail
//       (0.1 V unpowered by default, `cardRail`: a dead rail; 3.3 V powered)
//   T -- tape -- N (open: leakage only, `leak`, 100 Mohm by default; connected:
//       10 ohm; intermittent: 10 ohm in a fraction P of 50 us time slots, chosen
//       by a seeded hash)
//   stuck-high / stuck-low: N -- 10 ohm -- 3.3 V / 0 V
//   no-contact: the SENSE and SENSE_REF tips touch nothing
// Each pad, from what the firmware set: output enabled -> its level through the
// output resistance (4 mA drive: V_OH >= 2.62 V at 4 mA -> 170 ohm worst case);
// input -> the internal pull (50-80 kohm; 65 kohm here) to 3.3 V or 0 V, both
// pulls = bus keeper (toward the level last read), none = nothing.
// A node with no path to any source keeps its last voltage (a floating wire's
// charge). A pad reads high at >= 2.0 V (V_IH), low at <= 0.8 V (V_IL), and
// between those keeps its last reading (the input's hysteresis).
//
// The model is evaluated whenever the firmware changes a pad and at every read
// of SIO GPIO_IN, so a reading always reflects the drive and pulls in force at
// that instant of emulated time. A jig line on GP26-GP29 also feeds its ADC
// channel (0-3) with its pad voltage (12 bits over 3.3 V, no noise), so an
// analog probe in the firmware reads the same model (rp2040js 1.4.1 emulates
// the ADC: mcu.adc.channelValues).

export const VDD = 3.3;
export const V_IL = 0.8;
export const V_IH = 2.0;
export const R_PULL = 65_000;
export const R_OUT = 170;
export const R_CARD = 10_000;
export const V_CARD_DEAD = 0.1;
export const R_SHORT = 10;
export const R_TAPE_CONTACT = 10;
export const R_TAPE_LEAK = 100e6;
export const SLOT_NS = 50_000;
export const V_E9 = 2.1;
export const ADC_NOISE = 2;

const WIRES = ['open', 'connected', 'stuck-high', 'stuck-low', 'no-contact'];

export function parseWire(text) {
  let s = String(text).trim();
  let powered = false;
  if (s.startsWith('powered-')) { powered = true; s = s.slice(8); }
  if (s.startsWith('intermittent:')) {
    let p = s.slice(13);
    const pct = p.endsWith('%');
    let v = Number(pct ? p.slice(0, -1) : p);
    if (pct) v /= 100;
    if (!(v > 0 && v < 1)) throw new Error(`intermittent:P needs 0 < P < 1, got ${p}`);
    return { wire: 'intermittent', p: v, powered };
  }
  if (!WIRES.includes(s)) throw new Error(`unknown wire model ${text}`);
  return { wire: s, p: 0, powered };
}

// 32-bit mix (splitmix-like) for the intermittent slots: deterministic per seed.
function slotContact(seed, slot, p) {
  let x = (Math.imul(slot ^ seed, 0x9e3779b1) ^ (slot >>> 16)) >>> 0;
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x / 4294967296 < p;
}

// Solve G v = I for the given node set (small dense Gaussian elimination).
function solve(G, I) {
  const n = I.length;
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(G[r][c]) > Math.abs(G[piv][c])) piv = r;
    [G[c], G[piv]] = [G[piv], G[c]];
    [I[c], I[piv]] = [I[piv], I[c]];
    for (let r = c + 1; r < n; r++) {
      const f = G[r][c] / G[c][c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) G[r][k] -= f * G[c][k];
      I[r] -= f * I[c];
    }
  }
  const v = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = I[r];
    for (let k = r + 1; k < n; k++) s -= G[r][k] * v[k];
    v[r] = s / G[r][r];
  }
  return v;
}

export class Bench {
  constructor(mcu, wiring, clock, { wire = 'open', seed = 1, pullDown = 'rp2040', cardPull = R_CARD, cardRail = V_CARD_DEAD, leak = R_TAPE_LEAK } = {}) {
    // The card side and the tape (issue 14's sweep): set them, then update().
    this.cardPull = cardPull;
    this.cardRail = cardRail;
    this.leak = leak;
    // Internal pull-downs: 'rp2040' (work as specified), 'e9' (RP2350 erratum
    // E9: a pulled-down input can sit near 2 V: modelled as the pull going to
    // V_E9 instead of 0 V), 'off' (what the Pico 2 firmware does: it never
    // enables them, so they are modelled as absent).
    this.pullDown = pullDown;
    this.mcu = mcu;
    this.clock = clock;
    this.gp = {
      drive: wiring.drive.pico_gpio,
      sense: wiring.sense.pico_gpio,
      senseRef: wiring.sense_ref.pico_gpio,
      led: wiring.led.pico_gpio,
      button: wiring.button.pico_gpio,
    };
    this.r = {
      drive: wiring.drive.series_ohms,
      sense: wiring.sense.series_ohms,
      senseRef: wiring.sense_ref.series_ohms,
    };
    this.seed = seed >>> 0;
    this.noiseState = (seed * 2654435761) >>> 0 || 1;
    this.model = parseWire(wire);
    this.buttonPressed = false;
    // Node voltages: pD pS pR T N (start at 0 V: an unpowered bench).
    this.v = [0, 0, 0, 0, 0];
    this.reading = new Map(); // gpio -> last boolean read
    this.evaluations = 0;
  }

  setWire(text) { this.model = parseWire(text); this.update(); }

  // Gaussian ADC read noise, sigma ADC_NOISE counts (Box-Muller on a seeded
  // xorshift: runs repeat exactly).
  adcNoise() {
    if (!ADC_NOISE) return 0;
    const next = () => {
      let x = this.noiseState;
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      this.noiseState = x;
      return (x + 1) / 4294967297;
    };
    return ADC_NOISE * Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
  }

  // Hooked into rp2040js's ADC: every conversion sees the model at that
  // instant (time-sliced intermittent contacts included).
  hookAdc() {
    const adc = this.mcu.adc;
    if (!adc) return;
    const start = adc.onADCRead.bind(adc);
    adc.onADCRead = (channel) => { this.update(); start(channel); };
  }
  press(down) { this.buttonPressed = !!down; this.update(); }

  // What the firmware did to pad n: { kind: 'out', v } | { kind: 'pull', g, v } | keeper | none.
  padSource(n) {
    const pin = this.mcu.gpio[n];
    if (pin.outputEnable) return [{ g: 1 / R_OUT, v: pin.outputValue ? VDD : 0 }];
    const up = pin.pullupEnabled, down = pin.pulldownEnabled;
    if (up && down) return [{ g: 1 / R_PULL, v: this.reading.get(n) ? VDD : 0 }];
    if (up) return [{ g: 1 / R_PULL, v: VDD }];
    if (down && this.pullDown === 'e9') return [{ g: 1 / R_PULL, v: V_E9 }];
    if (down && this.pullDown !== 'off') return [{ g: 1 / R_PULL, v: 0 }];
    return [];
  }

  tapeConductance() {
    const m = this.model;
    switch (m.wire) {
      case 'connected': return 1 / R_TAPE_CONTACT;
      case 'intermittent': {
        const slot = Math.floor(this.clock.nanos / SLOT_NS);
        return slotContact(this.seed, slot, m.p) ? 1 / R_TAPE_CONTACT : 1 / this.leak;
      }
      default: return 1 / this.leak;
    }
  }

  update() {
    this.evaluations++;
    const { gp, r, model } = this;
    const PD = 0, PS = 1, PR = 2, T = 3, N = 4;
    const edges = [[PD, T, 1 / r.drive], [T, N, this.tapeConductance()]];
    if (model.wire !== 'no-contact') {
      edges.push([PS, N, 1 / r.sense], [PR, N, 1 / r.senseRef]);
    }
    const sources = [[], [], [], [], []];
    sources[PD] = this.padSource(gp.drive);
    sources[PS] = this.padSource(gp.sense);
    sources[PR] = this.padSource(gp.senseRef);
    if (Number.isFinite(this.cardPull)) sources[N].push({ g: 1 / this.cardPull, v: model.powered ? VDD : this.cardRail });
    if (model.wire === 'stuck-high') sources[N].push({ g: 1 / R_SHORT, v: VDD });
    if (model.wire === 'stuck-low') sources[N].push({ g: 1 / R_SHORT, v: 0 });

    // Connected components; a component without a source keeps its voltages.
    const comp = [0, 1, 2, 3, 4];
    const find = (x) => (comp[x] === x ? x : (comp[x] = find(comp[x])));
    for (const [a, b] of edges) comp[find(a)] = find(b);
    const groups = new Map();
    for (let i = 0; i < 5; i++) {
      const k = find(i);
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k).push(i);
    }
    for (const nodes of groups.values()) {
      if (!nodes.some((i) => sources[i].length)) continue; // floating: hold
      const idx = new Map(nodes.map((n, i) => [n, i]));
      const G = nodes.map(() => new Array(nodes.length).fill(0));
      const I = new Array(nodes.length).fill(0);
      for (const [a, b, g] of edges) {
        if (!idx.has(a)) continue;
        const ia = idx.get(a), ib = idx.get(b);
        G[ia][ia] += g; G[ib][ib] += g; G[ia][ib] -= g; G[ib][ia] -= g;
      }
      nodes.forEach((n, i) => { for (const s of sources[n]) { G[i][i] += s.g; I[i] += s.g * s.v; } });
      const v = solve(G, I);
      nodes.forEach((n, i) => { this.v[n] = v[i]; });
    }
    this.setPad(gp.drive, this.v[PD]);
    this.setPad(gp.sense, this.v[PS]);
    this.setPad(gp.senseRef, this.v[PR]);
    for (const [n, v] of [[gp.drive, this.v[PD]], [gp.sense, this.v[PS]], [gp.senseRef, this.v[PR]]]) {
      if (n >= 26 && n <= 29 && this.mcu.adc) {
        this.mcu.adc.channelValues[n - 26] = Math.max(0, Math.min(4095, Math.round((v / VDD) * 4095 + this.adcNoise())));
      }
    }

    // Button: a switch to ground; released, only the pad's own pull (or its output) decides.
    const b = this.mcu.gpio[gp.button];
    let bv;
    if (this.buttonPressed) bv = 0;
    else if (b.outputEnable) bv = b.outputValue ? VDD : 0;
    else if (b.pullupEnabled) bv = VDD;
    else if (b.pulldownEnabled) bv = 0;
    if (bv !== undefined) this.setPad(gp.button, bv);
  }

  // Only a real change reaches setInputValue (every call there fires an edge).
  setPad(n, volts) {
    const prev = this.reading.get(n);
    let level;
    if (volts >= V_IH) level = true;
    else if (volts <= V_IL) level = false;
    else level = prev ?? false;
    if (level !== prev) {
      this.reading.set(n, level);
      this.mcu.gpio[n].setInputValue(level);
    }
  }

  netVolts() { return this.v[4]; }
}
