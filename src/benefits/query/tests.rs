//! Which decisions a household sees: published, its own, of visible people only.

use super::*;
use crate::benefits::testdata::*;
use crate::claims::query::visible_people;

#[test]
fn only_published_own_and_visible_decisions_are_seen() {
    let (_dir, store) = store();
    let h = household("105");
    let other = household("106");
    put_people(
        &store,
        &[
            person(&h, "00", false),
            person(&h, "03", true),
            person(&other, "00", false),
        ],
    );
    let mine = decision(
        "K-1",
        (&h, "00"),
        "高額療養費",
        (202503, 202503),
        1,
        20250610,
    );
    let later = decision("K-0", (&h, "00"), "療養費", (202504, 202504), 1, 20250710);
    let hidden = decision("K-2", (&h, "03"), "療養費", (202503, 202503), 1, 20250610);
    let theirs = decision(
        "K-3",
        (&other, "00"),
        "療養費",
        (202503, 202503),
        1,
        20250610,
    );
    let draft = decision("K-4", (&h, "00"), "療養費", (202503, 202503), 1, 20250610);
    put_decisions(&store, "901", true, &[mine, later, hidden, theirs]);
    put_decisions(&store, "902", false, &[draft]);
    let (list, one) = store
        .read_blocking(|r| {
            let people = visible_people(r, &h)?;
            let list = visible_decisions(r, &h, &people)?;
            let one = ["K-0", "K-1", "K-2", "K-3", "K-4", "K-5", ""]
                .map(|n| visible_decision(r, &h, &people, n).map(|d| d.is_some()));
            anyhow::Ok((list, one))
        })
        .expect("read");
    let numbers: Vec<&str> = list.iter().map(|d| d.number.as_str()).collect();
    assert_eq!(numbers, ["K-0", "K-1"]);
    let one: Vec<bool> = one.into_iter().map(|r| r.expect("read")).collect();
    assert_eq!(one, [true, true, false, false, false, false, false]);
}
