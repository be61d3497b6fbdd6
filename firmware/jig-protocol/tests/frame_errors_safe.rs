//! A frame the jig cannot read (garbage, over-long) is an error like any
//! other: the answer is an error and every jig line becomes an input, even
//! when a kill line was asserted before.

mod common;

use jig_core::{KillOp, Verdict};
use jig_protocol::{decode, encode, Request, Response, StreamServer, WireError, MAX_FRAME};

fn feed(s: &mut StreamServer<common::FakeJig>, bytes: &[u8]) -> Vec<Response> {
    let mut out = Vec::new();
    for &b in bytes {
        if let Some(f) = s.push(b) {
            let mut f = f.to_vec();
            out.push(decode::<Response>(&mut f).unwrap().body);
        }
    }
    out
}

fn asserted() -> StreamServer<common::FakeJig> {
    let mut s = StreamServer::new(common::server(Verdict::Isolated));
    let mut buf = [0u8; MAX_FRAME];
    let kill = encode(1, &Request::Kill(KillOp::Assert), &mut buf)
        .unwrap()
        .to_vec();
    let r = feed(&mut s, &kill);
    assert!(matches!(r[..], [Response::Kill(_)]), "{r:?}");
    assert!(!s.server().device().lines_safe);
    s
}

#[test]
fn garbage_frame_is_a_decode_error_and_releases_every_line() {
    let mut s = asserted();
    let r = feed(&mut s, &[0x55, 0xaa, 0x13, 0x37, 0x00]);
    assert_eq!(r, vec![Response::Error(WireError::Decode)]);
    assert!(s.server().device().lines_safe);
}

#[test]
fn overlong_frame_is_an_error_and_releases_every_line() {
    let mut s = asserted();
    let mut bytes = vec![0x42u8; MAX_FRAME * 2];
    bytes.push(0);
    let r = feed(&mut s, &bytes);
    assert_eq!(r, vec![Response::Error(WireError::FrameTooLong)]);
    assert!(s.server().device().lines_safe);
}
