//! はがき発行: issue temporary credentials from the browser; postcards.csv and the print
//! view come from memory, once each.

use std::sync::Arc;

use poem::http::{StatusCode, header};
use poem::web::{Data, Form, Path, Query};
use poem::{Response, handler};
use serde::Deserialize;

use super::drops::{self, Part};
use crate::auth::credentials::{self, CredentialIssue, IssueError};
use crate::auth::model::StaffUser;
use crate::domain::member::HouseholdKey;
use crate::web::guard::{guard, staff::staff_user};
use crate::web::respond::{internal, staff_page, staff_page_with_status};
use crate::web::views::staff::nav::{Confirm, confirm};
use crate::web::views::staff::postcards as view;
use crate::web::views::staff::postcards::print::Layout;
use crate::web::{AppState, Ctx};

#[derive(Deserialize, Default)]
pub struct Scope {
    #[serde(default)]
    scope: String,
    #[serde(default)]
    households: String,
    /// The print layout chosen on the はがき発行 screen (empty: the 圧着はがき).
    #[serde(default)]
    layout: String,
}

const NO_LAYOUT: &str = "印刷の形式を、一覧から選んでください。";

/// The households named, unless the issue is for every unregistered household.
fn chosen_households(q: &Scope) -> Result<Vec<HouseholdKey>, String> {
    if q.scope == "all" {
        return Ok(Vec::new());
    }
    match parse_households(&q.households)? {
        list if list.is_empty() => Err("発行する世帯の記号-番号を入力してください。".into()),
        list => Ok(list),
    }
}

fn parse_households(text: &str) -> Result<Vec<HouseholdKey>, String> {
    let mut out = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let key = HouseholdKey::parse_display(line).map_err(|e| e.to_string())?;
        if !out.contains(&key) {
            out.push(key);
        }
    }
    Ok(out)
}

async fn render(
    ctx: &Ctx,
    state: &AppState,
    user: &StaffUser,
    households: &str,
    layout: Layout,
    error: Option<&str>,
) -> poem::Result<Response> {
    let (unregistered, issues) = state
        .store
        .read(|r| {
            let n = crate::console::postcards::count_unregistered(r)?;
            let mut issues: Vec<CredentialIssue> = r
                .scan::<CredentialIssue>("")?
                .into_iter()
                .map(|(_, i)| i)
                .collect();
            issues.reverse();
            Ok::<_, anyhow::Error>((n, issues))
        })
        .await
        .map_err(internal)?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(staff_page_with_status(
        ctx,
        user,
        status,
        "はがき発行",
        view::page(ctx, unregistered, &issues, households, layout, error),
    ))
}

#[handler]
pub async fn show(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    render(ctx, state, &user, "", Layout::Pressure, None).await
}

#[handler]
pub async fn confirm_page(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Query(q): Query<Scope>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let Some(layout) = Layout::parse(&q.layout) else {
        return render(
            ctx,
            state,
            &user,
            &q.households,
            Layout::Pressure,
            Some(NO_LAYOUT),
        )
        .await;
    };
    let target = match chosen_households(&q) {
        Ok(list) => list,
        Err(e) => return render(ctx, state, &user, &q.households, layout, Some(&e)).await,
    };
    let what = if target.is_empty() {
        "未登録の全世帯".to_string()
    } else {
        target
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、")
    };
    let households = if target.is_empty() {
        String::new()
    } else {
        q.households.clone()
    };
    let c = Confirm {
        title: "はがきの発行",
        message: "発行すると、対象世帯のそれまでの仮ID・仮パスワードは使えなくなります。元に戻せません。",
        details: vec![("対象", what), ("印刷の形式", layout.label().to_string())],
        action: "/staff/postcards/issue".into(),
        hidden: vec![
            ("scope", q.scope.clone()),
            ("households", households),
            ("layout", layout.as_str().to_string()),
        ],
        button: "発行する",
        cancel: "/staff/postcards".into(),
    };
    Ok(staff_page(ctx, &user, "はがきの発行", confirm(ctx, &c)))
}

#[handler]
pub async fn issue(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Form(f): Form<Scope>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let Some(layout) = Layout::parse(&f.layout) else {
        return render(
            ctx,
            state,
            &user,
            &f.households,
            Layout::Pressure,
            Some(NO_LAYOUT),
        )
        .await;
    };
    let target = match chosen_households(&f) {
        Ok(list) => list,
        Err(e) => return render(ctx, state, &user, &f.households, layout, Some(&e)).await,
    };
    let (store, now, actor) = (state.store.clone(), ctx.now, user.actor());
    let result = tokio::task::spawn_blocking(move || {
        credentials::issue(&store, &target, now, &actor, &mut |_, _| {
            std::ops::ControlFlow::Continue(())
        })
    })
    .await
    .map_err(|e| internal(e.into()))?;
    match result {
        Ok(cards) if cards.is_empty() => {
            render(
                ctx,
                state,
                &user,
                "",
                layout,
                Some("発行する世帯がありません（すべて登録済みです）。"),
            )
            .await
        }
        Ok(cards) => {
            let count = cards.len();
            let token = drops::keep(&user.login, cards, ctx.now);
            Ok(staff_page(
                ctx,
                &user,
                "発行しました",
                view::issued(count, &token, layout),
            ))
        }
        Err(IssueError::Unexpected(e)) => Err(internal(e)),
        Err(e) => {
            render(
                ctx,
                state,
                &user,
                &f.households,
                layout,
                Some(&e.to_string()),
            )
            .await
        }
    }
}

fn gone(ctx: &Ctx, user: &StaffUser) -> Response {
    staff_page_with_status(
        ctx,
        user,
        StatusCode::GONE,
        "利用できません",
        maud::html! {
            h1 { "利用できません" }
            p role="alert" { "このファイル（画面）はすでに一度開かれたか、30分を過ぎたため消去されました。仮パスワードは保存していないため、必要な場合は再発行してください。" }
            p { a href="/staff/postcards" { "はがき発行へ" } }
        },
    )
}

#[handler]
pub fn download(Data(ctx): Data<&Ctx>, Path(token): Path<String>) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let Some(cards) = drops::take(&token, &user.login, Part::Csv, ctx.now) else {
        return Ok(gone(ctx, &user));
    };
    let csv = credentials::postcards_csv(&cards).map_err(internal)?;
    Ok(Response::builder()
        .content_type("text/csv; charset=utf-8")
        .header(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"postcards.csv\"",
        )
        .body(csv))
}

#[derive(Deserialize, Default)]
pub struct PrintQuery {
    #[serde(default)]
    layout: String,
}

#[handler]
pub fn print(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(token): Path<String>,
    Query(q): Query<PrintQuery>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    // Checked before the one print of the issue is taken.
    let Some(layout) = Layout::parse(&q.layout) else {
        return Ok(staff_page_with_status(
            ctx,
            &user,
            StatusCode::BAD_REQUEST,
            "印刷の形式",
            maud::html! {
                h1 { "印刷の形式が選ばれていません" }
                p role="alert" { (NO_LAYOUT) " 印刷画面はまだ開かれていないため、発行結果の画面のリンクから開けます。" }
            },
        ));
    };
    let Some(cards) = drops::take(&token, &user.login, Part::Print, ctx.now) else {
        return Ok(gone(ctx, &user));
    };
    let html = view::print::document(ctx, layout, &cards, &state.login_url());
    Ok(Response::builder()
        .content_type("text/html; charset=utf-8")
        .body(html.into_string()))
}
