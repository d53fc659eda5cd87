//! Issue 15, point 7: the README's gallery is drawn by this test, not by hand. Each
//! screen is shot in headless Chromium and re-encoded as WebP by Chromium itself (a
//! canvas on a blank page), written to `docs/gallery/` and kept small.

use std::path::PathBuf;

use base64::Engine as _;

use crate::browser_reading::{WAIT, a_busy_household, log_in};
use crate::claims::{CLAIMS_2024, csv, import};
use crate::harness::browser::Browser;
use crate::staff::{CLERK, CLERK_PASSWORD, clerk, staff_logout};

/// The largest a gallery picture may be.
const MAX_BYTES: usize = 100 * 1024;

const TO_WEBP: &str = "
    const [png, done] = [arguments[0], arguments[arguments.length - 1]];
    const img = new Image();
    img.onload = () => {
      const c = document.createElement('canvas');
      c.width = img.width; c.height = img.height;
      c.getContext('2d').drawImage(img, 0, 0);
      done(c.toDataURL('image/webp', 0.8).split(',')[1]);
    };
    img.onerror = () => done('');
    img.src = 'data:image/png;base64,' + png;";

fn gallery() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/gallery");
    std::fs::create_dir_all(&dir).expect("docs/gallery");
    dir
}

/// Opens `url` at `width` px (scrolled to `css`, if given), shoots it and writes
/// `docs/gallery/<name>.webp`.
async fn picture(browser: &Browser, url: &str, width: u32, name: &str, css: Option<&str>) {
    let height = if width < 600 { 740 } else { 800 };
    browser.set_window_size(width, height).await;
    browser.goto(url).await;
    if let Some(css) = css {
        browser
            .client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView(); return true;",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap_or_else(|e| panic!("{name}: scroll to {css}: {e}"));
    }
    let png = browser.client.screenshot().await.expect("a screenshot");
    let shots = crate::browser_reading::shots();
    std::fs::write(shots.join(format!("gallery-{name}.png")), &png).expect("write the PNG");
    browser.goto("about:blank").await;
    let b64 = base64::engine::general_purpose::STANDARD;
    let webp = browser
        .client
        .execute_async(TO_WEBP, vec![serde_json::json!(b64.encode(&png))])
        .await
        .expect("re-encode as WebP");
    let bytes = b64.decode(webp.as_str().unwrap_or("")).expect("WebP bytes");
    assert!(
        bytes.starts_with(b"RIFF") && bytes.len() > 1000,
        "{name}: not a WebP"
    );
    assert!(
        bytes.len() <= MAX_BYTES,
        "{name}: {} bytes, more than {MAX_BYTES}",
        bytes.len()
    );
    let path = gallery().join(format!("{name}.webp"));
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

#[tokio::test]
async fn the_readme_gallery_is_drawn_by_the_browser() {
    let app = a_busy_household().await;
    import(&app, csv(CLAIMS_2024), true).await;
    clerk(&app).await;
    staff_logout(&app).await;
    let browser = Browser::start().await;
    let url = |path: &str| format!("{}{path}", app.url);

    picture(&browser, &url("/"), 1280, "login-1280", None).await;
    log_in(&browser, &app).await;
    picture(&browser, &url("/menu"), 1280, "menu-1280", None).await;
    picture(&browser, &url("/menu"), 360, "menu-360", None).await;
    for (path, name) in [
        ("/menu/expenses/chart?year=2025", "chart-1280"),
        ("/menu/tax-notice?year=2025", "tax-notice-1280"),
    ] {
        picture(&browser, &url(path), 1280, name, Some("h1")).await;
    }
    let expenses = url("/menu/expenses?year=2025");
    picture(
        &browser,
        &expenses,
        360,
        "expenses-360",
        Some("#results-heading"),
    )
    .await;

    browser.set_window_size(1280, 800).await;
    browser.goto(&url("/staff/login")).await;
    browser.fill_by_label("ログインID", CLERK).await;
    browser.fill_by_label("パスワード", CLERK_PASSWORD).await;
    browser.click_button("ログイン").await;
    browser.wait_for_text("さん、ようこそ", WAIT).await;
    let households = url("/staff/households?q=1201");
    picture(&browser, &households, 1280, "staff-households-1280", None).await;
    browser.close().await;
}
