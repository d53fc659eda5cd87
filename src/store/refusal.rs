//! A write the file system refuses: the disk is full, or the data directory is read-only.
//! Reads go on; the web answers such a write with a page saying the service cannot save now.

/// Why the data file cannot be written just now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteRefusal {
    /// ENOSPC (or EDQUOT): no space left on the disk that holds the data file.
    NoSpace,
    /// EROFS: the file system of the data file is mounted read-only.
    ReadOnly,
}

impl WriteRefusal {
    /// The cause in the words of the log.
    pub fn cause(self) -> &'static str {
        match self {
            WriteRefusal::NoSpace => "no space left on the disk of the data file (ENOSPC)",
            WriteRefusal::ReadOnly => "the file system of the data file is read-only (EROFS)",
        }
    }
}

/// Whether `error` is a write the file system refused, found through its whole chain (the
/// storage engine's errors do not always expose their I/O error as a source, so the text of
/// each layer is read as well).
pub fn write_refusal(error: &anyhow::Error) -> Option<WriteRefusal> {
    error.chain().find_map(|layer| {
        if let Some(io) = layer.downcast_ref::<std::io::Error>()
            && let Some(refusal) = io.raw_os_error().and_then(from_errno)
        {
            return Some(refusal);
        }
        let text = layer.to_string();
        [libc::ENOSPC, libc::EDQUOT, libc::EROFS]
            .into_iter()
            .find(|code| text.contains(&format!("(os error {code})")))
            .and_then(from_errno)
    })
}

fn from_errno(code: i32) -> Option<WriteRefusal> {
    match code {
        libc::ENOSPC | libc::EDQUOT => Some(WriteRefusal::NoSpace),
        libc::EROFS => Some(WriteRefusal::ReadOnly),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_a_full_disk_and_a_read_only_one_through_the_chain() {
        let full =
            anyhow::Error::from(std::io::Error::from_raw_os_error(libc::ENOSPC)).context("commit");
        assert_eq!(write_refusal(&full), Some(WriteRefusal::NoSpace));
        let ro = anyhow::anyhow!("I/O error: Read-only file system (os error 30)").context("x");
        assert_eq!(write_refusal(&ro), Some(WriteRefusal::ReadOnly));
        let other = anyhow::Error::from(std::io::Error::from_raw_os_error(libc::EIO));
        assert_eq!(write_refusal(&other), None);
    }
}
