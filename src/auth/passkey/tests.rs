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

#[test]
fn ceremonies_are_capped_and_the_expired_are_swept_to_make_room() {
    use chrono::TimeZone as _;
    let dir = tempfile::tempdir().expect("temp");
    let store = crate::store::Store::open(&dir.path().join("k.redb")).expect("open");
    let rp = relying_party("https://kenpo.example.or.jp", "").expect("rp");
    let t0 = chrono::Utc.timestamp_opt(1_800_000_000, 0).unwrap();
    let start = |w: &mut Writer, at| {
        let (_, state) = rp.start_discoverable_authentication().expect("start");
        let purpose = ceremony::Purpose::Login {
            staff: false,
            state,
        };
        ceremony::start(w, purpose, at)
    };
    let full = store
        .write_blocking(|w| {
            for _ in 0..ceremony::MAX_OPEN {
                start(w, t0)?;
            }
            let refused = start(w, t0).is_err();
            let later = t0 + chrono::Duration::minutes(ceremony::CEREMONY_MINUTES + 1);
            let made_room = start(w, later).is_ok();
            Ok::<_, anyhow::Error>((refused, made_room, w.count::<ceremony::Ceremony>()?))
        })
        .expect("write");
    assert_eq!(full, (true, true, 1));
}

#[test]
fn a_forgotten_owner_gets_a_new_user_handle_and_the_old_one_names_nobody() {
    let dir = tempfile::tempdir().expect("temp");
    let store = crate::store::Store::open(&dir.path().join("k.redb")).expect("open");
    let owner = Owner::Staff("tanaka".into());
    let (old, again, gone, new) = store
        .write_blocking(|w| {
            let old = user_handle(w, &owner)?;
            let again = user_handle(w, &owner)?;
            forget_handle(w, &owner)?;
            let gone = owner_of_handle(w, &old)?;
            let new = user_handle(w, &owner)?;
            Ok::<_, anyhow::Error>((old, again, gone, new))
        })
        .expect("write");
    assert_eq!(old, again, "one handle per owner");
    assert_eq!(gone, None);
    assert_ne!(old, new);
}
