//! pin13 bench jig firmware for the Raspberry Pi Pico (RP2040).
//!
//! - USB CDC-ACM speaks jig-protocol (postcard + COBS frames): `pin13 jig
//!   probe --backend serial:/dev/ttyACM0`.
//! - Standalone: a press of the button runs the analog probe (1000 samples,
//!   50 us) and the LED shows the verdict: steady = isolated (PASS), fast
//!   blink = contact or a leak through the tape, slow blink = no contact,
//!   stuck or powered.
//! - Every jig line is an input at reset, after every operation (jig-core's
//!   `Jig`), and in the panic handler ([`panic`]).
//!
//! Pins come from hardware/jig.toml through build.rs (`pins.rs` in OUT_DIR).
#![no_std]
#![no_main]
#![forbid(unsafe_code)]

/// Pin constants and `<line>_pin!(p)` macros generated from hardware/jig.toml.
#[macro_use]
#[allow(unused_macros, dead_code)]
mod pins {
    include!(concat!(env!("OUT_DIR"), "/pins.rs"));
}

mod led;
mod line;
mod panic;

use core::task::Poll;
use defmt_rtt as _;
use embassy_executor::Spawner;
use embassy_futures::poll_once;
use embassy_futures::select::{select, select3, Either, Either3};
use embassy_rp::bind_interrupts;
use embassy_rp::gpio::{Flex, Input, Level, Output, Pull};
use embassy_rp::peripherals::USB;
use embassy_rp::usb::{Driver, InterruptHandler};
use embassy_time::{Delay, Timer};
use embassy_usb::class::cdc_acm::{CdcAcmClass, Receiver, Sender, State};
use embassy_usb::{Handler, UsbDevice};
use jig_core::{Jig, ProbeConfig};
use jig_protocol::{
    AbortWatch, Device, FirmwareVersion, HelloInfo, Inbox, JigDevice, JigKind, Server,
    StreamServer, PROTOCOL_VERSION,
};
use portable_atomic::{AtomicBool, Ordering};
use static_cell::StaticCell;

use crate::led::Pattern;
use crate::line::FlexLine;

bind_interrupts!(struct Irqs {
    USBCTRL_IRQ => InterruptHandler<USB>;
});

/// USB ids: the pid.codes test VID/PID pair. A released jig should get its own.
const USB_VID: u16 = 0x1209;
const USB_PID: u16 = 0x0001;
const MAX_PACKET: u16 = 64;

