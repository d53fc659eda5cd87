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
/// Given names per list: six, as many as the demo drew from before names had generations,
/// so that the same random draws make the same households, dates and claims.
const NAMES: usize = 6;
/// Given names by generation (born before 1975, 1975–1994, from 1995), each list long
/// enough that a household never needs one name twice.
const MEN: [[(&str, &str); NAMES]; 3] = [
    [
        ("誠", "マコト"),
        ("浩", "ヒロシ"),
        ("健一", "ケンイチ"),
        ("茂", "シゲル"),
        ("隆", "タカシ"),
        ("博之", "ヒロユキ"),
    ],
    [
        ("大輔", "ダイスケ"),
        ("拓也", "タクヤ"),
        ("健太", "ケンタ"),
        ("翔太", "ショウタ"),
        ("達也", "タツヤ"),
        ("直樹", "ナオキ"),
    ],
    [
        ("蓮", "レン"),
        ("陽翔", "ハルト"),
        ("湊", "ミナト"),
        ("悠真", "ユウマ"),
        ("大和", "ヤマト"),
        ("颯太", "ソウタ"),
    ],
];
const WOMEN: [[(&str, &str); NAMES]; 3] = [
    [
        ("陽子", "ヨウコ"),
        ("恵子", "ケイコ"),
        ("由美", "ユミ"),
        ("京子", "キョウコ"),
        ("直美", "ナオミ"),
        ("久美子", "クミコ"),
    ],
    [
        ("美咲", "ミサキ"),
        ("愛", "アイ"),
        ("彩", "アヤ"),
        ("麻衣", "マイ"),
        ("恵", "メグミ"),
        ("優子", "ユウコ"),
    ],
    [
        ("さくら", "サクラ"),
        ("陽葵", "ヒマリ"),
        ("結衣", "ユイ"),
        ("芽依", "メイ"),
        ("葵", "アオイ"),
        ("結菜", "ユイナ"),
    ],
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

/// The given names usual for a person of `sex` born in `year`.
pub fn given_names(sex: Sex, year: i32) -> &'static [(&'static str, &'static str)] {
    let generation = match year {
        ..1975 => 0,
        1975..1995 => 1,
        _ => 2,
    };
    match sex {
        Sex::Female => &WOMEN[generation],
        _ => &MEN[generation],
    }
}

/// The given name drawn as `draw` (in `0..NAMES`) for a person of the generation of
/// `birth`, or the next one that nobody in the household has yet.
fn given_name(
    draw: usize,
    sex: Sex,
    birth: NaiveDate,
    taken: &mut Vec<&'static str>,
) -> (&'static str, &'static str) {
    let list = given_names(sex, birth.year());
    let free = (0..list.len())
        .map(|i| list[(draw + i) % list.len()])
        .find(|(name, _)| !taken.contains(name))
        .unwrap_or(list[draw % list.len()]);
    taken.push(free.0);
    free
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
        let own_sex = if male { Sex::Male } else { Sex::Female };
        let draw = rng.random_range(0..NAMES);
        let birth = date(&mut rng, 1960, 2000);
        let mut taken = Vec::new();
        let (given, given_kana) = given_name(draw, own_sex, birth, &mut taken);
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
            own_sex,
            Relationship::Insured,
        ));
        if rng.random_bool(0.7) {
            let sex = if male { Sex::Female } else { Sex::Male };
            let draw = rng.random_range(0..NAMES);
            let born = date(&mut rng, birth.year() - 3, birth.year() + 3);
            let (g, k) = given_name(draw, sex, born, &mut taken);
            people.push(person("01", g, k, born, sex, Relationship::Spouse));
        }
        for c in 0..rng.random_range(0..3) {
            let girl = rng.random_bool(0.5);
            let draw = rng.random_range(0..NAMES);
            let born = date(
                &mut rng,
                (birth.year() + 25).min(2024),
                (birth.year() + 40).min(2025),
            );
            let sex = if girl { Sex::Female } else { Sex::Male };
            let (g, k) = given_name(draw, sex, born, &mut taken);
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
