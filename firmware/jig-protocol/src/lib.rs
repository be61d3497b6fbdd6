//! pin13 host<->jig wire protocol (to be written: postcard + COBS frames).
#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
