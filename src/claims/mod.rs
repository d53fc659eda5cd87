//! Claims as the portal keeps them: batches of imported claims, publication, and what a
//! household may see. The file reader is `import::claims`; the pure sums are
//! `domain::expenses`; the screens are `web::expenses`.

mod codec;
pub mod demo;
pub mod ingest;
pub mod migrate;
pub mod model;
pub mod pages;
pub mod publish;
pub mod query;
pub mod retention;
pub mod totals;
pub mod view;

pub use ingest::{BatchWriter, Outcome};
pub use model::{Batch, BatchKind, BatchPerson, ClaimIndex, ClaimMonth, ClaimRecord};
pub use publish::{Audience, PublishError, PublishSummary, audience, publish};