type UsbDriver = Driver<'static, USB>;
/// A jig line: on the Pico 2 it never enables its internal pull-down
/// (RP2350 erratum E9; jig-core's `NoPullDown`).
#[cfg(not(feature = "pico2"))]
type Line = FlexLine<'static>;
#[cfg(feature = "pico2")]
type Line = jig_core::NoPullDown<FlexLine<'static>>;
#[cfg(not(feature = "pico2"))]
const fn line(l: FlexLine<'static>) -> Line {
    l
}
#[cfg(feature = "pico2")]
const fn line(l: FlexLine<'static>) -> Line {
    jig_core::NoPullDown(l)
}
type JigImpl = JigDevice<Line, Line, Line, Delay>;
/// Received bytes not yet handed to the protocol server: a few packets, so
/// an `Abort` behind other requests still reaches a running probe.
type UsbInbox = Inbox<{ 4 * MAX_PACKET as usize }>;

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    let p = embassy_rp::init(Default::default());
    defmt::info!(
        "pin13 jig {} (protocol {}): DRIVE GP{} SENSE GP{} SENSE_REF GP{} LED GP{} BUTTON GP{}",
        env!("CARGO_PKG_VERSION"),
        PROTOCOL_VERSION,
        pins::DRIVE_GPIO,
        pins::SENSE_GPIO,
        pins::SENSE_REF_GPIO,
        pins::LED_GPIO,
        pins::BUTTON_GPIO
    );

    // Jig lines: inputs, no pull, until jig-core moves them.
    let drive = line(FlexLine::new(Flex::new(drive_pin!(p))));
    let sense_ref = line(FlexLine::new(Flex::new(sense_ref_pin!(p))));
    let sense = line(FlexLine::with_adc(
        Flex::new(sense_pin!(p)),
        pins::SENSE_GPIO,
    ));
    // HOLD is the Raspberry Pi jig's second reference (jig-core's held
    // module); this firmware measures with the ADC instead. Kept an input
    // without pull for the whole run (the RP2040's reset pull-down would
    // load SENSE_REF's probe if someone wired it); the panic handler covers
    // it too (JIG_LINES_MASK).
    let _hold = FlexLine::new(Flex::new(hold_pin!(p)));
    let led = Output::new(led_pin!(p), Level::Low);
    let mut button = Input::new(button_pin!(p), Pull::Up);

    let jig = match Jig::new(drive, sense_ref, sense) {
        Ok(j) => j,
        Err(never) => match never {},
    };
    let info = HelloInfo {
        protocol: PROTOCOL_VERSION,
        firmware: FirmwareVersion::parse(env!("CARGO_PKG_VERSION")),
        kind: JigKind::Pico,
    };
    let mut stream = StreamServer::new(Server::new(JigDevice::new(jig, Delay), info));

    match led::run(led) {
        Ok(token) => spawner.spawn(token),
        Err(_) => defmt::error!("LED task did not start"),
    }

    let driver = Driver::new(p.USB, Irqs);
    let mut config = embassy_usb::Config::new(USB_VID, USB_PID);
    config.manufacturer = Some("pin13");
    config.product = Some("pin13 bench jig");
    config.serial_number = Some(env!("CARGO_PKG_VERSION"));
    config.max_power = 100;
    config.max_packet_size_0 = 64;

    static CONFIG_DESC: StaticCell<[u8; 256]> = StaticCell::new();
    static BOS_DESC: StaticCell<[u8; 256]> = StaticCell::new();
    static CONTROL_BUF: StaticCell<[u8; 64]> = StaticCell::new();
    static CDC_STATE: StaticCell<State> = StaticCell::new();
    let mut builder = embassy_usb::Builder::new(
        driver,
        config,
        CONFIG_DESC.init([0; 256]),
        BOS_DESC.init([0; 256]),
        &mut [],
        CONTROL_BUF.init([0; 64]),
    );
    let class = CdcAcmClass::new(&mut builder, CDC_STATE.init(State::new()), MAX_PACKET);
    static LINK_WATCH: StaticCell<LinkWatch> = StaticCell::new();
    builder.handler(LINK_WATCH.init(LinkWatch));
    let usb = builder.build();
    match usb_task(usb) {
        Ok(token) => spawner.spawn(token),
        Err(_) => defmt::error!("USB task did not start"),
    }

    let (mut tx, mut rx) = class.split();
    let mut inbox = UsbInbox::new();
    loop {
        // Not connected: only the button does anything.
        if let Either::Second(()) = select(rx.wait_connection(), pressed(&mut button)).await {
            standalone_probe(&mut stream);
            continue;
        }
        defmt::info!("host connected");
        LINK_LOST.store(false, Ordering::Relaxed);
        if serve(&mut tx, &mut rx, &mut stream, &mut button, &mut inbox)
            .await
            .is_err()
        {
            // The USB link went away (bus reset, unplug, deconfigured): no
            // host can release what it asked for, so every jig line becomes
            // an input. (Closing the port only drops DTR and ends nothing:
            // a `pin13 jig kill` holds after the host tool exits.)
            defmt::info!("USB link lost: every jig line an input");
            stream.disconnected();
            inbox.clear();
            if stream.server().device().safe().is_err() {
                crate::panic::all_lines_input();
            }
        }
    }
}

#[embassy_executor::task]
async fn usb_task(mut usb: UsbDevice<'static, UsbDriver>) -> ! {
    usb.run().await
}

/// Set by the USB stack on a bus reset, deconfiguration or suspend (the
/// host or the cable went away); the read of a CDC endpoint does not end
/// on those by itself.
static LINK_LOST: AtomicBool = AtomicBool::new(false);

struct LinkWatch;

impl Handler for LinkWatch {
    fn reset(&mut self) {
        LINK_LOST.store(true, Ordering::Relaxed);
    }
    fn enabled(&mut self, enabled: bool) {
        if !enabled {
            LINK_LOST.store(true, Ordering::Relaxed);
        }
    }
    fn configured(&mut self, configured: bool) {
        if !configured {
            LINK_LOST.store(true, Ordering::Relaxed);
        }
    }
    fn suspended(&mut self, suspended: bool) {
        if suspended {
            LINK_LOST.store(true, Ordering::Relaxed);
        }
    }
}

