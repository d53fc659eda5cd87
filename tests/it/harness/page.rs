//! What a page must hold whatever it shows: it fits the window (no sideways scrolling),
//! axe-core finds no WCAG 2.2 A/AA violation, its tables keep dates, names, 区分 and
//! amounts on one line, and its A4 print cuts no row. Each check fails loudly, never
//! skips: axe-core comes from npm (`scripts/test` runs `npm ci` in `tests/browser-deps`),
//! pdftotext from poppler-utils.

use std::path::PathBuf;
use std::process::Command;

use fantoccini::wd::{PrintConfiguration, PrintMargins};
use serde_json::Value;

use super::browser::Browser;

const AXE_NOT_INSTALLED: &str =
    "axe-core is missing: run `npm ci --prefix tests/browser-deps` (scripts/test does)";

/// The axe-core rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
const WCAG_TAGS: &str = r#"["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22aa"]"#;

fn axe_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser-deps/node_modules/axe-core/axe.min.js")
}

/// `(document scroll width, viewport width)` in CSS px; the viewport less its scroll bar
/// (a phone's scroll bars take no room; headless Chromium's do).
pub async fn widths(browser: &Browser) -> (u64, u64) {
    let v = browser
        .client
        .execute(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            vec![],
        )
        .await
        .expect("read the widths");
    let n = |i: usize| v.get(i).and_then(Value::as_u64).expect("a width");
    (n(0), n(1))
}

/// The page scrolls no further sideways than the window is wide.
pub async fn assert_fits(browser: &Browser, what: &str) {
    let (document, window) = widths(browser).await;
    assert_eq!(
        document, window,
        "{what}: the page is {document} px wide in a {window} px viewport"
    );
}

/// Runs axe-core in the page; panics listing every WCAG 2.2 A/AA violation.
pub async fn assert_accessible(browser: &Browser, what: &str) {
    let path = axe_path();
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{AXE_NOT_INSTALLED} ({}: {e})", path.display()));
    browser
        .client
        .execute(&format!("{source}\n;return true;"), vec![])
        .await
        .expect("inject axe-core");
    let script = format!(
        "const done = arguments[arguments.length - 1];
         axe.run(document, {{ runOnly: {{ type: 'tag', values: {WCAG_TAGS} }}, resultTypes: ['violations'] }})
           .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — '
               + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')).join(' | '))))
           .catch(e => done(['axe-core failed: ' + e]));"
    );
    let found = browser
        .client
        .execute_async(&script, vec![])
        .await
        .expect("run axe-core");
    let violations: Vec<String> = found
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_else(|| vec![format!("axe-core answered {found}")]);
    assert!(
        violations.is_empty(),
        "{what}: axe-core finds {} WCAG 2.2 AA violation(s):\n{}",
        violations.len(),
        violations.join("\n")
    );
}

/// htmx runs without attribute inheritance, and no element that makes a request inside
/// an element with `hx-push-url` leaves its own push unsaid (issue 15: the live user-ID
/// check inherited its form's and wrote its request into the address bar).
pub async fn assert_no_inherited_push(browser: &Browser, what: &str) {
    let v = browser
        .client
        .execute(
            "const inherits = typeof htmx === 'undefined' || !htmx.config.disableInheritance;
             const asks = '[hx-get],[hx-post],[hx-put],[hx-patch],[hx-delete]';
             const bad = [...document.querySelectorAll(asks)]
               .filter(el => !el.hasAttribute('hx-push-url') && el.parentElement
                 && el.parentElement.closest('[hx-push-url]'))
               .map(el => el.outerHTML.slice(0, 120));
             return [inherits, bad];",
            vec![],
        )
        .await
        .expect("look at the htmx attributes");
    assert_eq!(
        v.get(0).and_then(Value::as_bool),
        Some(false),
        "{what}: htmx is missing or inherits attributes"
    );
    let bad = v
        .get(1)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    assert!(
        bad.is_empty(),
        "{what}: elements inside a pushing element leave hx-push-url unsaid: {bad:?}"
    );
}

/// The checks every member page must pass.
pub async fn assert_sound(browser: &Browser, what: &str) {
    assert_fits(browser, what).await;
    assert_accessible(browser, what).await;
    assert_no_inherited_push(browser, what).await;
}

/// The header texts of the data tables' columns whose cells must stay on one line.
pub const ONE_LINE_COLUMNS: &[&str] = &[
    "診療年月",
    "受診者",
    "区分",
    "日数",
    "医療費総額",
    "自己負担額",
    "給付金",
    "療養を受けた年月",
    "療養を受けた者",
    "医療費の総額",
    "被保険者等が支払った医療費の額",
    "左のうち補填される金額",
    "決定日",
    "給付種別",
    "対象者",
    "支給額",
    "支払予定日",
    "合計",
];

