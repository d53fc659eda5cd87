//! A compact binary form for records that are many (claims): a leading format version
//! byte, then unsigned LEB128 integers and length-prefixed UTF-8 strings. Reading never
//! panics: a short, overlong or unknown input is an error (the store names the record).

use anyhow::{Context as _, bail};

/// Appends `n` as unsigned LEB128 (7 bits a byte, low first): the numbers of records
/// ([`ByteWriter::uint`]) and of the buffers an import keeps in memory (`store::bulk`,
/// `claims::totals`).
pub fn push_uint(out: &mut Vec<u8>, mut n: u128) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads what [`push_uint`] wrote at `at` in a buffer kenpo filled itself; returns it and
/// where it ends. It never reads past the end nor panics; records read from the data file
/// go through [`ByteReader`], which also refuses short and overlong numbers.
pub fn read_uint(bytes: &[u8], mut at: usize) -> (u128, usize) {
    let (mut n, mut shift) = (0u128, 0);
    while let Some(b) = bytes.get(at) {
        if shift < 128 {
            n |= u128::from(b & 0x7f) << shift;
        }
        at += 1;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
    }
    (n, at)
}

/// Writes a record's bytes.
pub struct ByteWriter {
    out: Vec<u8>,
}

impl ByteWriter {
    /// Starts a record of format `version`.
    pub fn new(version: u8, capacity: usize) -> Self {
        let mut out = Vec::with_capacity(capacity + 1);
        out.push(version);
        Self { out }
    }

    pub fn u8(&mut self, value: u8) -> &mut Self {
        self.out.push(value);
        self
    }

    /// An unsigned integer in 1 to 10 bytes (7 bits each, low first).
    pub fn uint(&mut self, value: u64) -> &mut Self {
        push_uint(&mut self.out, u128::from(value));
        self
    }

    pub fn str(&mut self, value: &str) -> &mut Self {
        self.uint(value.len() as u64);
        self.out.extend_from_slice(value.as_bytes());
        self
    }

    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// Reads a record's bytes, after checking its format version.
pub struct ByteReader<'a> {
    rest: &'a [u8],
}

impl<'a> ByteReader<'a> {
    /// Refuses an empty record and one of another format than `version`.
    pub fn new(bytes: &'a [u8], version: u8) -> anyhow::Result<Self> {
        match bytes.split_first() {
            None => bail!("an empty record"),
            Some((&found, rest)) if found == version => Ok(Self { rest }),
            Some((&found, _)) => {
                bail!("format version {found} is unknown to this kenpo (it reads {version})")
            }
        }
    }

    pub fn u8(&mut self) -> anyhow::Result<u8> {
        let (&first, rest) = self.rest.split_first().context("the record ends early")?;
        self.rest = rest;
        Ok(first)
    }

    pub fn uint(&mut self) -> anyhow::Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            let part = u64::from(byte & 0x7f);
            if shift == 63 && part > 1 {
                bail!("a number of the record is too large");
            }
            value |= part << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        bail!("a number of the record is too long")
    }

    pub fn u32(&mut self) -> anyhow::Result<u32> {
        u32::try_from(self.uint()?).context("a number of the record is too large")
    }

    pub fn str(&mut self) -> anyhow::Result<&'a str> {
        let len = usize::try_from(self.uint()?).context("a text of the record is too long")?;
        if len > self.rest.len() {
            bail!("the record ends early");
        }
        let (text, rest) = self.rest.split_at(len);
        self.rest = rest;
        std::str::from_utf8(text).context("a text of the record is not UTF-8")
    }

    /// Refuses bytes left over after the record.
    pub fn finish(self) -> anyhow::Result<()> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            bail!("{} bytes follow the record", self.rest.len())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_texts_round_trip() {
        let mut w = ByteWriter::new(7, 0);
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            w.uint(n);
        }
        w.str("").str("試験クリニック").u8(9);
        let bytes = w.finish();
        let mut r = ByteReader::new(&bytes, 7).expect("version");
        for n in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(r.uint().expect("number"), n);
        }
        assert_eq!(r.str().expect("text"), "");
        assert_eq!(r.str().expect("text"), "試験クリニック");
        assert_eq!(r.u8().expect("byte"), 9);
        r.finish().expect("nothing left");
    }

    #[test]
    fn short_long_and_unknown_input_is_an_error() {
        assert!(ByteReader::new(&[], 1).is_err());
        let e = ByteReader::new(&[2, 0], 1).err().expect("refused");
        assert!(e.to_string().contains("format version 2"), "{e}");
        let mut r = ByteReader::new(&[1, 0x80], 1).expect("version");
        assert!(r.uint().is_err());
        let mut r = ByteReader::new(&[1, 5, b'a'], 1).expect("version");
        assert!(r.str().is_err());
        let overlong = [
            1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
        ];
        assert!(ByteReader::new(&overlong, 1).expect("v").uint().is_err());
        let mut r = ByteReader::new(&[1, 0, 0], 1).expect("version");
        assert_eq!(r.uint().expect("number"), 0);
        assert!(r.finish().is_err());
    }
}
