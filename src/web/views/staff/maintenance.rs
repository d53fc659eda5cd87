//! 管理画面: メンテナンス設定.

use maud::{Markup, html};

use crate::domain::holidays::known_until;
use crate::domain::maintenance::MaintenanceRule;
use crate::maintenance::{OneOffWindow, describe};
use crate::web::Ctx;
use crate::web::views::components::{Field, csrf};

pub struct RuleForm {
    pub enabled: bool,
    pub day: String,
    pub start_hour: String,
    pub end_hour: String,
    pub error: Option<String>,
}

impl From<&MaintenanceRule> for RuleForm {
    fn from(rule: &MaintenanceRule) -> Self {
        Self {
            enabled: rule.enabled,
            day: rule.day.to_string(),
            start_hour: rule.start_hour.to_string(),
            end_hour: rule.end_hour.to_string(),
            error: None,
        }
    }
}

#[derive(Default)]
pub struct WindowForm {
    pub start: String,
    pub end: String,
    pub note: String,
    pub error: Option<String>,
}

pub fn page(
    ctx: &Ctx,
    rule: &RuleForm,
    add: &WindowForm,
    windows: &[(String, OneOffWindow)],
) -> Markup {
    html! {
        h1 { "メンテナンス設定" }
        p { a href="/staff" { "管理画面へ戻る" } }
        @if let Some(next) = &ctx.maintenance.next { p.notice { "次回のメンテナンス：" (describe(next)) } }
        section {
            h2 { "毎月のメンテナンス" }
            p.hint { "指定日が土曜日・日曜日・祝日の場合は、その前の平日に繰り上げます。祝日は" (known_until()) "年まで登録されています。" }
            @if let Some(e) = &rule.error { div.error-summary role="alert" { p { (e) } } }
            form.card method="post" action="/staff/maintenance/rule" novalidate {
                (csrf(ctx))
                div.field { label { input type="checkbox" name="enabled" value="on" checked[rule.enabled]; " 毎月のメンテナンスを行う" } }
                (Field { value: &rule.day, inputmode: Some("numeric"), ..Field::new("day", "日（1～31）") }.render())
                (Field { value: &rule.start_hour, inputmode: Some("numeric"), ..Field::new("start_hour", "開始時刻（時、0～23）") }.render())
                (Field { value: &rule.end_hour, inputmode: Some("numeric"), hint: Some("24は深夜0時、26は翌2時です。"), ..Field::new("end_hour", "終了時刻（時）") }.render())
                div.actions { button.button.button--primary type="submit" { "保存" } }
            }
        }
        section {
            h2 { "臨時のメンテナンス" }
            @if windows.is_empty() { p { "予定されている臨時のメンテナンスはありません。" } }
            ul {
                @for (id, w) in windows {
                    li {
                        (describe(&w.window)) " " (w.note)
                        form.inline method="post" action=(format!("/staff/maintenance/windows/{id}/cancel")) {
                            (csrf(ctx))
                            button.button.button--secondary type="submit" { "取り消す" }
                        }
                    }
                }
            }
            @if let Some(e) = &add.error { div.error-summary role="alert" { p { (e) } } }
            form.card method="post" action="/staff/maintenance/windows" novalidate {
                (csrf(ctx))
                (Field { kind: "datetime-local", value: &add.start, ..Field::new("start", "開始日時（日本時間）") }.render())
                (Field { kind: "datetime-local", value: &add.end, ..Field::new("end", "終了日時（日本時間）") }.render())
                (Field { value: &add.note, required: false, ..Field::new("note", "メモ（職員のみ表示）") }.render())
                div.actions { button.button.button--primary type="submit" { "追加" } }
            }
        }
    }
}
