use std::io::Read;

use super::{CLAIMS_SJIS, CLAIMS_UTF8, MEMBERS_SJIS, MEMBERS_UTF8};
use crate::import::encoding::SNIFF_LEN;
use crate::import::{ImportError, decode, open_reader};

fn read_all(reader: &mut dyn Read) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    reader.read_to_end(&mut out)?;
    Ok(out)
}

/// Hands out one byte per read, the worst case for a decoder's buffering.
struct OneByteAtATime(std::io::Cursor<Vec<u8>>);

impl Read for OneByteAtATime {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(1);
        self.0.read(&mut buf[..n])
    }
}

#[test]
fn utf8_bom_is_removed() {
    let text = decode(MEMBERS_UTF8).unwrap();
    assert!(text.starts_with("記号,番号"));
    assert!(text.contains("\r\n"));
}

#[test]
fn shift_jis_twin_decodes_to_the_same_text_but_for_yoshi() {
    let utf8 = decode(MEMBERS_UTF8).unwrap().replace('𠮷', "吉");
    assert_eq!(decode(MEMBERS_SJIS).unwrap(), utf8);
    assert_eq!(decode(CLAIMS_SJIS).unwrap(), decode(CLAIMS_UTF8).unwrap());
}

#[test]
fn cp932_extension_character_survives() {
    assert!(decode(MEMBERS_SJIS).unwrap().contains("髙橋　吉子"));
}

#[test]
fn neither_utf8_nor_shift_jis_is_refused_with_its_line() {
    let bytes = b"\x8b\x4c\x8d\x86\r\nabc\r\n\xff\xfd\r\n";
    match decode(bytes) {
        Err(ImportError::Encoding(message)) => {
            assert!(
                message.contains("UTF-8 でも Shift_JIS でもありません"),
                "{message}"
            );
            assert!(message.contains("3行目"), "{message}");
        }
        other => panic!("expected an encoding error, got {other:?}"),
    }
    assert!(matches!(
        open_reader(std::io::Cursor::new(bytes.to_vec())),
        Err(ImportError::Encoding(_))
    ));
}

#[test]
fn utf16_is_refused_with_a_hint() {
    let bytes = b"\xff\xfe\x18\x8a\xf7\x53";
    assert!(matches!(decode(bytes), Err(ImportError::Encoding(m)) if m.contains("UTF-16")));
}

#[test]
fn bom_with_invalid_utf8_is_refused() {
    assert!(
        matches!(decode(b"\xef\xbb\xbfab\r\n\x82\xa0"), Err(ImportError::Encoding(m)) if m.contains("2行目"))
    );
}

#[test]
fn streaming_keeps_a_utf8_character_cut_by_the_sniff_boundary() {
    for bom in [&b""[..], &b"\xef\xbb\xbf"[..]] {
        for shift in 1..3 {
            let mut text = "a".repeat(SNIFF_LEN - bom.len() - shift);
            text.push_str("あいう𠮷\r\nend");
            let mut bytes = bom.to_vec();
            bytes.extend_from_slice(text.as_bytes());
            let mut reader = open_reader(std::io::Cursor::new(bytes)).unwrap();
            assert_eq!(read_all(&mut reader).unwrap(), text.as_bytes());
        }
    }
}

#[test]
fn streaming_shift_jis_equals_one_shot_decoding_across_boundaries() {
    for pad in 0..3 {
        let mut text = "x".repeat(pad);
        while text.len() < 3 * SNIFF_LEN {
            text.push_str("髙橋　吉子,ﾊﾝｶｸｶﾅ,大阪府大阪市\r\n");
        }
        let (sjis, _, had_errors) = encoding_rs::SHIFT_JIS.encode(&text);
        assert!(!had_errors);
        let mut reader = open_reader(std::io::Cursor::new(sjis.to_vec())).unwrap();
        assert_eq!(read_all(&mut reader).unwrap(), text.as_bytes());
    }
}

#[test]
fn streaming_shift_jis_survives_one_byte_reads() {
    let reader = OneByteAtATime(std::io::Cursor::new(MEMBERS_SJIS.to_vec()));
    let mut reader = open_reader(reader).unwrap();
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    while reader.read(&mut byte).unwrap() == 1 {
        out.push(byte[0]);
    }
    assert_eq!(
        String::from_utf8(out).unwrap(),
        decode(MEMBERS_SJIS).unwrap()
    );
}

#[test]
fn streaming_shift_jis_reports_bad_bytes_past_the_sniffed_part() {
    let mut bytes = b"\x8b\x4c\x8d\x86\r\n".to_vec();
    bytes.resize(SNIFF_LEN * 2, b'a');
    bytes.extend_from_slice(b"\xff\xff");
    let mut reader = open_reader(std::io::Cursor::new(bytes)).unwrap();
    let error = read_all(&mut reader).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
}

#[test]
fn shift_jis_lead_byte_at_end_of_file_is_an_error() {
    let short = b"\x8b\x4c\x8d".to_vec();
    assert!(matches!(decode(&short), Err(ImportError::Encoding(_))));
    assert!(matches!(
        open_reader(std::io::Cursor::new(short)),
        Err(ImportError::Encoding(_))
    ));

    let mut long = b"\x8b\x4c\x8d\x86\r\n".to_vec();
    long.resize(SNIFF_LEN * 2, b'a');
    long.push(0x8d);
    let mut reader = open_reader(std::io::Cursor::new(long)).unwrap();
    assert!(read_all(&mut reader).is_err());
}
