//! The machine's floor for an audited page (P1 of BENCHMARKS.md): an HTTP server that does
//! only what the guarantee of issue #13 asks of every view of medical data — a row made
//! durable before the answer goes out — and nothing of kenpo's: no session, no claims, no
//! rendering. One writer thread commits every row that arrived while its previous commit
//! ran in one redb write transaction (one `fdatasync`), as `audit/group.rs` does; each
//! request waits for its row's commit, then answers a fixed body of the size of the page
//! measured. `scripts/bench` runs it beside kenpo's pages:
//! `cargo run --release --example audited_floor -- /tmp/floor.redb 127.0.0.1:18080 20932`
//!
//! `GET /audited` commits a 160-byte row and answers BODY_BYTES bytes; `GET /healthz`
//! answers `ok`. Prints `listening` once it accepts connections.

use std::sync::mpsc;

use poem::listener::{Listener as _, TcpListener};
use poem::web::Data;
use poem::{EndpointExt as _, Route, Server, get, handler};
use redb::{Database, TableDefinition};
use tokio::sync::oneshot;

const ROWS: TableDefinition<u64, &[u8]> = TableDefinition::new("audit");
/// About the size of one audit row of a page view (actor, target, client, detail).
const ROW: [u8; 160] = [b'a'; 160];
/// Most rows in one transaction, as in `audit/group.rs`.
const MAX_GROUP: usize = 512;

type Row = oneshot::Sender<bool>;

#[derive(Clone)]
struct State {
    rows: mpsc::Sender<Row>,
    body: bytes::Bytes,
}

/// Commits groups of rows until every sender is gone.
fn writer(db: Database, rows: mpsc::Receiver<Row>) {
    let mut next_id = 0u64;
    while let Ok(first) = rows.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rows.try_recv() {
                Ok(row) => group.push(row),
                Err(_) => break,
            }
        }
        let committed = (|| -> Result<(), redb::Error> {
            let w = db.begin_write()?;
            {
                let mut table = w.open_table(ROWS)?;
                for _ in &group {
                    table.insert(next_id, ROW.as_slice())?;
                    next_id += 1;
                }
            }
            w.commit()?;
            Ok(())
        })()
        .is_ok();
        for answer in group {
            let _ = answer.send(committed);
        }
    }
}

#[handler]
async fn audited(Data(state): Data<&State>) -> poem::Result<bytes::Bytes> {
    let (answer, committed) = oneshot::channel();
    let sent = state.rows.send(answer).is_ok();
    if sent && committed.await == Ok(true) {
        Ok(state.body.clone())
    } else {
        Err(poem::Error::from_status(
            poem::http::StatusCode::SERVICE_UNAVAILABLE,
        ))
    }
}

#[handler]
fn healthz() -> &'static str {
    "ok"
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(listen), Some(size)) = (args.next(), args.next(), args.next()) else {
        anyhow::bail!("usage: audited_floor NEW_FILE LISTEN BODY_BYTES");
    };
    let _ = std::fs::remove_file(&path);
    let db = Database::create(&path)?;
    let (rows, queue) = mpsc::channel();
    std::thread::Builder::new()
        .name("floor-audit".into())
        .spawn(move || writer(db, queue))?;
    let state = State {
        rows,
        body: bytes::Bytes::from(vec![b'x'; size.parse::<usize>()?]),
    };
    let app = Route::new()
        .at("/audited", get(audited))
        .at("/healthz", get(healthz))
        .data(state);
    let acceptor = TcpListener::bind(listen).into_acceptor().await?;
    println!("listening");
    Server::new_with_acceptor(acceptor).run(app).await?;
    Ok(())
}
