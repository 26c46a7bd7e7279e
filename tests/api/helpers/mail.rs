//! A real SMTP server on loopback (Debian's python3-aiosmtpd) that keeps
//! what it receives, and the configuration a mail test builds.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use scrutin::config::Config;
use scrutin::mail::Mailer;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};

/// The system Python: pyenv's `python3` on PATH does not see Debian's packages.
const PYTHON: &str = "/usr/bin/python3";
const INSTALL: &str = "apt-get install -y python3-aiosmtpd";

pub fn config(vars: &[(&str, String)]) -> Config {
    Config::from_lookup(|name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("test configuration")
}
/// An aiosmtpd server on a free loopback port that saves each message it
/// accepts as `N.json` (parsed by Python's own `email` package) and refuses
/// for good any recipient whose address starts with `refused`. When the
/// file `delay` beside the received folder holds a number, it waits that
/// many seconds before answering each message (a slow server; messages are
/// still taken concurrently); the test may change it while the server runs.
const SMTP_SERVER: &str = r#"
import asyncio, email, json, pathlib, sys
from email import policy
from aiosmtpd.smtp import SMTP

out = pathlib.Path(sys.argv[1])
delay_file = out.parent / "delay"

class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        delay = float(delay_file.read_text()) if delay_file.exists() else 0.0
        if delay:
            await asyncio.sleep(delay)
        msg = email.message_from_bytes(envelope.original_content, policy=policy.default)
        html = msg.get_body(preferencelist=("html",))
        data = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["from"]),
            "to": str(msg["to"]),
            "subject": str(msg["subject"]),
            "message_id": str(msg["message-id"]),
            "content_type": msg.get_content_type(),
            "text": msg.get_body(preferencelist=("plain",)).get_content(),
            "html": html.get_content() if html is not None else None,
        }
        n = len(list(out.glob("*.json")))
        tmp = out / f"{n}.tmp"
        tmp.write_text(json.dumps(data))
        tmp.rename(out / f"{n}.json")
        return "250 OK"

loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
server = loop.run_until_complete(
    loop.create_server(lambda: SMTP(Handler()), "127.0.0.1", 0))
print(server.sockets[0].getsockname()[1], flush=True)
loop.run_forever()
"#;

pub struct SmtpServer {
    pub port: u16,
    received: PathBuf,
    _child: tokio::process::Child,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts the server; fails loudly, with the command to run, when
    /// Debian's python3-aiosmtpd is missing.
    pub async fn start() -> SmtpServer {
        let check = std::process::Command::new(PYTHON)
            .args(["-c", "import aiosmtpd"])
            .output();
        match check {
            Ok(o) if o.status.success() => {}
            Ok(o) => panic!(
                "the SMTP test needs aiosmtpd for {PYTHON}: run `{INSTALL}` ({})",
                String::from_utf8_lossy(&o.stderr).trim()
            ),
            Err(e) => panic!("the SMTP test needs {PYTHON} ({e}): run `{INSTALL}`"),
        }
        let dir = tempfile::tempdir().expect("temporary folder");
        let script = dir.path().join("smtp_server.py");
        std::fs::write(&script, SMTP_SERVER).expect("write the server script");
        let received = dir.path().join("received");
        std::fs::create_dir(&received).expect("the received folder");
        let mut child = tokio::process::Command::new(PYTHON)
            .arg(&script)
            .arg(&received)
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {PYTHON}: {e}"));
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        tokio::time::timeout(
            Duration::from_secs(20),
            BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("the SMTP server prints its port within 20 s")
        .expect("read the port");
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the SMTP server did not start: {line:?}"));
        SmtpServer {
            port,
            received,
            _child: child,
            _dir: dir,
        }
    }

    pub fn mailer(&self) -> Mailer {
        Mailer::from_config(&config(&[
            (
                "SCRUTIN_SMTP_URL",
                format!("smtp://127.0.0.1:{}", self.port),
            ),
            ("SCRUTIN_MAIL_FROM", "ag@example.coop".into()),
        ]))
        .expect("the SMTP backend")
        .with_retry_delays(vec![Duration::from_millis(20); 3])
    }

    /// From now on, each message is answered after `seconds`.
    pub fn slow_down(&self, seconds: f64) {
        let file = self.received.with_file_name("delay");
        std::fs::write(file, seconds.to_string()).expect("write the delay");
    }

    pub fn messages(&self) -> Vec<Value> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.received)
            .expect("the received folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        // In the order received: `N.json`, numerically.
        files.sort_by_key(|p| {
            p.file_stem()
                .and_then(|s| s.to_str())
                .and_then(|s| s.parse::<u64>().ok())
        });
        files
            .iter()
            .map(|p| {
                serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("JSON")
            })
            .collect()
    }
}
