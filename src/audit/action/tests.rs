//! Every action has one stored name and reads back from it.

use super::Action;

#[test]
fn every_action_has_one_name_and_reads_back() {
    for (i, a) in Action::ALL.iter().enumerate() {
        assert_eq!(Action::parse(a.as_str()), Some(*a));
        assert!(Action::ALL[..i].iter().all(|b| b.as_str() != a.as_str()));
    }
    assert_eq!(Action::LoginSucceeded.as_str(), "login.succeeded");
    assert_eq!(Action::parse("test.row"), None);
}

#[test]
fn actions_are_listed_in_the_order_of_their_names() {
    let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
}
