//! Hostile control-socket traffic (issue #11, item 4): the decoders get arbitrary bytes
//! and valid messages with bytes edited, and never panic; valid messages round-trip; and
//! the real socket, fed the same, always answers with a final `Done`. `#[cfg(test)]` code
//! only: an `expect` here fails the test's own set-up.

use std::io::{BufReader, Read as _, Write as _};
use std::os::unix::net::UnixStream;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::frame::{self, decode_event, decode_request, encode};
use super::{Event, Request};
use crate::clock::ManualClock;
use crate::fuzzing::{config, ensure, run};
use crate::jobs::Job;

/// Messages that once failed, and edge cases around them.
const CORPUS: &[&[u8]] = &[
    b"",
    b"\n",
    b"{}\n",
    b"null\n",
    b"{\"job\":\"Backup\"}\n",
    b"{\"job\":\"Backup\",\"input_len\":-1}\n",
    b"{\"job\":\"Backup\",\"input_len\":18446744073709551616}\n",
    b"{\"job\":{\"Init\":{}},\"input_len\":0}\n",
    b"{\"job\":\"Backup\",\"input_len\":0}",
    b"\xff\xfe\n",
];

fn job() -> impl Strategy<Value = Job> {
    prop_oneof![
        (
            "\\PC{0,20}",
            "[0-9]{0,10}",
            proptest::option::of("\\PC{0,10}")
        )
            .prop_map(|(union_name, insurer_number, service_name)| Job::Init {
                union_name,
                insurer_number,
                service_name,
            }),
        Just(Job::ImportMembers),
        any::<bool>().prop_map(|publish| Job::ImportClaims { publish }),
        any::<bool>().prop_map(|publish| Job::ImportBenefits { publish }),
        prop::collection::vec("[0-9-]{0,10}", 0..4)
            .prop_map(|households| Job::IssueCredentials { households }),
        ("[a-z]{0,10}", "\\PC{0,16}")
            .prop_map(|(login, password)| Job::StaffAdd { login, password }),
        Just(Job::Backup),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        ("\\PC{0,10}", any::<u64>(), any::<u64>())
            .prop_map(|(label, done, total)| Event::Progress { label, done, total }),
        "\\PC{0,20}".prop_map(Event::Say),
        any::<u64>().prop_map(|len| Event::Output { len }),
        (any::<bool>(), proptest::option::of("\\PC{0,20}"))
            .prop_map(|(ok, message)| Event::Done { ok, message }),
    ]
}

/// `line` with a few bytes replaced, inserted or removed.
fn edited(mut line: Vec<u8>, edits: Vec<(usize, u8, u8)>) -> Vec<u8> {
    for (at, op, byte) in edits {
        let at = at % (line.len() + 1);
        match op % 3 {
            0 if at < line.len() => line[at] = byte,
            1 => line.insert(at, byte),
            _ if at < line.len() => {
                line.remove(at);
            }
            _ => line.push(byte),
        }
    }
    line
}

fn edits() -> impl Strategy<Value = Vec<(usize, u8, u8)>> {
    let byte = prop_oneof![any::<u8>(), prop::sample::select(b"{}[]\":,0-\\n".to_vec())];
    prop::collection::vec((any::<usize>(), any::<u8>(), byte), 1..4)
}

fn request_line() -> impl Strategy<Value = Vec<u8>> {
    (job(), any::<u64>()).prop_map(|(job, input_len)| {
        encode(&Request {
            job,
            input_len,
            answers_output: true,
        })
        .unwrap_or_default()
    })
}

/// A request line: arbitrary bytes, or a valid request with bytes edited.
fn hostile_request() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..300),
        (request_line(), edits()).prop_map(|(line, edits)| edited(line, edits)),
    ]
}

fn decodes_without_panic(bytes: &[u8]) {
    let mut reader = BufReader::new(bytes);
    while let Ok(Some(line)) = frame::read_line(&mut reader) {
        let _ = decode_request(&line);
        let _ = decode_event(&line);
        let _ = frame::decode_held(&line);
    }
}

#[test]
fn corpus_of_messages_that_once_failed() {
    for bytes in CORPUS {
        decodes_without_panic(bytes);
    }
}

#[test]
fn control_messages_of_hostile_bytes() {
    run(
        "control_decode",
        config(file!(), 1.0),
        hostile_request(),
        |bytes| {
            decodes_without_panic(&bytes);
            Ok(())
        },
    );
    let events =
        (event(), edits()).prop_map(|(e, edits)| edited(encode(&e).unwrap_or_default(), edits));
    run("control_events", config(file!(), 1.0), events, |bytes| {
        decodes_without_panic(&bytes);
        Ok(())
    });
}

#[test]
fn valid_control_messages_round_trip() {
    let strategy = (job(), any::<u64>(), event());
    run(
        "control_round_trip",
        config(file!(), 1.0),
        strategy,
        |(job, input_len, event)| {
            let sent = Request {
                job,
                input_len,
                answers_output: true,
            };
            let line = encode(&sent).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let read = frame::read_line(&mut BufReader::new(line.as_slice()))
                .ok()
                .flatten()
                .and_then(|l| decode_request(&l).ok());
            let same = |a: &Request, b: &Request| {
                serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
            };
            ensure(read.as_ref().is_some_and(|r| same(r, &sent)), || {
                format!("{read:?}")
            })?;
            let line = encode(&event).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let back = decode_event(&line[..line.len() - 1]).ok();
            ensure(
                serde_json::to_value(&back).ok() == serde_json::to_value(Some(&event)).ok(),
                || format!("{back:?}"),
            )
        },
    );
}

#[test]
fn an_overlong_line_is_refused() {
    let long = vec![b'x'; frame::MAX_LINE as usize + 10];
    let read = frame::read_line(&mut BufReader::new(long.as_slice()));
    assert!(read.is_err());
}

/// What the server answered: every line an event, an output's bytes skipped, ending with
/// `Done`.
fn answer_is_whole(mut reply: &[u8]) -> Result<(), TestCaseError> {
    let mut last = None;
    loop {
        let mut reader = BufReader::new(reply);
        let line = frame::read_line(&mut reader)
            .map_err(|e| TestCaseError::fail(format!("a broken answer: {e:#}")))?;
        let Some(line) = line else { break };
        reply = &reply[line.len() + 1..];
        let event = decode_event(&line).map_err(|e| TestCaseError::fail(format!("{e:#}")))?;
        if let Event::Output { len } = event {
            reply = &reply[(len as usize).min(reply.len())..];
        }
        last = Some(event);
    }
    ensure(matches!(last, Some(Event::Done { .. })), || {
        format!("the answer did not end with Done: {last:?}")
    })
}

#[test]
fn the_control_socket_answers_hostile_requests() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo.redb");
    let store = crate::store::Store::open(&data).expect("store");
    let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
    let wake = Arc::new(tokio::sync::Notify::new());
    let server = super::listen(store, clock, wake).expect("listen");
    let socket = super::socket_path(&data);
    run(
        "control_socket",
        config(file!(), 0.25),
        hostile_request(),
        |bytes| {
            let mut stream =
                UnixStream::connect(&socket).map_err(|e| TestCaseError::fail(e.to_string()))?;
            // The server may answer and close before reading everything: a refused write is fine.
            let _ = stream.write_all(&bytes);
            let _ = stream.shutdown(std::net::Shutdown::Write);
            let mut reply = Vec::new();
            stream
                .read_to_end(&mut reply)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            answer_is_whole(&reply)
        },
    );
    drop(server);
}
