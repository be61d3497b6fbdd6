// Reads the jig's pins and series resistors from hardware/jig.toml (the same
// file the firmware's build.rs reads), without a TOML dependency: the file's
// [line.*] tables are flat `key = value` lines.
import { readFileSync } from 'node:fs';

export function readWiring(path) {
  const lines = {};
  let cur = null;
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const sect = line.match(/^\[line\.([a-z_]+)\]$/);
    if (sect) { cur = lines[sect[1]] = {}; continue; }
    if (line.startsWith('[')) { cur = null; continue; }
    const kv = line.match(/^([a-z_0-9]+)\s*=\s*(.+)$/);
    if (cur && kv) {
      const v = kv[2].trim();
      cur[kv[1]] = /^-?\d+$/.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v.replace(/^"|"$/g, '');
    }
  }
  for (const need of ['drive', 'sense', 'sense_ref', 'led', 'button']) {
    if (!lines[need] || typeof lines[need].pico_gpio !== 'number') {
      throw new Error(`${path}: no [line.${need}] with pico_gpio`);
    }
  }
  return lines;
}