/// Resolves once the USB link was lost (checked every 5 ms).
async fn link_lost() {
    while !LINK_LOST.load(Ordering::Relaxed) {
        Timer::after_millis(5).await;
    }
}

/// A debounced press of the (active-low) button.
async fn pressed(button: &mut Input<'static>) {
    loop {
        button.wait_for_falling_edge().await;
        Timer::after_millis(20).await;
        if button.is_low() {
            return;
        }
    }
}

struct Disconnected;

/// Answer requests until the host goes away; the button still works.
///
/// While a probe runs (synchronously: nothing else on this executor runs
/// then), its stop hook looks at the CDC OUT endpoint every few samples
/// without waiting (`poll_once` of a packet read: ready only when the host
/// already sent a packet), keeps what arrives in `inbox` and stops the probe
/// when an `Abort` frame is among it (jig-protocol's `AbortWatch`). The
/// probe is then answered `Aborted`, and the `Abort` (and anything else read
/// ahead) is handled next, in order.
async fn serve(
    tx: &mut Sender<'static, UsbDriver>,
    rx: &mut Receiver<'static, UsbDriver>,
    stream: &mut StreamServer<JigImpl>,
    button: &mut Input<'static>,
    inbox: &mut UsbInbox,
) -> Result<(), Disconnected> {
    let mp = MAX_PACKET as usize;
    loop {
        if inbox.is_empty() {
            let room = &mut inbox.room()[..mp];
            match select3(rx.read_packet(room), pressed(button), link_lost()).await {
                Either3::First(Ok(n)) => inbox.filled(n),
                Either3::First(Err(_)) | Either3::Third(()) => return Err(Disconnected),
                Either3::Second(()) => standalone_probe(stream),
            }
        }
        while let Some(b) = inbox.pop() {
            let mut watch = AbortWatch::new(inbox, mp, |room: &mut [u8]| {
                match poll_once(rx.read_packet(&mut room[..mp])) {
                    Poll::Ready(Ok(n)) => n,
                    _ => 0,
                }
            });
            if let Some(frame) = stream.push_until(b, &mut watch) {
                let mut out = [0u8; jig_protocol::MAX_FRAME];
                out[..frame.len()].copy_from_slice(frame);
                let len = frame.len();
                show_result(&out[..len]);
                write_frame(tx, &out[..len]).await?;
            }
        }
    }
}

/// Send one frame; a frame that ends on a full packet gets a zero-length
/// packet so the host's read completes.
async fn write_frame(
    tx: &mut Sender<'static, UsbDriver>,
    frame: &[u8],
) -> Result<(), Disconnected> {
    let mp = MAX_PACKET as usize;
    for chunk in frame.chunks(mp) {
        tx.write_packet(chunk).await.map_err(|_| Disconnected)?;
    }
    if frame.len().is_multiple_of(mp) {
        tx.write_packet(&[]).await.map_err(|_| Disconnected)?;
    }
    Ok(())
}

/// Mirror a probe verdict the host asked for (digital or analog) on the LED.
fn show_result(frame: &[u8]) {
    let mut f = [0u8; jig_protocol::MAX_FRAME];
    f[..frame.len()].copy_from_slice(frame);
    if let Ok(env) = jig_protocol::decode::<jig_protocol::Response>(&mut f[..frame.len()]) {
        match env.body {
            jig_protocol::Response::Probe(r) => led::show(Pattern::for_verdict(r.verdict)),
            jig_protocol::Response::AnalogProbe(r) => led::show(Pattern::for_analog(r.verdict)),
            _ => {}
        }
    }
}

/// The button: one analog probe (the default probe where SENSE has an ADC,
/// as `pin13 jig probe`) with the default configuration, verdict on the LED.
fn standalone_probe(stream: &mut StreamServer<JigImpl>) {
    led::show(Pattern::Busy);
    let device = stream.server().device();
    match device.analog_probe_until(&ProbeConfig::DEFAULT, &mut jig_core::probe::Never) {
        Ok(r) => {
            defmt::info!(
                "button probe: {} ({} of {} samples below the boundary)",
                r.verdict.name(),
                r.hits,
                r.samples
            );
            led::show(Pattern::for_analog(r.verdict));
        }
        Err(e) => {
            defmt::error!("button probe failed: {}", e);
            let _ = device.safe();
            led::show(Pattern::SlowBlink);
        }
    }
}
