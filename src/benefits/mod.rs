//! Benefit decisions (支給決定, SPEC §5.7, §6.4) as the portal keeps them. They ride on the
//! claims' machinery: a benefits file is a [`crate::claims::Batch`] of kind
//! [`crate::claims::BatchKind::Benefits`], published, mailed and audited the same way.
//! The pure rules are `domain::benefit` and `domain::offsets`; the file reader is
//! `import::benefits`.

pub mod demo;
pub mod ingest;
pub mod migrate;
pub mod model;
pub mod query;
pub mod retention;
pub mod tax;
pub mod view;

pub use ingest::DecisionWriter;
pub use model::{BenefitIndex, BenefitMonth, BenefitRecord};

#[cfg(test)]
pub(crate) mod testdata;
