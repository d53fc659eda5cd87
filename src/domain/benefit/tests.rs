//! Kinds are found by name (built-in or the union's own), and every name is listed.

use super::*;

#[test]
fn finds_builtin_and_custom_kinds_and_lists_every_name() {
    let kinds = BenefitKinds::new(&[CustomBenefitKind {
        name: "人間ドック補助金".into(),
        class: OffsetClass::None,
        explanation: String::new(),
    }]);
    let high = kinds.find(" 高額療養費　").map(|k| (k.statutory, k.class));
    assert_eq!(high, Some((true, OffsetClass::Receipt)));
    let own = kinds.find("人間ドック補助金");
    assert_eq!(own.map(|k| k.explanation), Some(CUSTOM_EXPLANATION.into()));
    assert_eq!(kinds.find("見舞金"), None);
    let names = kinds.names();
    assert_eq!(names.first(), Some(&"高額療養費"));
    assert_eq!(names.last(), Some(&"人間ドック補助金"));
    assert!(BenefitKinds::is_builtin("一部負担還元金"));
    // A name typed with the wave dash matches the file's full-width tilde (Shift_JIS).
    let wave = BenefitKinds::new(&[CustomBenefitKind {
        name: "夏季〜冬季補助金".into(),
        class: OffsetClass::None,
        explanation: String::new(),
    }]);
    assert!(wave.find("夏季～冬季補助金").is_some());
    assert_eq!(
        OffsetClass::from_code("outside"),
        Some(OffsetClass::Outside)
    );
}
