//! SPEC §6.5: members, claims and benefit decisions exported in the import layouts, so that importing an
//! export changes nothing (a round trip).

use crate::benefits::BenefitRecord;
use crate::claims::ClaimRecord;
use crate::domain::csv_cell::neutralise;
use crate::domain::member::Person;
use crate::import::{benefits, claims, members};
use crate::store::Reader;

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn writer(out: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// An export: the file and how many rows (people or claims) it holds, for the audit log.
pub struct Export {
    pub bytes: Vec<u8>,
    pub rows: usize,
}

/// members.csv (§6.1), UTF-8 with BOM, people in 記号・番号・枝番 order.
pub fn members_csv(r: &Reader) -> anyhow::Result<Export> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    let mut rows = 0;
    {
        let mut w = writer(&mut out);
        w.write_record(members::COLUMNS)?;
        for (_, p) in r.scan::<Person>("")? {
            w.write_record([
                p.household.symbol.as_str(),
                p.household.number.as_str(),
                p.branch.as_str(),
                &neutralise(&p.name),
                &neutralise(&p.kana),
                &date(p.birth_date),
                p.sex.code(),
                p.relationship.label(),
                &date(p.acquired),
                &p.lost.map(date).unwrap_or_default(),
                p.postal_code.as_deref().unwrap_or(""),
                &neutralise(p.address.as_deref().unwrap_or("")),
            ])?;
            rows += 1;
        }
        w.flush()?;
    }
    Ok(Export { bytes: out, rows })
}

/// claims.csv (§6.2), UTF-8 with BOM, every claim published or not, by household and month.
pub fn claims_csv(r: &Reader) -> anyhow::Result<Export> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    let mut rows = 0;
    {
        let mut w = writer(&mut out);
        w.write_record(claims::COLUMNS)?;
        for (_, ClaimRecord { claim: c, .. }) in r.scan::<ClaimRecord>("")? {
            w.write_record([
                c.receipt_number.as_str(),
                c.household.symbol.as_str(),
                c.household.number.as_str(),
                c.branch.as_str(),
                &format!("{:06}", c.month.as_u32()),
                c.kind.label(),
                &neutralise(&c.provider),
                &c.days.to_string(),
                &c.total_cost.to_string(),
                &c.self_pay.to_string(),
                &c.benefit.to_string(),
            ])?;
            rows += 1;
        }
        w.flush()?;
    }
    Ok(Export { bytes: out, rows })
}

/// benefits.csv (§6.4), UTF-8 with BOM, every decision published or not, by household and
/// 決定日.
pub fn benefits_csv(r: &Reader) -> anyhow::Result<Export> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    let mut rows = 0;
    {
        let mut w = writer(&mut out);
        w.write_record(benefits::COLUMNS)?;
        for (_, BenefitRecord { decision: d, .. }) in r.scan::<BenefitRecord>("")? {
            w.write_record([
                d.number.as_str(),
                d.household.symbol.as_str(),
                d.household.number.as_str(),
                d.branch.as_str(),
                &neutralise(&d.kind),
                &format!("{:06}", d.from.as_u32()),
                &format!("{:06}", d.to.as_u32()),
                &date(d.decided_on),
                &d.amount.to_string(),
                &date(d.pay_on),
            ])?;
            rows += 1;
        }
        w.flush()?;
    }
    Ok(Export { bytes: out, rows })
}
