//! Issue #17: printed postcards keep the temporary password sealed. A clerk chooses the
//! layout on the はがき発行 screen; real headless Chromium prints the print view to PDF
//! with the page size of its CSS `@page` (as the print dialog does) for two households,
//! and poppler's `pdfinfo` and `pdftotext` read the pages back: the size and count of the
//! pages, and where the password is — on the inside of the 圧着はがき, below the first
//! fold of the window-envelope letter, never on a face the post can read.

use std::time::Duration;

use kenpo::jobs::Job;
use kenpo::settings::{SETTINGS, UnionSettings};

use crate::app::{MEMBERS_UTF8, TestApp, parse_csv, remote, spawn_app};
use crate::harness::browser::Browser;
use crate::harness::pdf::{self, Area, Pdf, squeeze};
use crate::staff::{ADMIN, ADMIN_PASSWORD, admin};

const WAIT: Duration = Duration::from_secs(10);
/// PDF points per millimetre.
const PT: f64 = 72.0 / 25.4;

/// One household's card: name, postal code, temporary ID and password (postcards.csv).
struct Card {
    name: String,
    postal: String,
    id: String,
    password: String,
}

impl Card {
    /// What of the password must never show on an outside face: all of it, and each half
    /// (the print groups it in fives).
    fn secrets(&self) -> Vec<String> {
        let (a, b) = self.password.split_at(5);
        vec![self.password.clone(), a.into(), b.into(), self.id.clone()]
    }
}

async fn setup() -> (TestApp, Browser) {
    let app = spawn_app().await;
    let data = app.data.clone();
    tokio::task::spawn_blocking(move || {
        remote(&data, Job::ImportMembers, Some(MEMBERS_UTF8.to_vec()))
    })
    .await
    .expect("join");
    app.store()
        .write(|w| {
            let mut s = w.get::<UnionSettings>(SETTINGS)?.unwrap_or_default();
            s.sender_postal_code = "1000001".into();
            s.sender_address = "東京都千代田区千代田1-1".into();
            s.sender_phone = "03-1234-5678".into();
            w.put(SETTINGS, &s)
        })
        .await
        .expect("set the sender");
    admin(&app).await;
    let browser = Browser::start().await;
    browser.goto(&format!("{}/staff/login", app.url)).await;
    browser.fill_by_label("ログインID", ADMIN).await;
    browser.fill_by_label("パスワード", ADMIN_PASSWORD).await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("さん、ようこそ", WAIT).await;
    (app, browser)
}

fn link(body: &str, prefix: &str) -> String {
    let rest = body
        .split(&format!("href=\"{prefix}"))
        .nth(1)
        .unwrap_or_else(|| panic!("no link to {prefix} in {body}"));
    let path = rest.split('"').next().unwrap_or_default();
    format!("{prefix}{}", path.replace("&amp;", "&"))
}

/// Issues for 1201-105 and 1201-106 with `layout` chosen on the はがき発行 screen, reads
/// postcards.csv, opens the print view in the browser and prints it.
async fn print(
    app: &TestApp,
    browser: &Browser,
    layout: &str,
    dir: &std::path::Path,
) -> (Vec<Card>, Pdf) {
    let issued = app
        .post_form(
            "/staff/postcards",
            "/staff/postcards/issue",
            &[("households", "1201-105\n1201-106"), ("layout", layout)],
        )
        .await;
    assert!(issued.body.contains("2 世帯分"), "{}", issued.body);
    let csv = app
        .get(&link(&issued.body, "/staff/postcards/download/"))
        .await;
    let cards: Vec<Card> = parse_csv(csv.body.as_bytes())
        .into_iter()
        .skip(1)
        .map(|r| Card {
            name: squeeze(&r[2]),
            postal: r[3].clone(),
            id: r[5].clone(),
            password: r[6].clone(),
        })
        .collect();
    assert_eq!(cards.len(), 2);
    let print_path = link(&issued.body, "/staff/postcards/print/");
    browser.goto(&format!("{}{print_path}", app.url)).await;
    browser.wait_for_text("様", WAIT).await;
    let pdf = pdf::print(&browser.client, dir, layout).await;
    (cards, pdf)
}

fn assert_hidden(face: &str, card: &Card, what: &str) {
    let face = squeeze(face);
    for secret in card.secrets() {
        assert!(
            !face.contains(&secret),
            "{what} shows {secret:?} of the temporary credentials:\n{face}"
        );
    }
}

