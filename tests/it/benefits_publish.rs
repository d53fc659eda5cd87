//! Publishing benefit decisions (SPEC §5.5, §5.7): a benefits batch stays invisible until
//! published, through the same confirmation step (with its kind) and the same mail as a
//! claim batch, from the staff console or with `--publish`; hidden dependants count for
//! nothing. The mail names no amount, kind, person or 決定番号.

use std::time::Duration;

use kenpo::audit::AuditEntry;
use kenpo::benefits::BenefitRecord;
use kenpo::claims::query::{Published, data_status};
use kenpo::domain::member::{HouseholdKey, Person};
use kenpo::store::StoreKey as _;
use reqwest::StatusCode;

use crate::app::{AppOptions, TestApp, spawn_app_with};
use crate::benefits::{BENEFITS_UTF8, import_benefits, with_members};
use crate::claims::{publication_mails, put_account};
use crate::harness::smtp::{ReceivedMail, SmtpServer};
use crate::staff::admin;

/// (decisions stored, of which published) and whether the menu's claims reach is set.
async fn visibility(app: &TestApp) -> (usize, usize, bool) {
    app.store()
        .read(|r| {
            let mut published = Published::new(r);
            let records = r.scan::<BenefitRecord>("")?;
            let mut shown = 0;
            for (_, record) in &records {
                if published.contains(&record.batch)? {
                    shown += 1;
                }
            }
            Ok::<_, anyhow::Error>((records.len(), shown, data_status(r)?.is_some()))
        })
        .await
        .expect("visibility")
}

async fn audit_rows(app: &TestApp, action: &str) -> Vec<AuditEntry> {
    let action = action.to_string();
    app.store()
        .read(move |r| r.scan::<AuditEntry>(""))
        .await
        .expect("audit")
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| e.action == action)
        .collect()
}

/// Waits for a publication mail to each of `to`, then checks it says nothing more.
async fn mails_to(smtp: &SmtpServer, to: &[&str]) -> Vec<ReceivedMail> {
    let mut received = Vec::new();
    for address in to {
        let mail = smtp
            .wait_for_mail(
                |m| m.subject.contains("新しい情報") && m.to == [address.to_string()],
                Duration::from_secs(10),
            )
            .await;
        for secret in [
            "給付",
            "支給",
            "決定",
            "K-000",
            "円",
            "214",
            "山田",
            "太郎",
            "髙橋",
            "療養費",
            "還元金",
            "2025",
        ] {
            assert!(!mail.body.contains(secret), "{secret} in {}", mail.body);
            assert!(
                !mail.subject.contains(secret),
                "{secret} in {}",
                mail.subject
            );
        }
        received.push(mail);
    }
    received
}

async fn app_with_accounts(smtp: &SmtpServer, takahashi_notified: bool) -> TestApp {
    let app = spawn_app_with(AppOptions {
        smtp_port: Some(smtp.port),
    })
    .await;
    with_members(&app).await;
    put_account(&app, "1201-105", "yamada", true).await;
    put_account(&app, "1201-106", "takahashi", takahashi_notified).await;
    // 1202-7's insured person lost eligibility on 2026-03-31: never a mail.
    put_account(&app, "1202-7", "sasaki", true).await;
    app
}

#[tokio::test]
async fn staff_publish_a_benefits_batch_through_the_same_confirmation_and_mail() {
    let smtp = SmtpServer::start();
    let app = app_with_accounts(&smtp, false).await;
    import_benefits(&app, BENEFITS_UTF8.to_vec(), false).await;
    assert_eq!(
        visibility(&app).await,
        (8, 0, false),
        "unpublished: nothing shown"
    );

    admin(&app).await;
    let list = app.get("/staff/batches").await;
    assert!(
        list.body.contains("<th scope=\"col\">種類</th>"),
        "{}",
        list.body
    );
    assert!(list.body.contains("<td>支給決定</td>"), "{}", list.body);
    assert!(list.body.contains("2025年3月〜2025年12月"), "{}", list.body);
    let confirm = app.get("/staff/batches/1/publish").await;
    assert_eq!(confirm.status, StatusCode::OK);
    for shown in [
        "<dt>種類</dt><dd>支給決定（給付金）</dd>",
        "<dt>対象年月</dt>",
        "<dd>3 世帯</dd>",
        "<dd>1 通",
    ] {
        assert!(confirm.body.contains(shown), "{shown}: {}", confirm.body);
    }
    assert!(
        publication_mails(&app).await.is_empty(),
        "asking sends nothing"
    );

    let done = app
        .post_form("/staff/batches/1/publish", "/staff/batches/1/publish", &[])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("対象 3 世帯 / お知らせメール 1 通"),
        "{}",
        done.body
    );
    mails_to(&smtp, &["yamada@example.jp"]).await;
    assert_eq!(publication_mails(&app).await.len(), 1);
    assert_eq!(
        visibility(&app).await,
        (8, 8, false),
        "all shown; the menu's 「…診療分まで掲載」 is about claims and stays unset"
    );
    let rows = audit_rows(&app, "benefits.published").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].detail.as_deref(), Some("households=3 mails=1"));
    assert!(audit_rows(&app, "claims.published").await.is_empty());
}

#[tokio::test]
async fn import_with_publish_mails_the_same_and_leaves_a_hidden_dependant_out() {
    let smtp = SmtpServer::start();
    let app = app_with_accounts(&smtp, true).await;
    // K-0007 is the only decision of 1202-7, for 佐々木 ミツ (01): hidden, no household.
    let key = HouseholdKey::parse_display("1202-7")
        .expect("household")
        .person("01")
        .store_key();
    app.store()
        .write(move |w| {
            let mut person = w.get::<Person>(&key)?.expect("person");
            person.hidden_from_household = true;
            w.put(&key, &person)
        })
        .await
        .expect("hidden");

    let said = import_benefits(&app, BENEFITS_UTF8.to_vec(), true).await;
    assert!(
        said[0].contains("新規 8 件") && said[0].contains("対象 2 世帯 / お知らせメール 2 通"),
        "{said:?}"
    );
    mails_to(&smtp, &["yamada@example.jp", "takahashi@example.jp"]).await;
    let queued: Vec<String> = publication_mails(&app)
        .await
        .into_iter()
        .map(|m| m.to)
        .collect();
    assert_eq!(queued, ["yamada@example.jp", "takahashi@example.jp"]);
    assert_eq!(visibility(&app).await, (8, 8, false));
    assert_eq!(audit_rows(&app, "benefits.published").await.len(), 1);
}
