//! The hand-written parsers of request bodies: the multipart reader of uploads (whole and
//! streamed) and the `csrf` field of a urlencoded body. Arbitrary bodies never panic;
//! a well-formed upload gives back exactly its file, the same way both readers.

use proptest::prelude::*;

use crate::fuzzing::{config, ensure, run};
use crate::web::csrf::field_from_form;
use crate::web::staff::multipart::{field, spool_field};

fn spooled(content_type: &str, body: &[u8]) -> Option<(String, Vec<u8>)> {
    let rt = tokio::runtime::Builder::new_current_thread().build().ok()?;
    let mut out = Vec::new();
    let found = rt
        .block_on(spool_field(body, content_type, "file", 1 << 20, &mut out))
        .ok()??;
    Some((found.0, out))
}

/// A multipart body with the file `content` between two other fields.
fn upload(boundary: &str, file_name: &str, content: &[u8]) -> Vec<u8> {
    let mut body = format!(
        "preamble\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(
        format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n--{boundary}--\r\n")
            .as_bytes(),
    );
    body
}

#[test]
fn multipart_bodies_of_arbitrary_bytes() {
    let strategy = (
        prop_oneof![
            "\\PC{0,40}",
            "multipart/form-data; ?boundary=\"?[A-Za-z0-9'()+_,./:=? -]{0,72}\"?",
        ],
        prop::collection::vec(any::<u8>(), 0..400),
    );
    run(
        "multipart_bytes",
        config(file!(), 1.0),
        strategy,
        |(content_type, body)| {
            let _ = field(&content_type, &body, "file");
            let _ = spooled(&content_type, &body);
            let _ = field_from_form(&body);
            Ok(())
        },
    );
}

#[test]
fn an_upload_reads_back_the_same_both_ways() {
    let strategy = (
        "[A-Za-z0-9'()+_,./:=?-]{1,70}",
        "[a-z0-9._-]{0,12}",
        prop::collection::vec(any::<u8>(), 0..600),
        prop::collection::vec((any::<usize>(), any::<u8>()), 0..3),
    );
    run(
        "multipart_round_trip",
        config(file!(), 1.0),
        strategy,
        |(boundary, file_name, content, edits)| {
            let content_type = format!("multipart/form-data; boundary={boundary}");
            let delimiter = format!("\r\n--{boundary}");
            if content
                .windows(delimiter.len())
                .any(|w| w == delimiter.as_bytes())
            {
                return Ok(());
            }
            let mut body = upload(&boundary, &file_name, &content);
            if edits.is_empty() {
                let whole = field(&content_type, &body, "file");
                ensure(whole == Some((file_name.clone(), content.clone())), || {
                    format!("read whole: {whole:?}")
                })?;
                let streamed = spooled(&content_type, &body);
                return ensure(streamed == Some((file_name, content)), || {
                    format!("streamed: {streamed:?}")
                });
            }
            for (at, byte) in edits {
                let at = at % body.len();
                body[at] = byte;
            }
            // An edited body may lose its file; when both readers find one, they agree.
            match (
                field(&content_type, &body, "file"),
                spooled(&content_type, &body),
            ) {
                (Some(a), Some(b)) => ensure(a == b, || format!("whole {a:?}, streamed {b:?}")),
                _ => Ok(()),
            }
        },
    );
}
