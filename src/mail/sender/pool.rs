//! One round of sending over a small pool of SMTP connections: each connection takes the
//! next due mail, sends it, has its outcome recorded, and goes on with the next, until no
//! mail is left, the server asks to stop (`421`) or cannot be spoken to, or kenpo stops.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::record::{Outcome, record};
use super::{Unrecorded, backoff, lock};
use crate::clock::Clock;
use crate::mail::outbox::{OutboxMail, load_due};
use crate::mail::smtp::{Connection, SendError, SmtpConfig};
use crate::store::Store;

/// Mails sent over one connection before it is closed and a fresh one opened: servers
/// commonly limit the mails of one session.
pub(super) const MAX_MAILS_PER_CONNECTION: usize = 100;

/// What a round did.
pub(super) struct Delivery {
    pub sent: usize,
    /// Set when the server failed as a whole: no mail is tried before then.
    pub pause: Option<DateTime<Utc>>,
}

struct Round {
    store: Store,
    clock: Arc<dyn Clock>,
    config: SmtpConfig,
    /// The round's time: mails due at this moment are sent.
    now: DateTime<Utc>,
    queue: Mutex<VecDeque<String>>,
    state: Mutex<State>,
    shutdown: Option<watch::Receiver<bool>>,
    unrecorded: Unrecorded,
}

#[derive(Default)]
struct State {
    /// A connection met a server failure: no connection takes another mail.
    halted: bool,
    sent: usize,
    pause: Option<DateTime<Utc>>,
    error: Option<anyhow::Error>,
}

/// What becomes of a connection after one mail.
enum Next {
    Keep,
    /// The mail was refused for good: end its transaction with RSET and go on.
    Reset,
    /// A temporary refusal: QUIT, and the next mail gets a fresh session.
    Close,
    /// The session is broken or the server closes it.
    Drop,
}

/// Sends the mails `due` (ids, oldest first) over at most `config.connections` connections.
pub(super) async fn deliver(
    store: Store,
    clock: Arc<dyn Clock>,
    config: SmtpConfig,
    due: Vec<String>,
    shutdown: Option<watch::Receiver<bool>>,
    unrecorded: Unrecorded,
) -> anyhow::Result<Delivery> {
    let workers = config.connections.clamp(1, due.len().max(1));
    let round = Arc::new(Round {
        store,
        now: clock.now(),
        clock,
        config,
        queue: Mutex::new(due.into()),
        state: Mutex::default(),
        shutdown,
        unrecorded,
    });
    if round.stopped() {
        return round.finish();
    }
    // The first connection tells whether the server is there at all: when it cannot be
    // opened, the first due mail carries the failure and no other mail is tried.
    let first = match round.open().await {
        None => return round.finish(),
        Some(Ok(connection)) => connection,
        Some(Err(e)) => {
            if let Some((id, mail)) = round.next_mail().await {
                round.record(&id, &mail, Outcome::Failed(e)).await;
            }
            return round.finish();
        }
    };
    let mut tasks = JoinSet::new();
    tasks.spawn(work(round.clone(), Some(first)));
    for _ in 1..workers {
        tasks.spawn(work(round.clone(), None));
    }
    while let Some(joined) = tasks.join_next().await {
        if let Err(e) = joined {
            round.state().error = Some(anyhow::anyhow!("a mail connection task failed: {e}"));
        }
    }
    round.finish()
}

