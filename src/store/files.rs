//! Files kenpo writes (the data file, its key, spools, backups, postcards) are created
//! owner-only (0600): a copy anyone else on the machine could read is a way into members'
//! medical data. Every new file goes through one of these functions.

use std::fs::{File, OpenOptions};
use std::io;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;

/// Owner read and write, nothing for group or others.
pub const PRIVATE_MODE: u32 = 0o600;

fn options() -> OpenOptions {
    let mut options = OpenOptions::new();
    options
        .read(true)
        .write(true)
        .create_new(true)
        .mode(PRIVATE_MODE);
    options
}

/// Creates a new owner-only file; fails when `path` already exists.
pub fn create_private(path: &Path) -> io::Result<File> {
    let file = options().open(path)?;
    // The process umask can only take bits away; this makes the mode exact.
    file.set_permissions(std::fs::Permissions::from_mode(PRIVATE_MODE))?;
    Ok(file)
}

/// [`create_private`] for async code (a spooled upload).
pub async fn create_private_async(path: &Path) -> io::Result<tokio::fs::File> {
    let path = path.to_path_buf();
    let file = tokio::task::spawn_blocking(move || create_private(&path))
        .await
        .map_err(io::Error::other)??;
    Ok(tokio::fs::File::from_std(file))
}

/// Writes `bytes` to a new owner-only file.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let mut file = create_private(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// A new owner-only file without a name (Linux `O_TMPFILE`) in `dir`, else in the
/// temporary folder: nothing of it is left when the process ends, even when it is killed.
pub fn create_unnamed(dir: &Path) -> io::Result<File> {
    tempfile::tempfile_in(dir).or_else(|_| tempfile::tempfile())
}

/// The folder of the data file `data`: `.` for a bare file name (`--data kenpo.redb`).
pub fn dir_of(data: &Path) -> &Path {
    match data.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// A warning when the group or others may read or write `path`, naming the file.
pub fn exposure_warning(path: &Path, what: &str) -> Option<String> {
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "the {what} {} is readable by group or others (mode {:o}): run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )
    })
}

/// The mode bits of a file (tests and the startup check).
pub fn mode(path: &Path) -> io::Result<u32> {
    Ok(std::fs::metadata(path)?.permissions().mode() & 0o777)
}

#[cfg(test)]
mod tests {
    use std::io::{Read as _, Seek as _, Write as _};

    use super::*;

    #[test]
    fn new_files_are_owner_only_and_never_replace_an_existing_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f");
        write_private(&path, b"x").expect("written");
        assert_eq!(mode(&path).expect("mode"), 0o600);
        assert_eq!(
            create_private(&path).map(|_| ()).map_err(|e| e.kind()),
            Err(io::ErrorKind::AlreadyExists)
        );
        assert_eq!(exposure_warning(&path, "data file"), None);
    }

    #[test]
    fn a_file_others_can_read_is_named_in_a_warning() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("kenpo.redb");
        std::fs::write(&path, b"x").expect("written");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let warning = exposure_warning(&path, "data file").expect("a warning");
        assert!(warning.contains(&path.display().to_string()), "{warning}");
        assert!(warning.contains("644"), "{warning}");
    }

    #[test]
    fn the_folder_of_a_bare_file_name_is_the_working_directory() {
        assert_eq!(dir_of(Path::new("kenpo.redb")), Path::new("."));
        assert_eq!(dir_of(Path::new("./kenpo.redb")), Path::new("."));
        assert_eq!(dir_of(Path::new("/data/kenpo.redb")), Path::new("/data"));
        assert_eq!(dir_of(Path::new("data/kenpo.redb")), Path::new("data"));
    }

    #[test]
    fn an_unnamed_file_holds_its_bytes_and_leaves_no_name_in_its_folder() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut file = create_unnamed(dir.path()).expect("unnamed file");
        file.write_all("山田　花子".as_bytes()).expect("write");
        file.rewind().expect("rewind");
        let mut back = String::new();
        file.read_to_string(&mut back).expect("read");
        assert_eq!(back, "山田　花子");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .map(|e| e.file_name())
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }
}
