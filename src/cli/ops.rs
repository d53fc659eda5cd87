//! Small operator commands: the health check, a test mail, reading a password; the output
//! file of a command that writes one.

use std::io::{IsTerminal as _, Read as _};
use std::path::Path;

use crate::jobs::JobError;

pub(super) fn healthcheck(listen: &str) -> Result<(), JobError> {
    use std::io::Write as _;
    let addr = listen.replace("0.0.0.0", "127.0.0.1");
    let fail =
        |what: String| JobError::User(format!("the server at {addr} does not answer: {what}"));
    let mut stream = std::net::TcpStream::connect(&addr).map_err(|e| fail(e.to_string()))?;
    let timeout = Some(std::time::Duration::from_secs(3));
    stream
        .set_read_timeout(timeout)
        .map_err(|e| fail(e.to_string()))?;
    write!(
        stream,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| fail(e.to_string()))?;
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    if response.starts_with("HTTP/1.1 200") {
        Ok(())
    } else {
        Err(fail(
            response.lines().next().unwrap_or("no answer").to_string(),
        ))
    }
}

pub(super) async fn send_test_mail(
    address: String,
    smtp: String,
    from: String,
) -> Result<(), JobError> {
    let config = crate::mail::smtp::SmtpConfig::parse(&smtp, &from)
        .map_err(|e| JobError::User(e.to_string()))?;
    let mail = crate::mail::templates::test_mail(&address, crate::settings::DEFAULT_SERVICE_NAME);
    crate::mail::smtp::send(&config, &mail.to, &mail.subject, &mail.body)
        .await
        .map_err(|e| JobError::User(e.explain()))?;
    println!("sent a test mail to {address}");
    Ok(())
}

/// The staff password: from standard input when it is not a terminal, else prompted twice.
pub(super) fn read_password() -> Result<String, String> {
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    let first = rpassword::prompt_password("パスワード: ").map_err(|e| e.to_string())?;
    let second = rpassword::prompt_password("パスワード（確認）: ").map_err(|e| e.to_string())?;
    if first != second {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}

/// `kenpo verify FILE`: prints the rows per table; exit 1 when anything is inconsistent.
pub(super) fn verify(file: &std::path::Path) -> Result<(), JobError> {
    // A damaged file may make the storage engine panic; `verify_file` turns that into a
    // finding, and the panic's own message would only confuse.
    std::panic::set_hook(Box::new(|_| {}));
    let report = crate::jobs::verify::verify_file(file)?;
    print!("{}", report.render(file));
    if report.is_consistent() {
        Ok(())
    } else {
        Err(JobError::User(format!(
            "{} is not consistent ({} problems above)",
            file.display(),
            report.problems.len()
        )))
    }
}

/// Creates the output file (new, owner-only) before the job changes anything, so that an
/// unwritable path is refused first; removes it again if the job fails.
pub(super) fn with_output(
    out: &Path,
    job: impl FnOnce(&Path) -> Result<(), JobError>,
) -> Result<(), JobError> {
    let created = crate::store::files::create_private(out);
    if let Err(e) = created {
        let why = if e.kind() == std::io::ErrorKind::AlreadyExists {
            "it already exists; choose a new file name".to_string()
        } else {
            e.to_string()
        };
        return Err(JobError::User(format!(
            "cannot write {}: {why}",
            out.display()
        )));
    }
    let result = job(out);
    if result.is_err() {
        let _ = std::fs::remove_file(out);
    }
    result
}
