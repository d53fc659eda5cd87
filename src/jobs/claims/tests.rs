use std::os::unix::fs::PermissionsExt as _;

use super::*;

#[test]
fn a_spooled_claim_file_is_owner_only_and_removed_when_done() {
    let dir = tempfile::tempdir().expect("temp dir");
    let spool = Spool::beside(&dir.path().join("kenpo.redb"));
    spool.fill(&mut "記号,番号\n".as_bytes()).expect("spooled");
    let mode = std::fs::metadata(&spool.path)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(format!("{:o}", mode & 0o777), "600");
    let path = spool.path.clone();
    drop(spool);
    assert!(!path.exists());
}
