//! The input file a client sends after its request: exactly the `input_len` bytes it
//! announced. A client that goes away before sending them all (Ctrl-C, a kill, a lost
//! terminal) leaves a file cut short, and an import of a file cut at a row boundary would
//! look whole: a members file cut short would even retire the members it lost. So an end
//! before the announced length is an error, and the job imports nothing. The command line
//! reads the files a job sends back (a backup, postcards) the same way: a server gone
//! mid-file leaves no file that looks whole.

use std::io::{self, Read, Take};

/// Reads exactly the announced bytes; an early end is an [`io::ErrorKind::UnexpectedEof`].
pub(super) struct Announced<R> {
    rest: Take<R>,
    announced: u64,
    /// What went away: the error's words for `got` of `announced` bytes.
    cut_off: fn(u64, u64) -> String,
}

impl<R: Read> Announced<R> {
    /// The file a command line sends with its request.
    pub(super) fn new(inner: R, announced: u64) -> Self {
        Self::cut_off_as(inner, announced, |got, announced| {
            format!(
                "the command line went away after sending {got} of the {announced} bytes of its file: nothing was imported"
            )
        })
    }

    /// A file the server sends back (a backup, postcards).
    pub(super) fn from_server(inner: R, announced: u64) -> Self {
        Self::cut_off_as(inner, announced, |got, announced| {
            format!(
                "the server stopped after sending {got} of the {announced} bytes of the file: no file was written"
            )
        })
    }

    /// What follows the announced bytes, once they have all been read.
    pub(super) fn after(&mut self) -> Option<&mut R> {
        (self.rest.limit() == 0).then(|| self.rest.get_mut())
    }

    fn cut_off_as(inner: R, announced: u64, cut_off: fn(u64, u64) -> String) -> Self {
        Self {
            rest: inner.take(announced),
            announced,
            cut_off,
        }
    }
}

impl<R: Read> Read for Announced<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.rest.read(buf)?;
        if n == 0 && !buf.is_empty() && self.rest.limit() > 0 {
            let got = self.announced - self.rest.limit();
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                (self.cut_off)(got, self.announced),
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::Announced;

    #[test]
    fn the_announced_bytes_are_read_and_no_more() {
        let mut read = Vec::new();
        Announced::new(&b"abcdef"[..], 4)
            .read_to_end(&mut read)
            .expect("four bytes were sent");
        assert_eq!(read, b"abcd");
        let mut none = Vec::new();
        Announced::new(&b""[..], 0)
            .read_to_end(&mut none)
            .expect("nothing announced, nothing read");
        assert!(none.is_empty());
    }

    #[test]
    fn an_end_before_the_announced_length_is_an_error() {
        let mut read = Vec::new();
        let err = Announced::new(&b"abc"[..], 5)
            .read_to_end(&mut read)
            .expect_err("two bytes are missing");
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("3 of the 5 bytes"), "{err}");
        let err = Announced::from_server(&b"ab"[..], 5)
            .read_to_end(&mut Vec::new())
            .expect_err("three bytes are missing");
        assert!(
            err.to_string()
                .contains("2 of the 5 bytes of the file: no file"),
            "{err}"
        );
    }
}
