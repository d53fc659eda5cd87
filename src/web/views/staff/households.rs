//! 世帯検索 and the household page.

use maud::{Markup, html};

use super::nav::household_path;
use crate::auth::failures::Lock;
use crate::clock::{format_jst, format_jst_date};
use crate::console::households::{Hit, HouseholdView, Registration};
use crate::domain::email::Email;
use crate::web::Ctx;
use crate::web::views::components::csrf;

pub fn search(query: &str, hits: &[Hit], more: bool, now: chrono::DateTime<chrono::Utc>) -> Markup {
    html! {
        h1 { "世帯検索" }
        form.card.search method="get" action="/staff/households" hx-get="/staff/households" hx-target="#main" hx-push-url="true" {
            div.field {
                label for="q" { "記号・番号、氏名またはカナ" }
                p.hint #q-hint { "一部だけでも探せます（例：1201-105、山田、やまだ、ﾔﾏﾀﾞ）。" }
                input #q type="search" name="q" value=(query) aria-describedby="q-hint" autocomplete="off";
            }
            div.actions { button.button.button--primary type="submit" { "検索" } }
        }
        @if !query.trim().is_empty() {
            @if hits.is_empty() {
                p role="status" { "該当する世帯はありません。" }
            } @else {
                p role="status" { (hits.len()) " 世帯が見つかりました。" @if more { "（先頭の100世帯を表示しています。条件を絞り込んでください）" } }
                table.table {
                    thead { tr { th { "記号-番号" } th { "被保険者" } th { "該当した方" } th { "登録状況" } } }
                    tbody {
                        @for h in hits {
                            tr {
                                td { a href=(household_path(&h.household)) { (h.household) } }
                                td { (h.insured_name) }
                                td { (h.matched.join("、")) }
                                td { (h.registration.label(now)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn account_block(ctx: &Ctx, v: &HouseholdView, revealed: Option<&str>) -> Markup {
    let base = household_path(&v.household);
    html! {
        @if let Some(a) = &v.account {
            dt { "ユーザID" } dd { (a.user_id) }
            dt { "メールアドレス" }
            dd {
                @if let Some(full) = revealed { (full) }
                @else {
                    (Email::parse(&a.email).map_or_else(|_| "***".to_string(), |e| e.masked()))
                    form.inline method="post" action=(format!("{base}/reveal")) hx-post=(format!("{base}/reveal")) hx-target="#main" {
                        (csrf(ctx))
                        button.button.button--secondary type="submit" { "表示" }
                    }
                    span.hint { "（表示すると監査ログに記録されます）" }
                }
            }
            dt { "通知メール" } dd { @if a.notify { "受け取る" } @else { "受け取らない" } }
            dt { "最終ログイン" } dd { (a.last_login_at.map_or_else(|| "なし".to_string(), format_jst)) }
            dt { "ロック" }
            dd {
                @match a.lock(ctx.now) {
                    Lock::Until(u) => { "ロック中（" (format_jst(u)) "まで）" }
                    Lock::ForGood => { "ロック中（失敗 " (a.failed_logins) " 回。仮パスワードでのログインか「ロックを解除」まで続きます）" }
                    Lock::Open => { "なし（前回のログイン以降の失敗 " (a.failed_logins) " 回）" }
                }
            }
        }
    }
}

fn people(ctx: &Ctx, v: &HouseholdView) -> Markup {
    let base = household_path(&v.household);
    html! {
        h2 { "世帯の方" }
        table.table {
            thead { tr { th { "枝番" } th { "氏名" } th { "カナ" } th { "続柄" } th { "資格" } th { "世帯への表示" } } }
            tbody {
                @for p in &v.people {
                    tr {
                        td { (p.branch) }
                        td { (p.name) }
                        td { (p.kana) }
                        td { (p.relationship.label()) }
                        td { @match p.lost { Some(d) => { (d.format("%Y年%m月%d日")) "喪失" } None => { "加入中" } } }
                        td {
                            @if p.is_insured() { "表示" }
                            @else {
                                @let (path, label, now_state) = if p.hidden_from_household { ("show", "表示に戻す", "非表示") } else { ("hide", "非表示にする", "表示") };
                                (now_state) " "
                                form.inline method="post" action=(format!("{base}/people/{}/{path}", p.branch)) hx-post=(format!("{base}/people/{}/{path}", p.branch)) hx-target="#main" {
                                    (csrf(ctx))
                                    button.button.button--secondary type="submit" { (label) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// 「支給決定」: every decision of the household, published or not.
fn decisions(v: &HouseholdView) -> Markup {
    let name = |branch: &str| {
        v.people
            .iter()
            .find(|p| p.branch == branch)
            .map_or_else(|| format!("枝番 {branch}"), |p| p.name.clone())
    };
    html! {
        h2 { "支給決定" }
        @if v.decisions.is_empty() { p { "支給決定はありません。" } }
        @else {
            table.table.data {
                thead { tr {
                    th scope="col" { "決定日" } th scope="col" { "決定番号" } th scope="col" { "給付種別" }
                    th scope="col" { "対象者" } th scope="col" { "対象期間" } th scope="col" { "支給額" }
                    th scope="col" { "支払予定日" } th scope="col" { "状態" }
                } }
                tbody {
                    @for (d, published) in &v.decisions {
                        tr {
                            td { (d.decided_on.format("%Y年%m月%d日")) }
                            td { (d.number) }
                            td { (d.kind) }
                            td { (name(&d.branch)) }
                            td { (d.from) @if d.to != d.from { "〜" (d.to) } }
                            td.num { (crate::domain::expenses::yen(d.amount)) }
                            td { (d.pay_on.format("%Y年%m月%d日")) }
                            td { @if *published { "公開済み" } @else { "未公開" } }
                        }
                    }
                }
            }
        }
    }
}

pub fn page(ctx: &Ctx, v: &HouseholdView, revealed: Option<&str>, flash: Option<&str>) -> Markup {
    let base = household_path(&v.household);
    let key = v.household.to_string();
    html! {
        h1 { "世帯 " (v.household) }
        @if let Some(f) = flash { p.flash role="status" { (f) } }
        dl.confirm {
            dt { "登録状況" } dd { (v.registration.label(ctx.now)) }
            @if let Registration::TemporaryIssued { locked_until, locked_for_good, .. } = &v.registration {
                @if *locked_for_good {
                    dt { "仮IDのロック" } dd { "職員が解除するまで（本人確認の失敗が続いたため）" }
                } @else if let Some(u) = locked_until.filter(|u| *u > ctx.now) {
                    dt { "仮IDのロック" } dd { (format_jst(u)) "まで" }
                }
            }
            (account_block(ctx, v, revealed))
            dt { "ログイン中の画面" } dd { (v.sessions) " 件" }
        }
        h2 { "操作" }
        div.actions {
            form method="post" action=(format!("{base}/unlock")) hx-post=(format!("{base}/unlock")) hx-target="#main" {
                (csrf(ctx))
                button.button.button--primary type="submit" { "ロックを解除" }
            }
            @if v.account.is_none() {
                a.button.button--secondary href=(format!("/staff/postcards/confirm?households={key}")) { "仮ID・仮パスワードを再発行" }
            }
            a.button.button--secondary href=(format!("{base}/end-sessions")) { "ログイン中の画面を終了" }
        }
        (people(ctx, v))
        (crate::web::views::passkeys::household_passkeys(ctx, &v.passkeys, &base))
        (decisions(v))
        h2 { "この世帯の記録" }
        @if v.audit.is_empty() { p { "記録はありません。" } }
        @else {
            table.table {
                thead { tr { th { "日時" } th { "操作者" } th { "操作" } th { "詳細" } } }
                tbody {
                    @for e in &v.audit {
                        tr { td { (format_jst(e.at)) } td { (e.actor) } td { (e.action) } td { (e.detail.as_deref().unwrap_or("")) } }
                    }
                }
            }
        }
        p { a href="/staff/households" { "世帯検索へ" } }
        p.hint { "表示日：" (format_jst_date(ctx.now)) }
    }
}