/// One connection's loop. A connection that cannot be opened (the server may limit
/// connections per client) leaves the work to the others without charging any mail.
async fn work(round: Arc<Round>, mut connection: Option<Connection>) {
    while !round.stopped() {
        let mut open = match connection.take() {
            Some(open) if open.accepted() < MAX_MAILS_PER_CONNECTION => open,
            spent => {
                if let Some(spent) = spent {
                    spent.close().await;
                }
                match round.open().await {
                    None => return,
                    Some(Ok(open)) => open,
                    Some(Err(e)) => {
                        tracing::warn!(
                            error = e.explain(),
                            "an extra SMTP connection could not be opened; the others carry on"
                        );
                        return;
                    }
                }
            }
        };
        let Some((id, mail)) = round.next_mail().await else {
            open.close().await;
            return;
        };
        let (outcome, next) = match open
            .send(&round.config, &mail.to, &mail.subject, &mail.body)
            .await
        {
            Ok(()) => (Outcome::Sent, Next::Keep),
            Err(e) => {
                let next = match &e {
                    e if e.is_server_problem() => {
                        // The other connections take no new mail from now on.
                        round.state().halted = true;
                        Next::Drop
                    }
                    SendError::InvalidRecipient => Next::Keep,
                    e if e.is_permanent() => Next::Reset,
                    _ => Next::Close,
                };
                (Outcome::Failed(e), next)
            }
        };
        // Recorded before the connection carries another mail: a crash can repeat at most
        // this one mail per connection.
        round.record(&id, &mail, outcome).await;
        connection = match next {
            Next::Keep => Some(open),
            Next::Reset => open.reset().await.then_some(open),
            Next::Close => {
                open.close().await;
                None
            }
            Next::Drop => None,
        };
    }
    if let Some(open) = connection {
        open.close().await;
    }
}

impl Round {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn stopped(&self) -> bool {
        let state = self.state();
        state.halted
            || state.pause.is_some()
            || state.error.is_some()
            || self.shutdown.as_ref().is_some_and(|s| *s.borrow())
    }

    /// Opens a connection, or gives up (`None`) as soon as kenpo stops: no mail is in hand
    /// yet, and a server that never answers would hold the stop for the connection timeouts
    /// (90 s, past Docker's stop timeout).
    async fn open(&self) -> Option<Result<Connection, SendError>> {
        let Some(mut shutdown) = self.shutdown.clone() else {
            return Some(Connection::open(&self.config).await);
        };
        tokio::select! {
            opened = Connection::open(&self.config) => Some(opened),
            // A dropped sender stops kenpo too.
            _ = shutdown.wait_for(|on| *on) => None,
        }
    }

    /// The next queued mail that is still pending and due, with its body opened.
    async fn next_mail(&self) -> Option<(String, OutboxMail)> {
        loop {
            if self.stopped() {
                return None;
            }
            let id = self
                .queue
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .pop_front()?;
            let (key, now) = (id.clone(), self.now);
            match self.store.read(move |r| load_due(r, &key, now)).await {
                Ok(Some(mail)) => return Some((id, mail)),
                // Sent, retried or given up meanwhile.
                Ok(None) => {}
                Err(e) => {
                    self.state().error = Some(e);
                    return None;
                }
            }
        }
    }

    async fn record(&self, id: &str, mail: &OutboxMail, outcome: Outcome) {
        let sent = matches!(outcome, Outcome::Sent);
        let server_down = matches!(&outcome, Outcome::Failed(e) if e.is_server_problem());
        let recorded = record(&self.store, self.clock.as_ref(), id, mail, outcome).await;
        let mut state = self.state();
        match recorded {
            Ok(next) => {
                state.sent += usize::from(sent);
                if server_down {
                    let until = next.unwrap_or(self.clock.now() + backoff(1));
                    state.pause = Some(state.pause.map_or(until, |p| p.max(until)));
                }
            }
            Err(e) => {
                if sent {
                    // The server has it: never send it again, record it at the next round.
                    let mut kept = mail.clone();
                    kept.body.clear();
                    lock(&self.unrecorded).insert(id.to_string(), kept);
                }
                state.error = Some(e);
            }
        }
    }

    fn finish(&self) -> anyhow::Result<Delivery> {
        let mut state = self.state();
        match state.error.take() {
            Some(e) => Err(e),
            None => Ok(Delivery {
                sent: state.sent,
                pause: state.pause,
            }),
        }
    }
}
