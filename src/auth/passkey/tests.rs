use super::*;

#[test]
fn the_relying_party_is_the_host_of_the_base_url_and_never_an_ip_address() {
    assert!(relying_party("https://kenpo.example.or.jp", "").is_some());
    assert!(relying_party("http://localhost:8080", "けんぽWeb").is_some());
    assert!(relying_party("http://127.0.0.1:8080", "").is_none());
    assert!(relying_party("http://[::1]:8080", "").is_none());
    assert!(relying_party("not a url", "").is_none());
}

#[test]
fn a_name_is_trimmed_and_bounded() {
    assert_eq!(parse_name("  母のiPhone "), Ok("母のiPhone".to_string()));
    assert!(parse_name("   ").is_err());
    assert!(parse_name(&"あ".repeat(31)).is_err());
    assert!(parse_name(&"あ".repeat(30)).is_ok());
    assert!(parse_name("a\u{7}b").is_err());
}
