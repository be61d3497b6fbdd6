//! Random and mutated frames never panic the decoder or the server; every
//! answer the server gives is itself a valid response frame.

mod common;

use jig_core::Verdict;
use jig_protocol::frame::FrameReader;
use jig_protocol::{
    decode, encode, KillOp, ProbeConfig, Request, Response, StreamServer, MAX_FRAME,
};
use proptest::prelude::*;

fn arb_kill() -> impl Strategy<Value = KillOp> {
    prop_oneof![
        Just(KillOp::Assert),
        Just(KillOp::Release),
        any::<u32>().prop_map(|width_us| KillOp::Pulse { width_us }),
        (any::<u32>(), any::<u32>())
            .prop_map(|(period_us, count)| KillOp::Toggle { period_us, count }),
        (any::<u32>(), any::<u32>(), any::<bool>()).prop_map(
            |(transitions, width_us, end_asserted)| KillOp::Bounce {
                transitions,
                width_us,
                end_asserted
            }
        ),
    ]
}

fn arb_request() -> impl Strategy<Value = Request> {
    prop_oneof![
        any::<u16>().prop_map(|protocol| Request::Hello { protocol }),
        (any::<u32>(), any::<u32>())
            .prop_map(|(samples, settle_us)| Request::Probe(ProbeConfig { samples, settle_us })),
        arb_kill().prop_map(Request::Kill),
        Just(Request::SelfTest),
        Just(Request::Abort),
    ]
}

/// Feed bytes to a server; check every answer decodes as a response.
fn serve(bytes: &[u8]) -> Vec<Response> {
    let mut s = StreamServer::new(common::server(Verdict::Isolated));
    let mut answers = Vec::new();
    for &b in bytes {
        if let Some(frame) = s.push(b) {
            assert_eq!(frame.last(), Some(&0), "terminated");
            assert!(frame.len() <= MAX_FRAME);
            let mut f = frame.to_vec();
            let env = decode::<Response>(&mut f).expect("server answers are valid frames");
            answers.push(env.body);
        }
    }
    answers
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = decode::<Request>(&mut bytes.clone());
        let _ = decode::<Response>(&mut bytes.clone());
        let mut r = FrameReader::<MAX_FRAME>::new();
        for &b in &bytes {
            if let Some(Ok(f)) = r.push(b) {
                prop_assert!(f.len() < MAX_FRAME);
            }
        }
        // Every frame the random stream contains gets exactly one answer.
        let frames = bytes.split(|&b| b == 0).count() - 1;
        let nonempty = {
            let mut n = 0;
            let mut len = 0;
            for &b in &bytes {
                if b == 0 { if len > 0 { n += 1; } len = 0; } else { len += 1; }
            }
            n
        };
        prop_assert!(nonempty <= frames);
        prop_assert_eq!(serve(&bytes).len(), nonempty);
    }

    #[test]
    fn requests_round_trip(id in any::<u8>(), req in arb_request()) {
        let mut out = [0u8; MAX_FRAME];
        let mut f = encode(id, &req, &mut out).unwrap().to_vec();
        let env = decode::<Request>(&mut f).unwrap();
        prop_assert_eq!(env.id, id);
        prop_assert_eq!(env.body, req);
    }

    #[test]
    fn mutated_frames_get_an_answer_not_a_panic(
        req in arb_request(),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..4),
    ) {
        let mut out = [0u8; MAX_FRAME];
        let mut f = encode(3, &req, &mut out).unwrap().to_vec();
        let body = f.len() - 1;
        for (pos, x) in flips {
            f[pos % body] ^= x;
        }
        // Corruption may split the frame or make it a different valid request;
        // either way each resulting frame is answered with a valid response.
        let answers = serve(&f);
        prop_assert!(answers.len() <= f.iter().filter(|&&b| b == 0).count());
    }

    #[test]
    fn invalid_requests_are_refused_not_run(samples in 10_001u32.., settle_us in 0u32..200_000) {
        let mut server = common::server(Verdict::Isolated);
        let resp = server.handle(Request::Probe(ProbeConfig { samples, settle_us }));
        prop_assert!(matches!(resp, Response::Error(jig_protocol::WireError::Invalid(_))), "{:?}", resp);
        prop_assert!(!server.device().calls.contains(&"probe"));
    }
}
