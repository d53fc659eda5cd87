//! 医療費データの公開: the list of claim batches, and publishing one after a confirmation
//! step that says how many households it concerns and how many mails it sends.

use std::sync::Arc;

use poem::http::StatusCode;
use poem::web::{Data, Path};
use poem::{Response, handler};

use crate::auth::model::StaffUser;
use crate::claims::{Batch, PublishError, audience, publish as publish_batch};
use crate::clock::format_jst;
use crate::web::guard::{guard, staff::staff_user};
use crate::web::respond::{internal, staff_page};
use crate::web::views::staff::batches as view;
use crate::web::views::staff::nav::{Confirm, confirm};
use crate::web::{AppState, Ctx};

/// The number in the URL and its batch id (`3` → `00000000000000000003`); 404 otherwise.
fn batch_id(number: &str) -> poem::Result<(u64, String)> {
    number
        .parse::<u64>()
        .map(|n| (n, format!("{n:020}")))
        .map_err(|_| poem::Error::from_status(StatusCode::NOT_FOUND))
}

async fn render(
    ctx: &Ctx,
    state: &AppState,
    user: &StaffUser,
    flash: Option<&str>,
) -> poem::Result<Response> {
    let mut batches: Vec<Batch> = state
        .store
        .read_long(|r| r.scan::<Batch>(""))
        .await
        .map_err(internal)?
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    batches.reverse();
    Ok(staff_page(
        ctx,
        user,
        "医療費データの公開",
        view::list(&batches, flash),
    ))
}

#[handler]
pub async fn list(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    render(ctx, state, &user, None).await
}

#[handler]
pub async fn publish_confirm(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(number): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let (_, id) = batch_id(&number)?;
    let now = ctx.now;
    let found = state
        .store
        .read(move |r| {
            let Some(batch) = r.get::<Batch>(&id)? else {
                return Ok::<_, anyhow::Error>(None);
            };
            let audience = audience(r, &id, now)?;
            Ok(Some((batch, audience)))
        })
        .await
        .map_err(internal)?;
    let Some((batch, audience)) = found else {
        return Err(poem::Error::from_status(StatusCode::NOT_FOUND));
    };
    if batch.is_published() {
        let flash = format!("取り込み番号 {} は公開済みです。", batch.number());
        return render(ctx, state, &user, Some(&flash)).await;
    }
    let c = Confirm {
        title: "医療費データの公開",
        message: "公開すると、加入者がこのデータを見られるようになり、お知らせメールを送ります。公開は取り消せません。",
        details: vec![
            ("取り込み番号", batch.number().to_string()),
            ("種類", view::kind_label(&batch).to_string()),
            ("取り込み日時", format_jst(batch.imported_at)),
            ("件数", format!("{} 件", batch.rows)),
            (view::months_label(&batch), view::months(&batch)),
            ("対象の世帯", format!("{} 世帯", audience.households)),
            (
                "お知らせメール",
                format!(
                    "{} 通（メールを希望している世帯）",
                    audience.addresses.len()
                ),
            ),
        ],
        action: view::publish_path(&batch),
        hidden: vec![],
        button: "公開する",
        cancel: "/staff/batches".to_string(),
    };
    Ok(staff_page(
        ctx,
        &user,
        "医療費データの公開",
        confirm(ctx, &c),
    ))
}

/// Publishes in one transaction (visibility, mails, audit), then wakes the mail sender.
#[handler]
pub async fn publish(
    Data(ctx): Data<&Ctx>,
    Data(state): Data<&Arc<AppState>>,
    Path(number): Path<String>,
) -> poem::Result<Response> {
    let user = guard!(staff_user(ctx));
    let (number, id) = batch_id(&number)?;
    let (now, actor) = (ctx.now, user.actor());
    let outcome = state
        .store
        .write(move |w| publish_batch(w, &id, now, &actor))
        .await;
    let summary = match outcome {
        Ok(summary) => summary,
        Err(PublishError::NotFound(_)) => {
            return Err(poem::Error::from_status(StatusCode::NOT_FOUND));
        }
        Err(PublishError::Unexpected(e)) => return Err(internal(e)),
    };
    let flash = if summary.already {
        format!("取り込み番号 {number} は公開済みです。")
    } else {
        if summary.mails > 0 {
            state.mail_wake.notify_one();
        }
        format!(
            "取り込み番号 {number} を公開しました：対象 {} 世帯 / お知らせメール {} 通",
            summary.households, summary.mails
        )
    };
    render(ctx, state, &user, Some(&flash)).await
}
