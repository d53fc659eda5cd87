//! PDFs printed by the real Chromium, read back with Debian's poppler-utils (`pdfinfo`,
//! `pdftotext`). A missing tool fails the test: apt-get install poppler-utils.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use poem::http::Method;
use serde_json::json;

const NOT_INSTALLED: &str = "poppler-utils not found: apt-get install poppler-utils";

/// Chrome's `Page.printToPDF` through chromedriver, as the print dialog does it: the page
/// size and margins come from the document's CSS `@page`, backgrounds are printed.
#[derive(Debug)]
struct PrintToPdf;

impl WebDriverCompatibleCommand for PrintToPdf {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _url: &url::Url) -> (Method, Option<String>) {
        let body = json!({
            "cmd": "Page.printToPDF",
            "params": { "preferCSSPageSize": true, "printBackground": true },
        });
        (Method::POST, Some(body.to_string()))
    }
}

/// The current page printed to a PDF file in `dir`.
pub async fn print(client: &Client, dir: &Path, name: &str) -> Pdf {
    let answer = client
        .issue_cmd(PrintToPdf)
        .await
        .unwrap_or_else(|e| panic!("Page.printToPDF: {e}"));
    let data = answer["data"]
        .as_str()
        .unwrap_or_else(|| panic!("no PDF data in {answer}"));
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("the PDF is base64");
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).expect("write the PDF");
    Pdf { path }
}

pub struct Pdf {
    pub path: PathBuf,
}

/// A rectangle of a page in PDF points (1/72 inch), from the top left corner.
#[derive(Clone, Copy)]
pub struct Area {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Pdf {
    /// Each page's width and height in points, rounded.
    pub fn page_sizes(&self) -> Vec<(u32, u32)> {
        let out = run(
            "pdfinfo",
            &["-f", "1", "-l", "9999", &self.path.display().to_string()],
        );
        out.lines()
            .filter(|l| l.starts_with("Page") && l.contains(" size: "))
            .map(|l| {
                let dims: Vec<f64> = l
                    .split_whitespace()
                    .filter_map(|w| w.parse::<f64>().ok())
                    .collect();
                match dims.as_slice() {
                    [_, w, h, ..] => (w.round() as u32, h.round() as u32),
                    _ => panic!("cannot read a page size from {l:?}"),
                }
            })
            .collect()
    }

    /// The text of page `page` (from 1), in its layout.
    pub fn text(&self, page: usize) -> String {
        let p = page.to_string();
        run(
            "pdftotext",
            &[
                "-layout",
                "-f",
                &p,
                "-l",
                &p,
                &self.path.display().to_string(),
                "-",
            ],
        )
    }

    /// The text inside `area` of page `page`.
    pub fn text_in(&self, page: usize, area: Area) -> String {
        let p = page.to_string();
        let n = |v: f64| (v.round() as i64).to_string();
        run(
            "pdftotext",
            &[
                "-layout",
                "-f",
                &p,
                "-l",
                &p,
                "-r",
                "72",
                "-x",
                &n(area.x),
                "-y",
                &n(area.y),
                "-W",
                &n(area.width),
                "-H",
                &n(area.height),
                &self.path.display().to_string(),
                "-",
            ],
        )
    }

    /// Page `page` as a PNG of `width` pixels beside the PDF; returns its path.
    pub fn png(&self, page: usize, width: u32) -> PathBuf {
        let p = page.to_string();
        let stem = self.path.with_extension("").display().to_string();
        let out = format!("{stem}-{page}");
        run(
            "pdftoppm",
            &[
                "-png",
                "-singlefile",
                "-f",
                &p,
                "-l",
                &p,
                "-scale-to-x",
                &width.to_string(),
                "-scale-to-y",
                "-1",
                &self.path.display().to_string(),
                &out,
            ],
        );
        PathBuf::from(format!("{out}.png"))
    }
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{NOT_INSTALLED} ({tool}: {e})"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{tool} wrote no UTF-8: {e}"))
}

/// `text` without any whitespace: pdftotext spaces out letters that print apart.
pub fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}
