//! Form parts shared by the screens: labelled fields with their message beside them.

use maud::{Markup, html};

use crate::import::LineError;
use crate::web::Ctx;

/// The hidden CSRF input every form carries.
pub fn csrf(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name=(crate::web::csrf::FIELD) value=(ctx.csrf_token); }
}

/// An error summary announced to screen readers.
pub fn error_summary(errors: &[(&str, &str)]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" {
                p { "入力内容を確認してください。" }
                ul {
                    @for (field, message) in errors {
                        li { a href=(format!("#{field}")) { (message) } }
                    }
                }
            }
        }
    }
}

pub struct Field<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub value: &'a str,
    pub required: bool,
    pub hint: Option<&'a str>,
    pub error: Option<&'a str>,
    pub autocomplete: &'a str,
    pub inputmode: Option<&'a str>,
    pub autofocus: bool,
    pub extra: Option<Markup>,
}

impl<'a> Field<'a> {
    pub fn new(id: &'a str, label: &'a str) -> Self {
        Self {
            id,
            label,
            kind: "text",
            value: "",
            required: true,
            hint: None,
            error: None,
            autocomplete: "off",
            inputmode: None,
            autofocus: false,
            extra: None,
        }
    }

    pub fn render(&self) -> Markup {
        let hint_id = format!("{}-hint", self.id);
        let error_id = format!("{}-error", self.id);
        let described = match (self.hint.is_some(), self.error.is_some()) {
            (true, true) => format!("{hint_id} {error_id}"),
            (true, false) => hint_id.clone(),
            (false, true) => error_id.clone(),
            (false, false) => String::new(),
        };
        html! {
            div.field.field--error[self.error.is_some()] {
                label for=(self.id) {
                    (self.label)
                    @if self.required { span.required { "（必須）" } }
                }
                @if let Some(hint) = self.hint { p.hint id=(hint_id) { (hint) } }
                @if let Some(error) = self.error { p.field-error id=(error_id) { (error) } }
                input id=(self.id) name=(self.id) type=(self.kind) value=(self.value)
                    autocomplete=(self.autocomplete)
                    inputmode=[self.inputmode]
                    required[self.required]
                    autofocus[self.autofocus]
                    aria-invalid=[self.error.map(|_| "true")]
                    aria-describedby=[(!described.is_empty()).then_some(described.as_str())];
                @if let Some(extra) = &self.extra { (extra) }
            }
        }
    }
}

/// The lines of a refused file, each with its column and what is wrong.
pub fn line_table(lines: &[LineError]) -> Markup {
    html! {
        table.table {
            caption { "誤りのある行（" (lines.len()) " 件）" }
            thead { tr { th scope="col" { "行" } th scope="col" { "列" } th scope="col" { "内容" } } }
            tbody {
                @for e in lines {
                    tr { td { (e.line) "行目" } td { (e.column.as_deref().unwrap_or("—")) } td { (e.message) } }
                }
            }
        }
    }
}
