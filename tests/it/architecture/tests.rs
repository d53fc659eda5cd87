//! The architecture test's own reading, on small made-up crates.

use super::graph::File;
use super::problems;
use super::source::{blank_comments_and_literals, references};

const LIB: &str = "//! Layers, lowest first:\n//!\n//! domain < (store, mail) < web\n//!\n\
                   pub mod domain;\npub mod mail;\npub mod store;\npub mod web;\n";

fn check(files: &[(&str, &str)]) -> Vec<String> {
    let files = files
        .iter()
        .map(|(path, text)| File::new(path, text))
        .collect();
    problems(LIB, files).1
}

#[test]
fn comments_and_strings_name_nothing() {
    let code = blank_comments_and_literals(
        "// use crate::web;\n/* crate::web */ let s = \"crate::web\"; let c = '\"'; r#\"crate::web\"#",
    );
    assert!(references(&code).is_empty(), "{code}");
}

#[test]
fn grouped_uses_and_paths_in_code_are_read_with_their_lines() {
    let code =
        "use crate::store::{Store, tx::{self, Writer as W}};\nfn f() { crate::mail::send(); }";
    let found: Vec<(String, usize)> = references(code)
        .into_iter()
        .map(|r| (r.segments.join("::"), r.line))
        .collect();
    let expected = [
        "crate::store::Store",
        "crate::store::tx",
        "crate::store::tx::Writer",
    ];
    let mut want: Vec<(String, usize)> = expected.iter().map(|p| (p.to_string(), 1)).collect();
    want.push(("crate::mail::send".into(), 2));
    assert_eq!(found, want);
}

#[test]
fn a_clean_crate_passes() {
    let found = check(&[
        ("domain/mod.rs", "pub struct Key;"),
        ("store/mod.rs", "use crate::domain::Key;"),
        ("mail.rs", "use crate::store; use crate::domain::Key;"),
        ("web/mod.rs", "mod login; pub use login::internal;"),
        (
            "web/login.rs",
            "use super::Ctx; fn f() { crate::mail::x(); }",
        ),
    ]);
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn an_upward_import_fails_with_its_file_and_line() {
    let found = check(&[
        ("store/mod.rs", "\nuse crate::web::login;"),
        ("web/login.rs", ""),
    ]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("store/mod.rs:2 imports crate::web::login"),
        "{found:?}"
    );
}

#[test]
fn an_upward_path_in_code_fails_too() {
    let found = check(&[
        ("domain/key.rs", "fn f() { crate::store::open(); }"),
        ("store/mod.rs", ""),
    ]);
    assert!(
        found.iter().any(|p| p.contains("domain/key.rs:1")),
        "{found:?}"
    );
}

#[test]
fn a_cycle_of_files_within_a_layer_fails() {
    let found = check(&[
        ("web/mod.rs", "mod a; mod b; mod c;"),
        ("web/a.rs", "use super::b::B;"),
        ("web/b.rs", "use crate::web::c::C;"),
        ("web/c.rs", "fn f() { super::a::x(); }"),
    ]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("web/a.rs, web/b.rs, web/c.rs"),
        "{found:?}"
    );
}

#[test]
fn a_cycle_through_a_re_export_fails() {
    let found = check(&[
        ("web/mod.rs", "mod a; mod b; pub use a::A;"),
        ("web/a.rs", "use super::b::B;"),
        ("web/b.rs", "use super::A;"),
    ]);
    assert!(
        found.iter().any(|p| p.contains("web/a.rs, web/b.rs")),
        "{found:?}"
    );
}

#[test]
fn two_modules_of_one_layer_naming_each_other_fail() {
    let found = check(&[
        ("store/mod.rs", "mod x; mod y;"),
        ("store/x.rs", "use crate::mail::m;"),
        ("mail.rs", "use crate::store::y;"),
        ("store/y.rs", ""),
    ]);
    assert_eq!(
        found,
        vec!["modules import each other in a cycle: mail, store".to_string()]
    );
}

#[test]
fn a_module_missing_from_the_order_fails() {
    let lib = format!("{LIB}pub mod extra;\n");
    let found = problems(&lib, Vec::new()).1;
    assert_eq!(
        found,
        vec!["module `extra` stands 0 times in the layer order".to_string()]
    );
}

#[test]
fn tests_inside_a_file_reach_it_through_super() {
    let code =
        "fn f() {}\n#[cfg(test)]\nmod tests {\n    use super::*;\n    use super::super::k::K;\n}";
    let refs = references(code);
    assert_eq!(refs[0].inline, vec!["tests".to_string()]);
    let found = check(&[
        ("store/mod.rs", "mod k; mod j;"),
        ("store/k.rs", ""),
        ("store/j.rs", code),
    ]);
    assert!(found.is_empty(), "{found:?}");
}
