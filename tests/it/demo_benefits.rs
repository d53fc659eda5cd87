//! `kenpo demo` writes benefit decisions that fit its claims (issue #14 item 6): the
//! printed households find 高額療養費, 一部負担還元金 and a 出産育児一時金, all published.

use kenpo::benefits::BenefitRecord;
use kenpo::claims::Batch;
use kenpo::store::Store;

use crate::demo::{run_demo, stop};

#[tokio::test]
async fn the_demo_decides_benefits_for_its_printed_households() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("kenpo-demo.redb");
    let path = data.clone();
    tokio::task::spawn_blocking(move || {
        let (_, _, child) = run_demo(&path);
        stop(child);
    })
    .await
    .expect("join");
    let store = Store::open(&data).expect("open the demo file");
    let (decisions, batches) = store
        .read_blocking(|r| {
            let decisions = r.scan::<BenefitRecord>("")?;
            let mut batches = Vec::new();
            for (_, d) in &decisions {
                batches.push(r.get::<Batch>(&d.batch)?);
            }
            anyhow::Ok((decisions, batches))
        })
        .expect("read");
    let kinds: Vec<&str> = decisions
        .iter()
        .map(|(_, d)| d.decision.kind.as_str())
        .collect();
    assert!(kinds.contains(&"高額療養費"), "{kinds:?}");
    assert!(
        kinds.iter().filter(|k| **k == "一部負担還元金").count() >= 3,
        "{kinds:?}"
    );
    assert!(
        kinds.iter().any(|k| k.ends_with("出産育児一時金")),
        "{kinds:?}"
    );
    assert!(
        batches
            .iter()
            .all(|b| b.as_ref().is_some_and(|b| b.is_published()))
    );
}
