//! The postcard data file the union's printer takes.

use super::Postcard;

/// postcards.csv (SPEC §6.3): UTF-8 with BOM so that Excel opens it.
pub fn postcards_csv(cards: &[Postcard]) -> anyhow::Result<Vec<u8>> {
    use crate::domain::csv_cell::neutralise;
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record([
            "記号",
            "番号",
            "氏名",
            "郵便番号",
            "住所",
            "仮ユーザID",
            "仮パスワード",
            "有効期限",
        ])?;
        for c in cards {
            let expiry = crate::clock::today_jst(c.expires_at)
                .format("%Y%m%d")
                .to_string();
            w.write_record([
                c.household.symbol.as_str(),
                c.household.number.as_str(),
                &neutralise(&c.name),
                c.postal_code.as_str(),
                &neutralise(&c.address),
                c.temporary_id.as_str(),
                c.temporary_password.as_str(),
                expiry.as_str(),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}
