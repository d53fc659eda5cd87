use super::*;
use crate::domain::claim::Claim;
use crate::domain::expenses::yen;

#[test]
fn the_ceiling_is_99_999_999_999_yen() {
    assert_eq!(Yen::new(99_999_999_999), Some(Yen::MAX));
    assert_eq!(Yen::new(100_000_000_000), None);
    assert_eq!(Yen::new(u64::MAX), None);
    assert_eq!(Yen::new(0), Some(Yen::ZERO));
    assert_eq!(Yen::clamped(u64::MAX), Yen::MAX);
    assert_eq!(Yen::clamped(8460).get(), 8460);
    assert_eq!(yen(Yen::MAX), "99,999,999,999円");
}

#[test]
fn parses_digits_up_to_the_ceiling() {
    assert_eq!(Yen::parse("8460").map(Yen::get), Ok(8460));
    assert_eq!(Yen::parse(" ８４６０\u{3000}").map(Yen::get), Ok(8460));
    assert_eq!(Yen::parse("0"), Ok(Yen::ZERO));
    assert_eq!(Yen::parse("99999999999"), Ok(Yen::MAX));
}

#[test]
fn refuses_amounts_above_the_ceiling_and_says_so() {
    for text in [
        "100000000000",
        "18446744073709551615",
        "99999999999999999999999999999",
        "０１００００００００００００",
    ] {
        assert_eq!(
            Yen::parse(text),
            Err(YenError::AboveCeiling(text.to_owned())),
            "{text}"
        );
    }
    let message = Yen::parse(" 100000000000 ").unwrap_err().to_string();
    assert_eq!(
        message,
        "「100000000000」は1件あたりの上限 99,999,999,999円 を超えています"
    );
}

#[test]
fn refuses_what_is_not_a_whole_number() {
    for (text, reason) in [
        ("8,460", "桁区切り"),
        ("-8460", "マイナス"),
        ("8460円", "単位"),
        ("8460.5", "整数"),
        ("", "整数"),
    ] {
        let error = Yen::parse(text).unwrap_err();
        assert!(
            matches!(error, YenError::NotWholeNumber(_)),
            "{text}: {error:?}"
        );
        assert!(error.to_string().contains(reason), "{text}: {error}");
    }
}

#[test]
fn stored_as_a_plain_integer_and_read_back_the_same() {
    assert_eq!(serde_json::to_string(&Yen::clamped(8460)).unwrap(), "8460");
    assert_eq!(serde_json::from_str::<Yen>("8460").unwrap().get(), 8460);
}

#[test]
fn an_amount_stored_above_the_ceiling_reads_as_the_ceiling() {
    assert_eq!(
        serde_json::from_str::<Yen>("18446744073709551615").unwrap(),
        Yen::MAX
    );
    assert_eq!(
        serde_json::from_str::<Yen>("100000000000").unwrap(),
        Yen::MAX
    );
    assert!(serde_json::from_str::<Yen>("-1").is_err(), "never written");
}

/// A claim exactly as the release before the ceiling wrote it to the data file.
const CLAIM_OF_THE_PREVIOUS_RELEASE: &str = r#"{"receipt_number":"2025030001","household":{"symbol":"1201","number":"105"},"branch":"00","month":{"year":2025,"month":3},"kind":"Outpatient","provider":"本郷内科クリニック","days":2,"total_cost":8460,"self_pay":2538,"benefit":0}"#;

#[test]
fn a_claim_of_the_previous_release_reads_and_writes_back_byte_for_byte() {
    let claim: Claim = serde_json::from_str(CLAIM_OF_THE_PREVIOUS_RELEASE).unwrap();
    assert_eq!(
        (claim.total_cost.get(), claim.self_pay.get(), claim.benefit),
        (8460, 2538, Yen::ZERO)
    );
    assert_eq!(
        serde_json::to_string(&claim).unwrap(),
        CLAIM_OF_THE_PREVIOUS_RELEASE
    );
}

#[test]
fn sums_pass_u64_exactly() {
    let mut sum = YenSum::from(Yen::MAX);
    for _ in 0..30 {
        sum += sum;
    }
    let exact = 99_999_999_999u128 << 30;
    assert!(exact > u128::from(u64::MAX));
    assert_eq!(sum.get(), exact);
    assert_eq!(yen(sum), "107,374,182,398,926,258,176円");
    let listed: YenSum = [Yen::MAX, Yen::MAX, Yen::clamped(2)].into_iter().sum();
    assert_eq!(listed.get(), 200_000_000_000);
}

#[test]
fn sums_saturate_instead_of_wrapping() {
    let full = YenSum(u128::MAX);
    assert_eq!((full + Yen::MAX).get(), u128::MAX);
    assert_eq!((full + full).get(), u128::MAX);
}
