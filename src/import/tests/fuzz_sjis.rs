//! Shift_JIS (CP932) edge cases for both readers: the samples with bytes edited where a
//! two-byte character can be cut, and files of random CP932 text (0x5C as a second byte,
//! NEC and IBM extensions, half-width katakana) that must read back exactly, also where a
//! character straddles the 64 KiB the claim reader looks at to choose the encoding.

use encoding_rs::SHIFT_JIS;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::fuzz::{hostile_byte, line_count, names_lines};
use super::{CLAIMS_SJIS, MEMBERS_SJIS};
use crate::fuzzing::{config, ensure, run};
use crate::import::encoding::SNIFF_LEN;
use crate::import::{read_claims, read_members_bytes};

const CLAIMS_HEADER: &str =
    "レセプト番号,記号,番号,枝番,診療年月,区分,医療機関等名称,日数,医療費総額,自己負担額,給付金";

/// Characters whose CP932 bytes are the tricky ones: 0x5C second bytes (ソ 表 能 十 予 申),
/// NEC row 13 (① Ⅰ ㈱), IBM extensions (髙 﨑 德), half-width katakana, the wave dash and
/// minus that CP932 maps differently from JIS, and plain text.
/// (Characters CP932 lacks are left out when the cases are drawn.)
const TRICKY: &str = "ソ表能十予申ー①⑳ⅠⅩ㈱㍉髙﨑德ｱｲｳｴｵﾞﾟ～－∥￢あいう漢字病院薬局AZaz09";

/// The edits of one case: (position, what to do, byte).
type Edits = Vec<(usize, u8, u8)>;

fn edited(sample: &[u8], edits: &Edits) -> Vec<u8> {
    let mut bytes = sample.to_vec();
    for &(at, op, byte) in edits {
        let at = at % (bytes.len() + 1);
        match op % 3 {
            0 if at < bytes.len() => bytes[at] = byte,
            1 => bytes.insert(at, byte),
            _ if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => bytes.push(byte),
        }
    }
    bytes
}

fn edits() -> impl Strategy<Value = Edits> {
    prop::collection::vec(
        (
            any::<usize>(),
            any::<u8>(),
            any::<u8>().prop_map(hostile_byte),
        ),
        1..5,
    )
}

fn sjis(text: &str) -> Result<Vec<u8>, TestCaseError> {
    let (bytes, _, unmappable) = SHIFT_JIS.encode(text);
    ensure(!unmappable, || format!("not CP932: {text}"))?;
    Ok(bytes.into_owned())
}

fn provider() -> impl Strategy<Value = String> {
    let chars: Vec<char> = TRICKY
        .chars()
        .filter(|c| !SHIFT_JIS.encode(&c.to_string()).2)
        .collect();
    prop::collection::vec(prop::sample::select(chars), 1..12).prop_map(String::from_iter)
}

#[test]
fn shift_jis_members_file_with_bytes_edited() {
    run(
        "members_sjis_edits",
        config(file!(), 1.0),
        edits(),
        |edits| {
            let bytes = edited(MEMBERS_SJIS, &edits);
            match read_members_bytes(&bytes) {
                Ok(_) => Ok(()),
                Err(e) => names_lines(&e, line_count(&bytes)),
            }
        },
    );
}

#[test]
fn shift_jis_claims_file_with_bytes_edited() {
    run(
        "claims_sjis_edits",
        config(file!(), 1.0),
        edits(),
        |edits| {
            let bytes = edited(CLAIMS_SJIS, &edits);
            match read_claims(std::io::Cursor::new(bytes.clone())) {
                Ok(_) => Ok(()),
                Err(e) => names_lines(&e, line_count(&bytes)),
            }
        },
    );
}

fn claims_text(providers: &[String], padding: usize) -> String {
    let mut text = format!("{CLAIMS_HEADER}\r\n");
    for (i, provider) in providers.iter().enumerate() {
        // The first row carries the padding that moves the later characters over the
        // sniffing boundary.
        let pad = if i == 0 {
            "P".repeat(padding)
        } else {
            String::new()
        };
        text.push_str(&format!(
            "R{i:08},1201,105,00,202503,外来,{pad}{provider},1,1000,300,0\r\n"
        ));
    }
    text
}

#[test]
fn shift_jis_claims_read_back_exactly() {
    let strategy = prop::collection::vec(provider(), 1..20);
    run(
        "claims_sjis_round_trip",
        config(file!(), 1.0),
        strategy,
        |providers| {
            let bytes = sjis(&claims_text(&providers, 0))?;
            let claims = read_claims(std::io::Cursor::new(bytes))
                .map_err(|e| TestCaseError::fail(format!("refused: {e}")))?;
            let read: Vec<&str> = claims.iter().map(|c| c.provider.as_str()).collect();
            ensure(read == providers, || format!("read {read:?}"))
        },
    );
}

#[test]
fn shift_jis_characters_across_the_sniffing_boundary_read_back() {
    // The padding puts the first provider's characters at every offset around 64 KiB.
    let strategy = (0usize..16, prop::collection::vec(provider(), 1..4));
    run(
        "claims_sjis_boundary",
        config(file!(), 0.05),
        strategy,
        |(shift, providers)| {
            let prefix = sjis(&claims_text(&[], 0))?.len() + "R00000000,1201,105,00,202503,".len();
            let kind = sjis("外来,")?.len();
            let padding = SNIFF_LEN.saturating_sub(prefix + kind + shift);
            let bytes = sjis(&claims_text(&providers, padding))?;
            let claims = read_claims(std::io::Cursor::new(bytes))
                .map_err(|e| TestCaseError::fail(format!("refused: {e}")))?;
            let first = providers[0].clone();
            let expected: Vec<String> = std::iter::once(format!("{}{first}", "P".repeat(padding)))
                .chain(providers[1..].iter().cloned())
                .collect();
            let read: Vec<String> = claims.into_iter().map(|c| c.provider).collect();
            ensure(read == expected, || {
                "a character across the boundary changed".into()
            })
        },
    );
}

#[test]
fn shift_jis_members_read_back_exactly() {
    let strategy = provider();
    run(
        "members_sjis_round_trip",
        config(file!(), 1.0),
        strategy,
        |name| {
            let text = format!(
                "記号,番号,枝番,氏名,氏名カナ,生年月日,性別,続柄,資格取得日,資格喪失日,郵便番号,住所\r\n\
             1201,105,00,{name},ヤマダ,19760418,1,本人,19990401,,1130033,{name}\r\n"
            );
            let people = read_members_bytes(&sjis(&text)?)
                .map_err(|e| TestCaseError::fail(format!("refused: {e}")))?;
            ensure(
                people.len() == 1
                    && people[0].name == name
                    && people[0].address.as_deref() == Some(name.as_str()),
                || format!("read {:?}", people.first().map(|p| &p.name)),
            )
        },
    );
}