#[tokio::test]
async fn the_pressure_sealed_postcard_prints_the_password_only_inside() {
    let (app, browser) = setup().await;
    let dir = tempfile::tempdir().expect("temp");
    let (cards, pdf) = print(&app, &browser, "pressure", dir.path()).await;
    for (i, card) in cards.iter().enumerate() {
        let (outside, inside) = (pdf.text(2 * i + 1), squeeze(&pdf.text(2 * i + 2)));
        assert_hidden(&outside, card, "the outside of the 圧着はがき");
        let outside = squeeze(&outside);
        for seen in [
            &format!("{}様", card.name),
            "親展",
            "テスト健康保険組合",
            "100-0001",
            &card.postal,
        ] {
            assert!(outside.contains(seen), "outside lacks {seen:?}:\n{outside}");
        }
        for seen in [&card.id, &card.password, &app.url, "有効期限"] {
            assert!(inside.contains(seen), "inside lacks {seen:?}:\n{inside}");
        }
        // The credentials sit on the first inside panel (the left 100 mm of the sheet).
        let panel = Area {
            x: 0.0,
            y: 0.0,
            width: 100.0 * PT,
            height: 148.0 * PT,
        };
        let panel = squeeze(&pdf.text_in(2 * i + 2, panel));
        assert!(
            panel.contains(&card.password),
            "not on the first inside panel:\n{panel}"
        );
    }
    assert_eq!(
        pdf.page_sizes(),
        vec![(567, 420); 4],
        "200 × 148 mm, both sides of one sheet per household"
    );
    shoot(&browser, &pdf, "postcards-pressure", 1330, 2).await;
    browser.close().await;
}

#[tokio::test]
async fn the_window_envelope_letter_keeps_the_password_below_the_fold() {
    let (app, browser) = setup().await;
    let dir = tempfile::tempdir().expect("temp");
    let (cards, pdf) = print(&app, &browser, "letter", dir.path()).await;
    let fold = 297.0 / 3.0 * PT;
    let width = 210.0 * PT;
    let top = Area {
        x: 0.0,
        y: 0.0,
        width,
        height: fold - 1.0,
    };
    let below = Area {
        x: 0.0,
        y: fold + 1.0,
        width,
        height: 297.0 * PT - fold - 1.0,
    };
    // The window of a 長3 envelope (90 × 45 mm at 23 mm from the left, 13 mm from the top).
    let window = Area {
        x: 23.0 * PT,
        y: 13.0 * PT,
        width: 90.0 * PT,
        height: 45.0 * PT,
    };
    for (i, card) in cards.iter().enumerate() {
        let page = i + 1;
        assert_hidden(
            &pdf.text_in(page, top),
            card,
            "the top third (the window side)",
        );
        let in_window = squeeze(&pdf.text_in(page, window));
        for seen in [&format!("{}様", card.name), &card.postal[..3]] {
            assert!(
                in_window.contains(seen),
                "the window lacks {seen:?}:\n{in_window}"
            );
        }
        let letter = squeeze(&pdf.text_in(page, below));
        for seen in [&card.id, &card.password, &app.url, "有効期限"] {
            assert!(
                letter.contains(seen),
                "below the fold lacks {seen:?}:\n{letter}"
            );
        }
    }
    assert_eq!(
        pdf.page_sizes(),
        vec![(595, 842); 2],
        "one A4 page per household"
    );
    shoot(&browser, &pdf, "postcards-letter", 1250, 1).await;
    browser.close().await;
}

#[tokio::test]
async fn the_plain_postcard_is_only_a_warned_choice() {
    let (app, browser) = setup().await;
    let screen = app.get("/staff/postcards").await.body;
    assert!(
        screen.contains("value=\"pressure\" checked"),
        "圧着はがき is the default: {screen}"
    );
    assert!(screen.contains("仮パスワードが見えます"), "{screen}");
    let dir = tempfile::tempdir().expect("temp");
    let (_, pdf) = print(&app, &browser, "plain", dir.path()).await;
    assert!(browser.body_text().await.contains("仮パスワードが見えます"));
    assert_eq!(
        pdf.page_sizes(),
        vec![(283, 420); 2],
        "one はがき per household"
    );
    shoot(&browser, &pdf, "postcards-plain", 1250, 1).await;
    browser.close().await;
}

/// The print view as the clerk sees it on screen (docs/ keeps a copy), and the printed
/// pages of the first household, for a look.
async fn shoot(browser: &Browser, pdf: &Pdf, name: &str, height: u32, pages: usize) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    browser.set_window_size(900, height).await;
    browser.screenshot(dir.join(format!("{name}.png"))).await;
    for page in 1..=pages {
        let png = pdf.png(page, 800);
        std::fs::copy(&png, dir.join(format!("{name}-page{page}.png"))).expect("copy the page");
    }
}
