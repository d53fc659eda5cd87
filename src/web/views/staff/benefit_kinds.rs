//! 給付種別（組合独自の付加給付）: the built-in names, the union's own, and the form to add one.

use maud::{Markup, html};

use crate::console::benefit_kinds::{KindInput, MAX_EXPLANATION_CHARS, MAX_NAME_CHARS};
use crate::domain::benefit::{BUILTIN, CustomBenefitKind, OffsetClass};
use crate::web::Ctx;
use crate::web::views::components::{Field, csrf, error_summary};

pub fn page(
    ctx: &Ctx,
    kinds: &[CustomBenefitKind],
    f: &KindInput,
    errors: &[(&'static str, String)],
    flash: Option<&str>,
) -> Markup {
    let summary: Vec<(&str, &str)> = errors.iter().map(|(k, m)| (*k, m.as_str())).collect();
    let err = |k: &str| {
        errors
            .iter()
            .find(|(f, _)| *f == k)
            .map(|(_, m)| m.as_str())
    };
    let name_hint =
        format!("{MAX_NAME_CHARS}文字まで。支給決定ファイルの「給付種別」と同じ名前にします。");
    let text_hint = format!(
        "{MAX_EXPLANATION_CHARS}文字まで。空欄のときは「当組合が独自に行う給付（付加給付）です。」と載せます。"
    );
    html! {
        h1 { "給付種別の設定" }
        p { a href="/staff/settings" { "組合の設定へ戻る" } }
        @if let Some(f) = flash { p.flash role="status" { (f) } }
        (error_summary(&summary))
        p { "支給決定ファイル（benefits.csv）の「給付種別」には、標準の名前のほか、ここで追加した組合独自の付加給付の名前を使えます。「医療費控除での扱い」は、取り込んだときの扱いが支給決定ごとに記録されます（あとで変えても、取り込み済みの決定の扱いは変わりません）。" }
        h2 #remove { "組合独自の給付種別" }
        @if kinds.is_empty() { p { "追加された給付種別はありません。" } }
        @else {
            table.table {
                thead { tr { th scope="col" { "名前" } th scope="col" { "医療費控除での扱い" } th scope="col" { "通知書に載せる説明" } th scope="col" { "削除" } } }
                tbody {
                    @for k in kinds {
                        tr {
                            td { (k.name) }
                            td { (k.class.label()) }
                            td { (k.explanation) }
                            td {
                                form.inline method="post" action="/staff/settings/benefit-kinds/remove" {
                                    (csrf(ctx))
                                    input type="hidden" name="name" value=(k.name);
                                    button.button.button--secondary type="submit" aria-label=(format!("{}を削除", k.name)) { "削除" }
                                }
                            }
                        }
                    }
                }
            }
        }
        form.card method="post" action="/staff/settings/benefit-kinds" novalidate {
            (csrf(ctx))
            h2 { "給付種別を追加する" }
            (Field { value: &f.name, error: err("name"), hint: Some(&name_hint), ..Field::new("name", "給付種別の名前") }.render())
            fieldset.field {
                legend { "医療費控除での扱い" }
                @if let Some(e) = err("class") { p.field-error #class-error { (e) } }
                @for (i, c) in OffsetClass::ALL.into_iter().enumerate() {
                    label { input id=[(i == 0).then_some("class")] type="radio" name="class" value=(c.code()) checked[f.class == c.code()] aria-describedby=[err("class").map(|_| "class-error")]; " " (c.label()) }
                }
            }
            div.field {
                label for="explanation" { "通知書に載せる説明" }
                p.hint #explanation-hint { (text_hint) }
                @if let Some(e) = err("explanation") { p.field-error #explanation-error { (e) } }
                textarea #explanation name="explanation" rows="3" aria-describedby=(if err("explanation").is_some() { "explanation-hint explanation-error" } else { "explanation-hint" }) { (f.explanation) }
            }
            div.actions { button.button.button--primary type="submit" { "追加する" } }
        }
        h2 { "標準の給付種別" }
        table.table {
            thead { tr { th scope="col" { "名前" } th scope="col" { "区分" } th scope="col" { "医療費控除での扱い" } } }
            tbody {
                @for (name, statutory, class, _) in BUILTIN {
                    tr { td { (name) } td { @if *statutory { "法定給付" } @else { "付加給付" } } td { (class.label()) } }
                }
            }
        }
    }
}
