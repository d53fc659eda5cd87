use poem::handler;
use poem::web::Data;

use super::AppState;
use std::sync::Arc;

/// Liveness and a read of the data file.
#[handler]
pub async fn healthz(Data(state): Data<&Arc<AppState>>) -> poem::Result<&'static str> {
    state
        .store
        .read(|r| r.count::<crate::settings::UnionSettings>())
        .await
        .map_err(|e: anyhow::Error| {
            poem::Error::from_string(e.to_string(), poem::http::StatusCode::SERVICE_UNAVAILABLE)
        })?;
    Ok("ok")
}