/// The header texts of the amount columns: right-aligned, tabular figures.
pub const AMOUNT_COLUMNS: &[&str] = &[
    "日数",
    "医療費総額",
    "自己負担額",
    "給付金",
    "医療費の総額",
    "被保険者等が支払った医療費の額",
    "左のうち補填される金額",
    "支給額",
    "合計",
];

/// For every cell of `table.data` under one of [`ONE_LINE_COLUMNS`] (found by its
/// column header, or its `data-label` in the phone layout): the cell's text is drawn on
/// one line; an amount is right-aligned (on the wide layout) in tabular figures.
/// In the phone layout every card line's label (its `::before`) reads its column header.
/// Returns how many cells were checked and how many card labels, so that a test can see
/// the tables were there.
pub async fn assert_tables_read_well(browser: &Browser, what: &str) -> (u64, u64) {
    let script = format!(
        "const oneLine = {one}; const amounts = {amounts}; const problems = []; let checked = 0, labelled = 0;
         const lines = (el) => {{
           const r = document.createRange(); r.selectNodeContents(el);
           const tops = new Set();
           for (const b of r.getClientRects()) {{ if (b.width > 0) tops.add(Math.round(b.top)); }}
           return tops.size;
         }};
         for (const table of document.querySelectorAll('table.data')) {{
           const heads = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
           for (const row of table.querySelectorAll('tbody tr')) {{
             [...row.children].forEach((cell, i) => {{
               const head = heads[i];
               const before = getComputedStyle(cell, '::before');
               if (getComputedStyle(row).display !== 'table-row' && before.display !== 'none' && cell.textContent.trim() !== '') {{
                 labelled++;
                 if (before.content !== JSON.stringify(head)) problems.push(head + ' 「' + cell.textContent.trim() + '」 labelled ' + before.content);
               }}
               if (!oneLine.includes(head)) return;
               const value = cell.querySelector('.cell-value') || cell;
               if (value.textContent.trim() === '') return;
               checked++;
               const n = lines(value);
               if (n > 1) problems.push(head + ' 「' + value.textContent.trim() + '」 on ' + n + ' lines');
               if (amounts.includes(head)) {{
                 const s = getComputedStyle(cell);
                 if (!s.fontVariantNumeric.includes('tabular-nums'))
                   problems.push(head + ' 「' + cell.textContent.trim() + '」 not in tabular figures');
                 if (getComputedStyle(row).display === 'table-row' && s.textAlign !== 'right')
                   problems.push(head + ' 「' + cell.textContent.trim() + '」 aligned ' + s.textAlign);
               }}
             }});
           }}
         }}
         return [checked, problems, labelled];",
        one = serde_json::json!(ONE_LINE_COLUMNS),
        amounts = serde_json::json!(AMOUNT_COLUMNS),
    );
    let v = browser
        .client
        .execute(&script, vec![])
        .await
        .expect("measure the tables");
    let checked = v.get(0).and_then(Value::as_u64).unwrap_or(0);
    let labelled = v.get(2).and_then(Value::as_u64).unwrap_or(0);
    let problems: Vec<String> = v
        .get(1)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    assert!(
        problems.is_empty(),
        "{what}: {} cell(s) read badly:\n{}",
        problems.len(),
        problems.join("\n")
    );
    (checked, labelled)
}

/// The page printed by Chromium on A4 with the stylesheet's 15 mm margins, at 100 %
/// (no shrinking to fit, so a table too wide for the sheet is not hidden by scaling).
pub async fn print_a4(browser: &Browser) -> Vec<u8> {
    let config = PrintConfiguration::builder()
        .margins(PrintMargins {
            top: 1.5,
            bottom: 1.5,
            left: 1.5,
            right: 1.5,
        })
        .shrink_to_fit(false)
        .build()
        .expect("an A4 print configuration");
    browser.client.print(config).await.expect("print to PDF")
}

/// The text of each page of `pdf`, laid out as printed (`pdftotext -layout`).
pub fn pdf_pages(pdf: &[u8]) -> Vec<String> {
    let dir = tempfile::tempdir().expect("temp dir for the PDF");
    let file = dir.path().join("print.pdf");
    std::fs::write(&file, pdf).expect("write the PDF");
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&file)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext not found (apt-get install poppler-utils): {e}"));
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut pages: Vec<String> = text.split('\u{c}').map(String::from).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The first page of `pdf` is A4 (595.28 × 841.89 pt, within a point: Chromium rounds
/// to its own grid).
pub fn assert_a4(pdf: &[u8]) {
    let text = String::from_utf8_lossy(pdf);
    let media: Vec<f64> = text
        .split_once("/MediaBox")
        .and_then(|(_, rest)| rest.split_once('['))
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(numbers, _)| {
            numbers
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let a4 = matches!(media.as_slice(), [0.0, 0.0, w, h]
        if (w - 595.28).abs() < 1.0 && (h - 841.89).abs() < 1.0);
    assert!(a4, "not an A4 MediaBox: {media:?}");
}
