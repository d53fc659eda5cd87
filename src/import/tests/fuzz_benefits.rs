//! Hostile benefits files (SPEC §6.4), as `fuzz` and `fuzz_sjis` do for the other readers:
//! arbitrary bytes, the sample with one cell replaced, its Shift_JIS twin with bytes edited,
//! and the union's own 給付種別 of tricky CP932 characters read back exactly. Whatever comes
//! in, the reader returns; a refusal names lines of the file, and only the changed one.

use encoding_rs::SHIFT_JIS;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::fuzz::{
    CORPUS, cell, header_of, hostile_byte, hostile_file, line_count, mutate, names_lines,
};
use super::{BENEFITS_SJIS, BENEFITS_UTF8};
use crate::domain::benefit::{BenefitKinds, CustomBenefitKind, OffsetClass};
use crate::fuzzing::{config, ensure, run};
use crate::import::{ImportError, read_benefits};

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    match read_benefits(
        std::io::Cursor::new(bytes.to_vec()),
        &BenefitKinds::default(),
    ) {
        Ok(_) => Ok(()),
        Err(e) => names_lines(&e, line_count(bytes)),
    }
}

#[test]
fn corpus_of_inputs_that_once_failed_other_readers() {
    for bytes in CORPUS {
        check(bytes).unwrap_or_else(|e| panic!("benefits {bytes:?}: {e}"));
    }
}

#[test]
fn benefits_file_of_arbitrary_bytes() {
    let strategy = hostile_file(header_of(BENEFITS_UTF8));
    run("benefits_bytes", config(file!(), 1.0), strategy, |bytes| {
        check(&bytes)
    });
}

#[test]
fn benefits_file_with_one_cell_changed() {
    let strategy = (any::<usize>(), any::<usize>(), cell());
    run(
        "benefits_cell",
        config(file!(), 1.0),
        strategy,
        |(row, column, text)| {
            let (bytes, line, structural) = mutate(BENEFITS_UTF8, row, column, &text);
            let read = read_benefits(
                std::io::Cursor::new(bytes.clone()),
                &BenefitKinds::default(),
            );
            match read {
                Ok(_) => Ok(()),
                Err(e) => {
                    names_lines(&e, line_count(&bytes))?;
                    if structural {
                        return Ok(());
                    }
                    // Decisions are read row by row: the changed line, and only it.
                    let ImportError::Lines(errors) = &e else {
                        return Err(TestCaseError::fail(format!("not a line error: {e}")));
                    };
                    ensure(errors.iter().all(|e| e.line == line), || {
                        format!("line {line} changed, errors: {e}")
                    })
                }
            }
        },
    );
}

#[test]
fn shift_jis_benefits_file_with_bytes_edited() {
    let strategy = prop::collection::vec(
        (
            any::<usize>(),
            any::<bool>(),
            any::<u8>().prop_map(hostile_byte),
        ),
        1..5,
    );
    run(
        "benefits_sjis_edits",
        config(file!(), 1.0),
        strategy,
        |edits| {
            let mut bytes = BENEFITS_SJIS.to_vec();
            for (at, insert, byte) in edits {
                let at = at % (bytes.len() + 1);
                match bytes.get_mut(at) {
                    Some(b) if !insert => *b = byte,
                    _ => bytes.insert(at, byte),
                }
            }
            check(&bytes)
        },
    );
}

/// Characters whose CP932 bytes are the tricky ones (0x5C second bytes, NEC and IBM
/// extensions, half-width katakana), as in `fuzz_sjis`.
const TRICKY: &str = "ソ表能十予申ー①⑳ⅠⅩ㈱㍉髙﨑德ｱｲｳｴｵﾞﾟ～－∥￢あいう漢字補助金";

fn kind_name() -> impl Strategy<Value = String> {
    let chars: Vec<char> = TRICKY
        .chars()
        .filter(|c| !SHIFT_JIS.encode(&c.to_string()).2)
        .collect();
    prop::collection::vec(prop::sample::select(chars), 1..12).prop_map(String::from_iter)
}

#[test]
fn the_unions_own_kinds_in_shift_jis_read_back_exactly() {
    run(
        "benefits_sjis_round_trip",
        config(file!(), 1.0),
        kind_name(),
        |name| {
            let kinds = BenefitKinds::new(&[CustomBenefitKind {
                name: name.clone(),
                class: OffsetClass::Receipt,
                explanation: String::new(),
            }]);
            let text = format!(
                "決定番号,記号,番号,枝番,給付種別,対象開始年月,対象終了年月,決定日,支給額,支払予定日\r\n\
                 K-1,1201,105,00,{name},202503,202503,20250610,2000,20250731\r\n"
            );
            let (bytes, _, unmappable) = SHIFT_JIS.encode(&text);
            ensure(!unmappable, || format!("not CP932: {name}"))?;
            let read = read_benefits(std::io::Cursor::new(bytes.into_owned()), &kinds)
                .map_err(|e| TestCaseError::fail(format!("refused: {e}")))?;
            ensure(read.len() == 1 && read[0].kind == name, || {
                format!("read {:?}", read.first().map(|d| &d.kind))
            })
        },
    );
}
