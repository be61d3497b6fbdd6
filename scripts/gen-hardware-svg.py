#!/usr/bin/env python3
"""Regenerate hardware/card-edge.svg and hardware/jig-wiring.svg.

    python3 scripts/gen-hardware-svg.py

The wiring drawing takes every GPIO number and series resistor from
hardware/jig.toml, the one pin map. After editing jig.toml, run this script and
commit both SVGs; `cargo test -p pin13 --test docs` fails while the drawing and
jig.toml disagree. Needs Python >= 3.11 (tomllib) and nothing else.
"""
import os
import sys
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def card_edge():
    W, H = 920, 680
    out = []
    a = out.append
    a(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="DejaVu Sans, Arial, sans-serif">')
    a('<title>Mini PCI Type III card edge, top face, pin 13 marked</title>')
    a('<desc>Schematic, not to scale. Top face = the one with the antenna connectors; it carries the odd pins. Pin 1 is the lone contact beside the key notch; pin 13 is the 7th contact counting pin 1. Pin 19 (3.3 V) is on this face, pin 18 (5 V) on the back face.</desc>')
    a(f'<rect x="0" y="0" width="{W}" height="{H}" fill="#ffffff"/>')
    a('<text x="30" y="34" font-size="20" font-weight="bold" fill="#111">Mini PCI Type III card (Intel 2200BG): find pin 13</text>')
    a('<text x="30" y="56" font-size="13" fill="#333">Top face (antenna connectors on it, facing you), contacts pointing down. Schematic, not to scale.</text>')

    top, edge = 80, 360
    x0, x1 = 30, 890
    pitch, fw = 28, 16
    def fx(pin):
        if pin == 1:
            return 60
        return 124 + (pin - 3) // 2 * pitch
    n0, n1 = 88, 112        # key notch x range (between pin 1 and pin 3)
    nd = 36
    a(f'<path d="M{x0},{top} H{x1} V{edge} H{n1} V{edge-nd} H{n0} V{edge} H{x0} Z" fill="#2f7a3a" stroke="#1b4d22" stroke-width="2"/>')
    for cx, lab in ((760, 'MAIN'), (830, 'AUX')):
        a(f'<circle cx="{cx}" cy="122" r="15" fill="#d4af37" stroke="#7a6112" stroke-width="2"/>')
        a(f'<circle cx="{cx}" cy="122" r="5" fill="#7a6112"/>')
        a(f'<text x="{cx}" y="154" font-size="11" text-anchor="middle" fill="#fff">{lab}</text>')
    a('<text x="795" y="176" font-size="12" text-anchor="middle" fill="#fff">antenna connectors</text>')
    a('<text x="795" y="192" font-size="12" text-anchor="middle" fill="#fff">= top face</text>')
    a('<text x="60" y="120" font-size="15" fill="#fff">TOP FACE: odd pins 1, 3, 5 … 123</text>')
    a('<text x="60" y="141" font-size="12" fill="#dfe">(even pins 2 … 124 are on the back face)</text>')

    ftop = edge - 92
    tape_top = edge - 66
    pins = [1] + list(range(3, 44, 2))
    for p in pins:
        x = fx(p)
        colour, stroke, sw = '#e8c34a', '#9a7b14', 1
        if p == 13:
            stroke, sw = '#c62828', 3
        if p == 19:
            stroke, sw = '#e65100', 3
        a(f'<rect x="{x}" y="{ftop}" width="{fw}" height="{edge - ftop - 2}" rx="2" fill="{colour}" stroke="{stroke}" stroke-width="{sw}"/>')
        bold = 'bold' if p in (1, 13, 19) else 'normal'
        col = {13: '#ffcdd2', 19: '#ffe0b2'}.get(p, '#fff')
        a(f'<text x="{x + fw / 2}" y="{ftop - 8}" font-size="12" text-anchor="middle" fill="{col}" font-weight="{bold}">{p}</text>')
    a(f'<text x="{fx(43) + 34}" y="{edge - 40}" font-size="13" fill="#fff">… to pin 123</text>')

    tx = fx(13) - 4
    a(f'<rect x="{tx}" y="{tape_top}" width="{fw + 8}" height="{edge - tape_top + 4}" fill="#ff8f00" fill-opacity="0.55" stroke="#e65100" stroke-width="1.5" stroke-dasharray="3,2"/>')

    # Count under the edge.
    for i, p in enumerate([1, 3, 5, 7, 9, 11, 13], start=1):
        x = fx(p) + fw / 2
        hot = p == 13
        a(f'<circle cx="{x}" cy="{edge + 30}" r="10" fill="{"#c62828" if hot else "#e3f2fd"}" stroke="{"#b71c1c" if hot else "#1565c0"}"/>')
        a(f'<text x="{x}" y="{edge + 34}" font-size="12" text-anchor="middle" fill="{"#fff" if hot else "#1565c0"}" font-weight="bold">{i}</text>')

    # Notch label.
    nx = (n0 + n1) / 2
    a(f'<line x1="{nx}" y1="{edge - nd + 4}" x2="{nx}" y2="{edge + 70}" stroke="#555" stroke-width="1"/>')
    a(f'<text x="{x0}" y="{edge + 86}" font-size="12" fill="#333">key notch: the lone contact beside it is pin 1</text>')

    # Pin 13 callout (below, to the right).
    cx = fx(13) + fw / 2
    bx, by = 400, edge + 58
    a(f'<line x1="{cx}" y1="{edge + 41}" x2="{bx}" y2="{by + 30}" stroke="#c62828" stroke-width="2"/>')
    a(f'<rect x="{bx}" y="{by}" width="460" height="104" rx="6" fill="#ffebee" stroke="#c62828" stroke-width="2"/>')
    a(f'<text x="{bx + 14}" y="{by + 24}" font-size="15" font-weight="bold" fill="#b71c1c">Pin 13 = 7th contact: the kill input</text>')
    a(f'<text x="{bx + 14}" y="{by + 46}" font-size="12" fill="#333">LED1_GRNN / "RF silent". The laptop pulls it low = radio off.</text>')
    a(f'<text x="{bx + 14}" y="{by + 66}" font-size="12" fill="#333">Tape (amber) covers its contact zone, up to the edge.</text>')
    a(f'<text x="{bx + 14}" y="{by + 86}" font-size="12" fill="#333">Leave the top of the finger bare: SENSE / SENSE_REF probe there.</text>')

    # Pin 19 / 18 warning (above the fingers, right of pin 19).
    wx = fx(19) + fw / 2
    a(f'<line x1="{wx}" y1="{ftop - 22}" x2="{wx + 70}" y2="{top + 120}" stroke="#e65100" stroke-width="2"/>')
    bx2, by2 = wx + 40, top + 86
    a(f'<rect x="{bx2}" y="{by2}" width="330" height="70" rx="6" fill="#fff3e0" stroke="#e65100" stroke-width="2"/>')
    a(f'<text x="{bx2 + 12}" y="{by2 + 22}" font-size="13" font-weight="bold" fill="#bf360c">Pin 19 = 3.3 V (this face)</text>')
    a(f'<text x="{bx2 + 12}" y="{by2 + 42}" font-size="13" font-weight="bold" fill="#bf360c">Pin 18 = 5 V (back face, behind 17/19)</text>')
    a(f'<text x="{bx2 + 12}" y="{by2 + 60}" font-size="11" fill="#333">probe with care; never power the card while probing</text>')

    # Legend and notes.
    ly = edge + 190
    a(f'<rect x="30" y="{ly}" width="14" height="14" fill="#e8c34a" stroke="#9a7b14"/><text x="52" y="{ly + 12}" font-size="12" fill="#333">gold contact (odd pin)</text>')
    a(f'<rect x="230" y="{ly}" width="14" height="14" fill="#ff8f00" fill-opacity="0.55" stroke="#e65100" stroke-dasharray="3,2"/><text x="252" y="{ly + 12}" font-size="12" fill="#333">polyimide (Kapton) tape, one contact wide</text>')
    notes = [
        'Orientation may be mirrored on your card: the landmark is the lone contact beside the notch, not left or right.',
        'Do not wrap the tape round the edge onto the back face. Sources and details: hardware/pin13-reference.md.',
        'Mini PCI Express cards differ: there the kill line is W_DISABLE#, pin 20.',
    ]
    for i, t in enumerate(notes):
        a(f'<text x="30" y="{ly + 40 + 20 * i}" font-size="12" fill="#333">{t}</text>')
    a('</svg>')
    return '\n'.join(out) + '\n'


def jig_wiring(L):

    def esc(s):
        return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')

    def where(name):
        l = L[name]
        pico = f"Pico GP{l['pico_gpio']} " + (f"(pin {l['pico_pin']})" if l['pico_pin'] else '(on-board)')
        pi = f"Pi BCM{l['rpi_bcm']} (pin {l['rpi_pin']})"
        return f'{pico} · {pi}'

    def ohms(v):
        if v < 1000:
            return f'{v} Ω'
        return f'{v / 1000:g} kΩ'

    W, H = 1040, 800
    o = []
    a = o.append
    a(f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="DejaVu Sans, Arial, sans-serif">')
    a('<title>pin13 bench jig wiring</title>')
    a('<desc>Generated from hardware/jig.toml by scripts/gen-hardware-svg.py. DRIVE, SENSE and SENSE_REF reach the card through their series resistors and spring probes; HOLD (Raspberry Pi jig) joins SENSE_REF\'s probe through its own resistor; LED and BUTTON stay on the jig; the jig ground is common with the card ground.</desc>')
    a(f'<rect width="{W}" height="{H}" fill="#fff"/>')
    a('<text x="30" y="34" font-size="20" font-weight="bold" fill="#111">pin13 bench jig: wiring</text>')
    a('<text x="30" y="56" font-size="13" fill="#333">GPIO numbers from hardware/jig.toml (the one pin map; the firmware and the Pi backend read it). Card unpowered on the bench.</text>')

    # Jig box.
    jx0, jx1, jy0, jy1 = 30, 380, 80, 660
    a(f'<rect x="{jx0}" y="{jy0}" width="{jx1 - jx0}" height="{jy1 - jy0}" rx="10" fill="#eef3fb" stroke="#1f4e96" stroke-width="2"/>')
    a(f'<text x="{jx0 + 14}" y="{jy0 + 26}" font-size="15" font-weight="bold" fill="#1f4e96">JIG: Raspberry Pi Pico (RP2040)</text>')
    a(f'<text x="{jx0 + 14}" y="{jy0 + 46}" font-size="13" fill="#1f4e96">or a Raspberry Pi; 3.3 V GPIO, not 5 V tolerant</text>')

    rows = {'led': 160, 'button': 228, 'hold': 292, 'sense_ref': 350, 'sense': 420, 'drive': 540}
    label = {'drive': 'DRIVE', 'sense': 'SENSE', 'sense_ref': 'SENSE_REF', 'hold': 'HOLD', 'led': 'LED', 'button': 'BUTTON'}
    for name, y in rows.items():
        a(f'<text x="{jx0 + 14}" y="{y - 8}" font-size="14" font-weight="bold" fill="#111">{label[name]}</text>')
        a(f'<text x="{jx0 + 14}" y="{y + 12}" font-size="11.5" fill="#333">{esc(where(name))}</text>')
        a(f'<circle cx="{jx1}" cy="{y}" r="5" fill="#1f4e96"/>')
    gy = 620
    a(f'<text x="{jx0 + 14}" y="{gy - 8}" font-size="14" font-weight="bold" fill="#111">GND</text>')
    a(f'<text x="{jx0 + 14}" y="{gy + 12}" font-size="11.5" fill="#333">any Pico or Pi ground pin (see jig.toml)</text>')
    a(f'<circle cx="{jx1}" cy="{gy}" r="5" fill="#111"/>')

    def resistor(x, y, text):
        a(f'<rect x="{x}" y="{y - 9}" width="60" height="18" fill="#fff" stroke="#111" stroke-width="2"/>')
        a(f'<text x="{x + 30}" y="{y - 14}" font-size="12" text-anchor="middle" fill="#111">{text}</text>')

    def probe(x, y):
        # spring probe pointing right: barrel, spring, plunger, tip at x+110
        a(f'<rect x="{x}" y="{y - 7}" width="46" height="14" rx="2" fill="#c0c0c0" stroke="#555"/>')
        pts = ' '.join(f'{x + 46 + i * 5},{y + (-5 if i % 2 else 5)}' for i in range(9))
        a(f'<polyline points="{x + 46},{y} {pts} {x + 90},{y}" fill="none" stroke="#555" stroke-width="1.5"/>')
        a(f'<line x1="{x + 90}" y1="{y}" x2="{x + 104}" y2="{y}" stroke="#555" stroke-width="3"/>')
        a(f'<polygon points="{x + 104},{y - 4} {x + 112},{y} {x + 104},{y + 4}" fill="#555"/>')

    # Card detail: vertical pin-13 finger, edge at the bottom.
    fx0, fw = 850, 44
    ftop, fedge = 300, 600
    tape_top = 480
    a(f'<rect x="720" y="80" width="290" height="{fedge - 80}" fill="#2f7a3a" stroke="#1b4d22" stroke-width="2"/>')
    a(f'<text x="735" y="104" font-size="14" font-weight="bold" fill="#fff">CARD (2200BG), top face</text>')
    a(f'<text x="735" y="122" font-size="11.5" fill="#dfe">pin 13 enlarged; contacts point down</text>')
    a(f'<rect x="{fx0}" y="{ftop}" width="{fw}" height="{fedge - ftop}" fill="#e8c34a" stroke="#c62828" stroke-width="3"/>')
    a(f'<text x="{fx0 + fw / 2}" y="{fedge - 8}" font-size="16" text-anchor="middle" font-weight="bold" fill="#b71c1c">13</text>')
    # As prominent as pin 19's label on the card-edge drawing.
    a(f'<text x="{fx0 + fw}" y="{fedge + 22}" font-size="14" text-anchor="end" font-weight="bold" fill="#b71c1c">Pin 13 = kill input (7th contact)</text>')
    a(f'<rect x="{fx0 - 8}" y="{tape_top}" width="{fw + 16}" height="{fedge - tape_top + 6}" fill="#ff8f00" fill-opacity="0.55" stroke="#e65100" stroke-dasharray="4,3" stroke-width="1.5"/>')
    a(f'<text x="{fx0 + fw + 14}" y="{tape_top + 12}" font-size="12" fill="#fff">tape over the</text>')
    a(f'<text x="{fx0 + fw + 14}" y="{tape_top + 28}" font-size="12" fill="#fff">contact zone</text>')
    a(f'<text x="{fx0 + fw + 14}" y="{ftop + 60}" font-size="12" fill="#fff">bare metal</text>')
    a(f'<text x="{fx0 + fw + 14}" y="{ftop + 76}" font-size="12" fill="#fff">(card side)</text>')
    # Trace up to the chip and the card's pull-up.
    tx = fx0 + fw / 2
    a(f'<line x1="{tx}" y1="{ftop}" x2="{tx}" y2="190" stroke="#e8c34a" stroke-width="4"/>')
    a(f'<rect x="{tx - 85}" y="140" width="170" height="50" rx="4" fill="#222" stroke="#000"/>')
    a(f'<text x="{tx}" y="161" font-size="11.5" text-anchor="middle" fill="#fff">2200BG chip</text>')
    a(f'<text x="{tx}" y="178" font-size="10.5" text-anchor="middle" fill="#ccc">kill input (reg 0x30 bit 16)</text>')
    # pull-up: trace -> right -> resistor up to the card's rail
    a(f'<line x1="{tx}" y1="255" x2="{tx + 50}" y2="255" stroke="#e8c34a" stroke-width="2"/>')
    a(f'<line x1="{tx + 50}" y1="255" x2="{tx + 50}" y2="247" stroke="#111" stroke-width="1.5"/>')
    a(f'<rect x="{tx + 42}" y="215" width="16" height="32" fill="#fff" stroke="#111" stroke-width="1.5"/>')
    a(f'<line x1="{tx + 50}" y1="215" x2="{tx + 50}" y2="208" stroke="#111" stroke-width="1.5"/>')
    a(f'<line x1="{tx + 40}" y1="208" x2="{tx + 60}" y2="208" stroke="#111" stroke-width="2"/>')
    a(f'<text x="{tx + 66}" y="212" font-size="10.5" fill="#fff">3.3 V rail</text>')
    a(f'<text x="{tx + 66}" y="232" font-size="10.5" fill="#fff">card pull-up</text>')
    a(f'<text x="{tx + 66}" y="246" font-size="10.5" fill="#fff">(assumed)</text>')
    a(f'<text x="738" y="276" font-size="10.5" fill="#dfe">unpowered: rail ≈ 0 V,</text>')
    a(f'<text x="738" y="290" font-size="10.5" fill="#dfe">net weakly low</text>')

    # Card lines: resistor, probe, landing point on the finger.
    land = {'sense_ref': 350, 'sense': 420, 'drive': 540}
    for name, y in land.items():
        r = L[name]['series_ohms']
        a(f'<line x1="{jx1}" y1="{y}" x2="440" y2="{y}" stroke="#111" stroke-width="2"/>')
        resistor(440, y, ohms(r))
        a(f'<line x1="500" y1="{y}" x2="{fx0 - 112 - (8 if name == "drive" else 0)}" y2="{y}" stroke="#111" stroke-width="2"/>')
        probe(fx0 - 112 - (8 if name == 'drive' else 0), y)
    # HOLD (Raspberry Pi jig): its own resistor, joining SENSE_REF's wire on
    # the probe side of SENSE_REF's resistor.
    y = rows['hold']
    a(f'<line x1="{jx1}" y1="{y}" x2="440" y2="{y}" stroke="#111" stroke-width="2"/>')
    resistor(440, y, ohms(L['hold']['series_ohms']))
    a(f'<line x1="500" y1="{y}" x2="512" y2="{y}" stroke="#111" stroke-width="2"/>')
    a(f'<line x1="512" y1="{y}" x2="512" y2="{land["sense_ref"]}" stroke="#111" stroke-width="2"/>')
    a(f'<circle cx="512" cy="{land["sense_ref"]}" r="4" fill="#111"/>')
    a(f'<text x="522" y="{y + 4}" font-size="11" fill="#555">Pi jig only</text>')
    a('<text x="520" y="318" font-size="11.5" fill="#333">SENSE_REF above SENSE, both on</text>')
    a('<text x="520" y="332" font-size="11.5" fill="#333">the bare card-side metal of pin 13</text>')
    # Where the two sense probes land: one above the other along the finger.
    for i, t in enumerate(['one above the', 'other, ~1.5 mm', 'apart: pin 13 is', 'under 1 mm wide,', 'too narrow for two', '0.7 mm (P50) tips', 'side by side']):
        a(f'<text x="{fx0 + fw + 14}" y="{ftop + 100 + 14 * i}" font-size="11" fill="#fff">{t}</text>')
    a('<text x="520" y="498" font-size="11.5" fill="#333">spring probe ON the tape, where</text>')
    a('<text x="520" y="512" font-size="11.5" fill="#333">the socket contact would press</text>')
    a('<text x="520" y="572" font-size="11" fill="#555">or: DRIVE wired to pin 13 of</text>')
    a('<text x="520" y="586" font-size="11" fill="#555">a mini-PCI socket holding the card</text>')

    # LED and BUTTON circuits (stay on the jig side).
    y = rows['led']
    a(f'<line x1="{jx1}" y1="{y}" x2="460" y2="{y}" stroke="#111" stroke-width="2"/>')
    resistor(460, y, '330 Ω–1 kΩ')
    a(f'<line x1="520" y1="{y}" x2="560" y2="{y}" stroke="#111" stroke-width="2"/>')
    a(f'<polygon points="560,{y - 10} 560,{y + 10} 578,{y}" fill="#ffeb3b" stroke="#111"/>')
    a(f'<line x1="578" y1="{y - 10}" x2="578" y2="{y + 10}" stroke="#111" stroke-width="2"/>')
    a(f'<line x1="578" y1="{y}" x2="610" y2="{y}" stroke="#111" stroke-width="2"/>')
    a(f'<text x="616" y="{y + 4}" font-size="12" fill="#111">GND</text>')
    a(f'<text x="400" y="{y + 28}" font-size="11" fill="#555">Pi only; the Pico uses its on-board LED</text>')
    y = rows['button']
    a(f'<line x1="{jx1}" y1="{y}" x2="470" y2="{y}" stroke="#111" stroke-width="2"/>')
    a(f'<line x1="470" y1="{y}" x2="500" y2="{y - 14}" stroke="#111" stroke-width="2"/>')
    a(f'<line x1="500" y1="{y}" x2="540" y2="{y}" stroke="#111" stroke-width="2"/>')
    a(f'<circle cx="470" cy="{y}" r="3" fill="#111"/><circle cx="500" cy="{y}" r="3" fill="#111"/>')
    a(f'<text x="546" y="{y + 4}" font-size="12" fill="#111">GND</text>')
    a(f'<text x="400" y="{y + 28}" font-size="11" fill="#555">momentary button; internal pull-up, pressed = low</text>')

    # Common ground.
    a(f'<line x1="{jx1}" y1="{gy}" x2="{jx1 + 20}" y2="{gy}" stroke="#111" stroke-width="3"/>')
    a(f'<line x1="{jx1 + 20}" y1="{gy}" x2="{jx1 + 20}" y2="690" stroke="#111" stroke-width="3"/>')
    a(f'<line x1="{jx1 + 20}" y1="690" x2="960" y2="690" stroke="#111" stroke-width="3"/>')
    a(f'<line x1="960" y1="690" x2="960" y2="{fedge}" stroke="#111" stroke-width="3"/>')
    a(f'<rect x="944" y="{fedge - 60}" width="32" height="60" fill="#e8c34a" stroke="#111" stroke-width="1.5"/>')
    a(f'<text x="960" y="{fedge - 80}" font-size="11" text-anchor="middle" font-weight="bold" fill="#fff">pin 15</text>')
    a(f'<text x="960" y="{fedge - 66}" font-size="11" text-anchor="middle" fill="#fff">CHSGND</text>')
    a(f'<text x="{jx1 + 40}" y="684" font-size="12" fill="#111">common ground, connected FIRST: jig GND to card pin 15 (CHSGND),</text>')
    a(f'<text x="{jx1 + 40}" y="706" font-size="12" fill="#111">the next contact after pin 13 on the top face (8th counting pin 1); clip nothing else</text>')

    # Notes.
    notes = [
        'Every line that touches the card has its own series resistor (values from jig.toml): a fight through 1 kΩ is limited to 3.3 mA,',
        'and a probe slipping onto pin 18 (5 V) injects only ≈1.4 mA. DRIVE is open-drain: pulled low or released, never driven high.',
        'SENSE must follow SENSE_REF (probes really touch the card); it must never follow DRIVE through the tape (isolated = PASS).',
    ]
    for i, t in enumerate(notes):
        a(f'<text x="30" y="{728 + 20 * i}" font-size="12" fill="#333">{esc(t)}</text>')
    a('</svg>')
    return '\n'.join(o) + '\n'


def main():
    with open(os.path.join(ROOT, "hardware", "jig.toml"), "rb") as f:
        lines = tomllib.load(f)["line"]
    for name, text in (("card-edge.svg", card_edge()), ("jig-wiring.svg", jig_wiring(lines))):
        path = os.path.join(ROOT, "hardware", name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {os.path.relpath(path, ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
