//! Chromedriver's WebAuthn extension commands: a virtual authenticator in the browser (a
//! "device" with a platform authenticator that verifies its user), and its credentials.

use fantoccini::wd::WebDriverCompatibleCommand;
use reqwest::Method;
use serde_json::{Value, json};

use super::browser::Browser;

/// One raw WebDriver command under the session: `session/{id}/{path}`.
#[derive(Debug)]
struct Raw {
    method: Method,
    path: String,
    body: Option<Value>,
}

impl WebDriverCompatibleCommand for Raw {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let session = session_id.unwrap_or_default();
        base_url.join(&format!("session/{session}/{}", self.path))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (Method, Option<String>) {
        (
            self.method.clone(),
            self.body.as_ref().map(Value::to_string),
        )
    }
}

async fn issue(browser: &Browser, method: Method, path: String, body: Option<Value>) -> Value {
    let what = format!("{method} {path}");
    browser
        .client
        .issue_cmd(Raw { method, path, body })
        .await
        .unwrap_or_else(|e| panic!("WebDriver {what}: {e}"))
}

/// A phone or laptop with its own passkey store, attached to this browser.
pub struct Authenticator {
    pub id: String,
}

impl Authenticator {
    /// Adds a CTAP2 platform authenticator that keeps discoverable credentials and always
    /// verifies its user (the fingerprint or PIN always succeeds).
    pub async fn add(browser: &Browser) -> Authenticator {
        let options = json!({
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserConsenting": true,
            "isUserVerified": true,
        });
        let id = issue(
            browser,
            Method::POST,
            "webauthn/authenticator".into(),
            Some(options),
        )
        .await;
        Authenticator {
            id: id.as_str().expect("an authenticator id").to_string(),
        }
    }

    /// The credentials this authenticator holds.
    pub async fn credentials(&self, browser: &Browser) -> Vec<Value> {
        let path = format!("webauthn/authenticator/{}/credentials", self.id);
        let found = issue(browser, Method::GET, path, None).await;
        found.as_array().cloned().unwrap_or_default()
    }
}
