//! A command-line import whose client goes away in the middle of sending its file (Ctrl-C,
//! a kill) imports nothing: the server does not take the part it received for the whole.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;

use kenpo::domain::member::Person;

use crate::app::{MEMBERS_UTF8, spawn_app};

/// The client announces the whole members file, sends its first rows (cut at a line end,
/// so the part is a valid file itself) and closes its sending side. The server answers
/// that the file was cut short, and no member is stored.
#[tokio::test]
async fn a_file_cut_short_by_a_client_that_went_away_imports_nothing() {
    let app = spawn_app().await;
    let socket = kenpo::control::socket_path(&app.data);
    let cut = MEMBERS_UTF8
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .nth(3)
        .expect("the members file has more than four lines");
    assert!(cut < MEMBERS_UTF8.len());
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = UnixStream::connect(&socket).expect("the control socket answers");
        let request = format!(
            "{{\"job\":\"ImportMembers\",\"input_len\":{}}}\n",
            MEMBERS_UTF8.len()
        );
        stream
            .write_all(request.as_bytes())
            .expect("send the request");
        stream.write_all(&MEMBERS_UTF8[..cut]).expect("send a part");
        stream.shutdown(Shutdown::Write).expect("stop sending");
        let mut events = Vec::new();
        for line in BufReader::new(stream).lines() {
            let line = line.expect("read an event");
            let done = line.starts_with("{\"Done\"");
            events.push(line);
            if done {
                break;
            }
        }
        events
    })
    .await
    .expect("join");
    let done = answer.last().expect("the server answered");
    assert!(done.contains("\"ok\":false"), "{answer:?}");
    assert!(done.contains("went away"), "{answer:?}");
    let people = app
        .store()
        .read(|r| r.count::<Person>())
        .await
        .expect("read");
    assert_eq!(people, 0, "nothing of the part sent is imported");
}
