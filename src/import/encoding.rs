//! Character encoding of imported files: UTF-8 (with or without BOM) or Shift_JIS (CP932),
//! told apart by whether the bytes are valid UTF-8.

use std::io::{self, Cursor, Read};

use encoding_rs::{Decoder, DecoderResult, SHIFT_JIS};

use super::error::ImportError;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How much of a stream [`open_reader`] looks at to choose the encoding.
pub const SNIFF_LEN: usize = 64 * 1024;

const RESAVE_HINT: &str =
    "Excel で「CSV UTF-8 (コンマ区切り)」か「CSV (コンマ区切り)」を選んで保存し直してください";

/// Decodes a whole file held in memory.
///
/// A UTF-8 BOM is removed; bytes that are valid UTF-8 are taken as UTF-8, anything
/// else must be valid Shift_JIS (CP932, which encoding_rs calls `SHIFT_JIS`).
pub fn decode(bytes: &[u8]) -> Result<String, ImportError> {
    refuse_utf16(bytes)?;
    if let Some(rest) = bytes.strip_prefix(UTF8_BOM) {
        return match std::str::from_utf8(rest) {
            Ok(text) => Ok(text.to_owned()),
            Err(error) => Err(ImportError::Encoding(format!(
                "先頭に UTF-8 の印（BOM）がありますが、{}行目に UTF-8 として読めない文字があります。{RESAVE_HINT}",
                line_at(rest, error.valid_up_to())
            ))),
        };
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    decode_shift_jis(bytes)
}

fn decode_shift_jis(bytes: &[u8]) -> Result<String, ImportError> {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(bytes.len() * 3 / 2 + 16);
    let mut read_total = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[read_total..], &mut text, true);
        read_total += read;
        match result {
            DecoderResult::InputEmpty => return Ok(text),
            DecoderResult::OutputFull => text.reserve((bytes.len() - read_total) * 3 + 16),
            DecoderResult::Malformed(bad, _) => {
                let at = read_total.saturating_sub(usize::from(bad));
                return Err(neither_utf8_nor_shift_jis(line_at(bytes, at)));
            }
        }
    }
}

/// Opens a large file for streaming: looks at its first [`SNIFF_LEN`] bytes, then
/// returns a reader that yields UTF-8 without BOM.
///
/// In UTF-8 files, bytes that are not UTF-8 further on show up as errors of the CSV
/// reader on their line; in Shift_JIS files, as an `InvalidData` read error.
pub fn open_reader(r: impl Read + 'static) -> Result<Box<dyn Read>, ImportError> {
    let mut r = r;
    let mut head = Vec::with_capacity(SNIFF_LEN);
    (&mut r).take(SNIFF_LEN as u64).read_to_end(&mut head)?;
    let at_end = head.len() < SNIFF_LEN;
    refuse_utf16(&head)?;
    if head.starts_with(UTF8_BOM) {
        head.drain(..UTF8_BOM.len());
        return Ok(Box::new(Cursor::new(head).chain(r)));
    }
    if looks_like_utf8(&head, at_end) {
        return Ok(Box::new(Cursor::new(head).chain(r)));
    }
    check_shift_jis_head(&head, at_end)?;
    let decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    Ok(Box::new(DecodingReader::new(
        Cursor::new(head).chain(r),
        decoder,
    )))
}

/// Valid UTF-8, except perhaps for one character cut off by the end of the sniffed chunk.
fn looks_like_utf8(head: &[u8], at_end: bool) -> bool {
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(error) => !at_end && error.error_len().is_none(),
    }
}

fn check_shift_jis_head(head: &[u8], at_end: bool) -> Result<(), ImportError> {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    let mut out = vec![0; head.len() * 2 + 16];
    let (result, read, _) = decoder.decode_to_utf8_without_replacement(head, &mut out, at_end);
    match result {
        DecoderResult::Malformed(bad, _) => Err(neither_utf8_nor_shift_jis(line_at(
            head,
            read.saturating_sub(usize::from(bad)),
        ))),
        DecoderResult::InputEmpty | DecoderResult::OutputFull => Ok(()),
    }
}

fn refuse_utf16(bytes: &[u8]) -> Result<(), ImportError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ImportError::Encoding(format!(
            "ファイルが UTF-16（Unicode テキスト）で保存されています（1行目の先頭に UTF-16 の印があります）。{RESAVE_HINT}"
        )));
    }
    Ok(())
}

fn neither_utf8_nor_shift_jis(line: u64) -> ImportError {
    ImportError::Encoding(format!(
        "ファイルの文字コードが UTF-8 でも Shift_JIS でもありません（{line}行目に読めない文字があります）。{RESAVE_HINT}"
    ))
}

/// 1-based line of the byte at `offset`. In Shift_JIS, byte 0x0A is always a line feed.
fn line_at(bytes: &[u8], offset: usize) -> u64 {
    let before = &bytes[..offset.min(bytes.len())];
    before.iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

const INPUT_CHUNK: usize = 16 * 1024;
const OUTPUT_CHUNK: usize = 32 * 1024;

/// Decodes `inner` with `decoder` as it is read, yielding UTF-8.
struct DecodingReader<R> {
    inner: R,
    decoder: Decoder,
    input: Vec<u8>,
    input_pos: usize,
    output: Vec<u8>,
    output_pos: usize,
    eof: bool,
    finished: bool,
}

impl<R: Read> DecodingReader<R> {
    fn new(inner: R, decoder: Decoder) -> Self {
        Self {
            inner,
            decoder,
            input: Vec::with_capacity(INPUT_CHUNK),
            input_pos: 0,
            output: Vec::with_capacity(OUTPUT_CHUNK),
            output_pos: 0,
            eof: false,
            finished: false,
        }
    }

    /// Decodes the next piece into `output`, reading from `inner` when needed.
    fn fill_output(&mut self) -> io::Result<()> {
        if self.input_pos == self.input.len() && !self.eof {
            self.input.resize(INPUT_CHUNK, 0);
            let n = loop {
                match self.inner.read(&mut self.input) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e),
                }
            };
            self.input.truncate(n);
            self.input_pos = 0;
            self.eof = n == 0;
        }
        self.output.resize(OUTPUT_CHUNK, 0);
        let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
            &self.input[self.input_pos..],
            &mut self.output,
            self.eof,
        );
        self.input_pos += read;
        self.output.truncate(written);
        self.output_pos = 0;
        match result {
            DecoderResult::Malformed(..) => {
                self.finished = true;
                Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "Shift_JIS として読めない文字があります",
                ))
            }
            DecoderResult::InputEmpty => {
                self.finished = self.eof;
                Ok(())
            }
            DecoderResult::OutputFull => Ok(()),
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let pending = &self.output[self.output_pos..];
            if !pending.is_empty() || buf.is_empty() {
                let n = pending.len().min(buf.len());
                buf[..n].copy_from_slice(&pending[..n]);
                self.output_pos += n;
                return Ok(n);
            }
            if self.finished {
                return Ok(0);
            }
            self.fill_output()?;
        }
    }
}
