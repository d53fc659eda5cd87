//! `kenpo demo`: the whole product on a fictional union, with embedded defaults.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Datelike as _, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

use crate::auth::credentials;
use crate::auth::model::{HouseholdState, StaffRole};
use crate::auth::registration::household_key;
use crate::cli::ServeArgs;
use crate::clock::{Clock, SystemClock};
use crate::domain::member::{HouseholdKey, Person, Relationship, Sex};
use crate::jobs::{self, JobError};
use crate::store::Store;

pub const UNION_NAME: &str = "さくら見本健康保険組合";
/// Fictional; its check digit is right (0·6·1·3·8·8·0 → 4).
pub const INSURER_NUMBER: &str = "06138804";
pub const STAFF_LOGIN: &str = "admin";
pub const HOUSEHOLDS: u32 = 300;

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

/// A fresh staff password (16 characters that cannot be mistaken for one another): a
/// published fixed one would open every demo left running on a reachable address.
fn staff_password() -> String {
    use crate::auth::tokens::TEMP_PASSWORD_ALPHABET as ALPHABET;
    let mut rng = rand::rng();
    (0..16)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// What the demo prints: postcards of three households, whether the file is new, and the
/// staff password.
struct Prepared {
    cards: Vec<(credentials::Postcard, NaiveDate)>,
    fresh: bool,
    staff_password: String,
}

fn prepare(data: &std::path::Path) -> Result<Prepared, JobError> {
    let store = Store::open(data).map_err(|e| JobError::User(e.to_string()))?;
    let now = SystemClock.now();
    let settings = store.read_blocking(|r| r.get::<crate::settings::UnionSettings>("union"))?;
    let fresh = !settings.as_ref().is_some_and(|s| s.is_initialised());
    if let Some(s) = settings.filter(|s| s.is_initialised() && s.union_name != UNION_NAME) {
        return Err(JobError::User(format!(
            "{} is not a demo data file (its union is {}): kenpo demo resets the staff password of its own fictional union only; choose another --data",
            data.display(),
            s.union_name
        )));
    }
    if fresh {
        jobs::init_union(&store, UNION_NAME, INSURER_NUMBER, None, now)?;
        allow_staff_without_totp(&store)?;
        let people = synthetic_members(HOUSEHOLDS);
        jobs::import_members(&store, people.clone(), now, "demo", &mut |_, _| {})?;
        let started = std::time::Instant::now();
        let claims = crate::claims::demo::generate(&store, &people, now)?;
        println!(
            "demo: {claims} claims within the last {} months, published monthly, written in {:.1} s",
            crate::claims::demo::MONTHS,
            started.elapsed().as_secs_f64()
        );
    }
    // A new staff password at every start, printed: the one printed last time is not
    // stored anywhere (only its hash is).
    let staff_password = staff_password();
    let hash = crate::auth::hash::hash_blocking(&staff_password)?;
    store
        .write_blocking(|w| crate::auth::staff::put(w, STAFF_LOGIN, hash, StaffRole::Admin, now))?;
    // Three unregistered households get fresh postcards at every start (plain passwords are
    // never stored, so they cannot be shown again).
    let chosen: Vec<(HouseholdKey, NaiveDate)> = store.read_blocking(|r| {
        let mut out = Vec::new();
        for (_, p) in r.scan::<Person>("")? {
            if out.len() == 3 {
                break;
            }
            let registered = r
                .get::<HouseholdState>(&household_key(&p.household))?
                .and_then(|s| s.account)
                .is_some();
            if p.is_insured() && !registered {
                out.push((p.household.clone(), p.birth_date));
            }
        }
        Ok::<_, anyhow::Error>(out)
    })?;
    let keys: Vec<HouseholdKey> = chosen.iter().map(|(k, _)| k.clone()).collect();
    let cards = credentials::issue(&store, &keys, now, "demo", &mut |_, _| {})
        .map_err(|e| JobError::User(e.to_string()))?;
    let cards = cards
        .into_iter()
        .zip(chosen.into_iter().map(|(_, b)| b))
        .collect();
    Ok(Prepared {
        cards,
        fresh,
        staff_password,
    })
}

/// A newcomer tries every staff screen at once, without an authenticator app: a new demo
/// union does not require staff MFA (a real one does, by default). The setting is shown,
/// and can be switched on, under 組合の設定.
fn allow_staff_without_totp(store: &Store) -> anyhow::Result<()> {
    store.write_blocking(|w| {
        let mut settings = w
            .get::<crate::settings::UnionSettings>("union")?
            .unwrap_or_default();
        settings.staff_totp_required = false;
        w.put("union", &settings)
    })
}

async fn staff_mfa_line(store: &Store) -> &'static str {
    let settings = store
        .read(|r| r.get::<crate::settings::UnionSettings>("union"))
        .await;
    if settings
        .ok()
        .flatten()
        .is_none_or(|s| s.staff_totp_required)
    {
        "required (組合の設定): the first staff login asks for TOTP enrolment"
    } else {
        "not required in the demo (組合の設定; a real union requires it by default)"
    }
}

pub async fn run(data: PathBuf, args: ServeArgs) -> Result<(), JobError> {
    let path = data.clone();
    let Prepared {
        cards,
        fresh,
        staff_password,
    } = tokio::task::spawn_blocking(move || prepare(&path))
        .await
        .map_err(|e| JobError::Unexpected(e.into()))??;
    let opts = crate::cli::serve_options(data.clone(), &args, Arc::new(SystemClock))?;
    let running = crate::server::start(opts)
        .await
        .map_err(crate::cli::open_error_message)?;
    let url = args
        .base_url
        .clone()
        .unwrap_or_else(|| format!("http://{}", running.addr));
    println!();
    println!("kenpo demo — {UNION_NAME}（架空の組合）");
    println!(
        "  data file : {}{}",
        data.display(),
        if fresh { " (new)" } else { " (reused)" }
    );
    println!("  open      : {url}/");
    println!("  staff     : {url}/staff/login  login {STAFF_LOGIN} / password {staff_password}");
    println!("              (a new staff password at every start of the demo)");
    println!("  保険者番号 : {INSURER_NUMBER}");
    println!("  postcards (仮ID / 仮パスワード / 被保険者の生年月日):");
    for (card, birth) in &cards {
        println!(
            "    {}  {} / {} / {}  ({})",
            card.household,
            card.temporary_id,
            card.temporary_password,
            birth.format("%Y%m%d"),
            card.name
        );
    }
    println!(
        "  mail      : {}",
        if args.smtp.is_some() {
            "sent through --smtp"
        } else {
            "kept in the outbox (no --smtp)"
        }
    );
    println!(
        "  staff MFA : {}",
        staff_mfa_line(&running.state.store).await
    );
    println!("Press Ctrl-C to stop.");
    crate::server::termination().await;
    running.stop().await.map_err(JobError::Unexpected)
}
