//! The demo's fictional members: 300 households of made-up names, addresses and dates.

use chrono::{Datelike as _, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

use crate::domain::member::{HouseholdKey, Person, Relationship, Sex};

const SURNAMES: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
];
const MEN: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("健一", "ケンイチ"),
    ("大輔", "ダイスケ"),
    ("翔", "ショウ"),
    ("誠", "マコト"),
    ("拓也", "タクヤ"),
];
const WOMEN: &[(&str, &str)] = &[
    ("花子", "ハナコ"),
    ("美咲", "ミサキ"),
    ("陽子", "ヨウコ"),
    ("さくら", "サクラ"),
    ("由美", "ユミ"),
    ("恵", "メグミ"),
];
const TOWNS: &[(&str, &str)] = &[
    ("1000001", "東京都千代田区千代田1-1"),
    ("5300001", "大阪府大阪市北区梅田1-2-3"),
    ("4600001", "愛知県名古屋市中区三の丸2-3-4"),
    ("8120011", "福岡県福岡市博多区博多駅前3-4-5"),
    ("0600001", "北海道札幌市中央区北一条西4-5-6"),
];

fn pick<'a>(rng: &mut StdRng, list: &'a [(&'a str, &'a str)]) -> (&'a str, &'a str) {
    list[rng.random_range(0..list.len())]
}

fn date(rng: &mut StdRng, from_year: i32, to_year: i32) -> NaiveDate {
    let year = rng.random_range(from_year..=to_year);
    let day = rng.random_range(1..=365);
    NaiveDate::from_yo_opt(year, day).unwrap_or_default()
}

/// A fictional union: households of an insured person, often a spouse, sometimes children.
pub fn synthetic_members(households: u32) -> Vec<Person> {
    let mut rng = StdRng::seed_from_u64(2026);
    let mut people = Vec::new();
    for n in 1..=households {
        let household = HouseholdKey {
            symbol: format!("{}", 100 + n / 100),
            number: format!("{n}"),
        };
        let (surname, surname_kana) = pick(&mut rng, SURNAMES);
        let male = rng.random_bool(0.6);
        let (given, given_kana) = pick(&mut rng, if male { MEN } else { WOMEN });
        let birth = date(&mut rng, 1960, 2000);
        let (postal, address) = pick(&mut rng, TOWNS);
        let acquired = NaiveDate::from_ymd_opt(birth.year() + 22, 4, 1).unwrap_or(birth);
        let person = |branch: &str,
                      given: &str,
                      kana: &str,
                      birth: NaiveDate,
                      sex: Sex,
                      rel: Relationship| Person {
            household: household.clone(),
            branch: branch.to_string(),
            name: format!("{surname}\u{3000}{given}"),
            kana: format!("{surname_kana}\u{3000}{kana}"),
            birth_date: birth,
            sex,
            relationship: rel,
            acquired: if rel == Relationship::Insured {
                acquired
            } else {
                acquired.max(birth)
            },
            lost: None,
            postal_code: (rel == Relationship::Insured).then(|| postal.to_string()),
            address: (rel == Relationship::Insured).then(|| format!("{address}-{n}")),
            hidden_from_household: false,
        };
        people.push(person(
            "00",
            given,
            given_kana,
            birth,
            if male { Sex::Male } else { Sex::Female },
            Relationship::Insured,
        ));
        if rng.random_bool(0.7) {
            let (g, k) = pick(&mut rng, if male { WOMEN } else { MEN });
            let sex = if male { Sex::Female } else { Sex::Male };
            people.push(person(
                "01",
                g,
                k,
                date(&mut rng, birth.year() - 3, birth.year() + 3),
                sex,
                Relationship::Spouse,
            ));
        }
        for c in 0..rng.random_range(0..3) {
            let girl = rng.random_bool(0.5);
            let (g, k) = pick(&mut rng, if girl { WOMEN } else { MEN });
            let born = date(
                &mut rng,
                (birth.year() + 25).min(2024),
                (birth.year() + 40).min(2025),
            );
            let sex = if girl { Sex::Female } else { Sex::Male };
            people.push(person(
                &format!("{:02}", c + 2),
                g,
                k,
                born,
                sex,
                Relationship::Child,
            ));
        }
    }
    people
}
