//! Drives the real ZenML Pro Desktop app in its real webview over WebDriver: `tauri-driver` in front
//! of WebKitWebDriver, under Xvfb and a private D-Bus session (see `scripts/e2e.sh`, which builds the
//! UI and the app, starts the display and the session, and runs these tests).
//!
//! Each [`App`] is a fresh process with its own home, XDG and data directories, so tests never touch
//! the real user's data and never see each other's. Screens are found the way a person finds them: by
//! visible text and accessible labels, not by internal ids.
//!
//! To add a scenario: write a `#[tokio::test] #[ignore]` in `tests/desktop.rs` (ignored because it
//! needs a display; the e2e script runs the ignored tests), launch with [`App::launch`], and use the
//! helpers here; add a helper when a step is needed twice.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// How long a step may take before the test fails (the first launch builds WebKit's caches).
pub const STEP_TIMEOUT: Duration = Duration::from_secs(30);

/// The app binary: `ZENML_PRO_E2E_APP`, else `target/debug/zenml-pro-desktop` of this workspace.
pub fn app_binary() -> PathBuf {
    if let Ok(p) = std::env::var("ZENML_PRO_E2E_APP") {
        return PathBuf::from(p);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/debug/zenml-pro-desktop")
}

/// A free loopback port.
fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Points a command's home, XDG and data directories at `home`, and logs at `info`.
pub fn private_env(cmd: &mut Command, home: &Path) {
    cmd.env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("ZENML_PRO_DESKTOP_DATA_DIR", home.join("zenml-pro-desktop"))
        .env("RUST_LOG", "info");
}

/// Starts `tauri-driver` and, through it, the app in the folders of `home`, with `extra_env` added to
/// a clean, private environment; returns the WebDriver session and the driver process.
pub async fn start_session(home: &Path, extra_env: &[(&str, &str)]) -> Result<(Client, Child)> {
    // More than one rustls crypto provider is compiled in (the app crates' and the WebDriver
    // client's): choose one for the process, once.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let binary = app_binary().canonicalize().context("the app binary is built (scripts/e2e.sh builds it)")?;
    let port = free_port()?;
    let native_port = free_port()?;
    let driver_bin = std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into());
    let mut cmd = Command::new(driver_bin);
    cmd.args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .args(["--native-driver", "/usr/bin/WebKitWebDriver"])
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    private_env(&mut cmd, home);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut driver = cmd.spawn().context("tauri-driver starts (cargo install tauri-driver)")?;
    let caps = json!({
        "browserName": "wry",
        "tauri:options": {"application": binary},
    });
    let caps: serde_json::Map<String, Value> = caps.as_object().cloned().unwrap_or_default();
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let client = loop {
        match ClientBuilder::rustls()?.capabilities(caps.clone()).connect(&url).await {
            Ok(c) => break c,
            Err(e) if started.elapsed() < STEP_TIMEOUT => {
                if let Some(status) = driver.try_wait()? {
                    bail!("tauri-driver exited with {status}");
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
                let _ = e;
            }
            Err(e) => return Err(e).context("WebDriver session"),
        }
    };
    Ok((client, driver))
}

/// One running app, its WebDriver session, and its private directories.
pub struct App {
    pub client: Client,
    driver: Child,
    pub home: tempfile::TempDir,
}

impl App {
    /// Starts `tauri-driver` and, through it, the app with `extra_env` added to a clean, private
    /// environment.
    pub async fn launch(extra_env: &[(&str, &str)]) -> Result<Self> {
        let home = tempfile::tempdir()?;
        let (client, driver) = start_session(home.path(), extra_env).await?;
        Ok(Self { client, driver, home })
    }

    /// Ends the session (closing the app) and stops the driver.
    pub async fn close(mut self) -> Result<()> {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        Ok(())
    }

    /// The app's data directory (its cache can be read alongside it).
    pub fn data_dir(&self) -> PathBuf {
        self.home.path().join("zenml-pro-desktop")
    }

    /// Launches the app binary a second time, in the same environment, with `args`, and waits for it
    /// to end (a second instance hands its arguments to the running one and exits).
    pub fn launch_again(&self, args: &[&str]) -> Result<std::process::ExitStatus> {
        let mut cmd = Command::new(app_binary());
        cmd.args(args).stdout(Stdio::null()).stderr(Stdio::inherit());
        private_env(&mut cmd, self.home.path());
        let mut child = cmd.spawn()?;
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait()? {
                return Ok(status);
            }
            if started.elapsed() > STEP_TIMEOUT {
                let _ = child.kill();
                bail!("the second launch did not end: single instance is not working");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `check` passes, polling; fails with `what` after [`STEP_TIMEOUT`].
    pub async fn wait_until<F, Fut>(&self, what: &str, mut check: F) -> Result<()>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<bool>>,
    {
        let started = Instant::now();
        loop {
            if check().await.unwrap_or(false) {
                return Ok(());
            }
            if started.elapsed() > STEP_TIMEOUT {
                let text = self.body_text().await.unwrap_or_default();
                bail!("timed out waiting for {what}; the window shows:\n{text}");
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// The visible text of the whole window (the page's own `innerText`: WebKitWebDriver's element
    /// text fails on a page holding a `<datalist>`).
    pub async fn body_text(&self) -> Result<String> {
        let text = self.client.execute("return document.body.innerText", vec![]).await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    /// Waits until the window shows `text`.
    pub async fn wait_for_text(&self, text: &str) -> Result<()> {
        self.wait_until(&format!("the text {text:?}"), || async {
            Ok(self.body_text().await?.contains(text))
        })
        .await
    }

    /// Waits until the window no longer shows `text`.
    pub async fn wait_for_text_gone(&self, text: &str) -> Result<()> {
        self.wait_until(&format!("{text:?} to go away"), || async {
            Ok(!self.body_text().await?.contains(text))
        })
        .await
    }

    /// The first enabled element matching an XPath, waiting for it to appear.
    pub async fn find(&self, xpath: &str) -> Result<Element> {
        let started = Instant::now();
        loop {
            if let Ok(found) = self.client.find_all(Locator::XPath(xpath)).await {
                for e in found {
                    if e.is_displayed().await.unwrap_or(false) && e.is_enabled().await.unwrap_or(false) {
                        return Ok(e);
                    }
                }
            }
            if started.elapsed() > STEP_TIMEOUT {
                let text = self.body_text().await.unwrap_or_default();
                bail!("no enabled element {xpath}; the window shows:\n{text}");
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Clicks the button whose text or accessible label is `label`.
    pub async fn click_button(&self, label: &str) -> Result<()> {
        let q = xpath_literal(label);
        let xpath = format!(
            "//button[normalize-space(.)={q} or @aria-label={q}] | //summary[normalize-space(.)={q}]"
        );
        self.find(&xpath).await?.click().await?;
        Ok(())
    }

    /// Clicks the first button whose text contains `text` (for buttons that also show a shortcut).
    pub async fn click_button_containing(&self, text: &str) -> Result<()> {
        let xpath = format!("//button[contains(normalize-space(.), {})]", xpath_literal(text));
        self.find(&xpath).await?.click().await?;
        Ok(())
    }

    /// Types into the field labelled `label` (by `<label for>`), replacing what it holds.
    pub async fn fill(&self, label: &str, text: &str) -> Result<()> {
        let q = xpath_literal(label);
        let xpath = format!(
            "//*[@id=//label[normalize-space(.)={q}]/@for] | //*[@aria-label={q}][self::input or self::textarea]"
        );
        let field = self.find(&xpath).await?;
        field.clear().await?;
        field.send_keys(text).await?;
        Ok(())
    }

    /// Chooses the option shown as `value` (its text up to a ` — ` description, or its value) in the
    /// `<select>` labelled `label` (by `<label for>` or `aria-label`); role selects show names and
    /// carry ids.
    pub async fn choose(&self, label: &str, value: &str) -> Result<()> {
        let q = xpath_literal(label);
        let xpath = format!("//select[@id=//label[normalize-space(.)={q}]/@for or @aria-label={q}]");
        let select = self.find(&xpath).await?;
        let script = "const [s, v] = arguments; \
                      const shown = (o) => o.text.split(' — ')[0].trim(); \
                      const o = [...s.options].find((o) => shown(o) === v || o.value === v); \
                      if (!o) return null; s.value = o.value; \
                      s.dispatchEvent(new Event('input', {bubbles: true})); \
                      s.dispatchEvent(new Event('change', {bubbles: true})); \
                      return shown(o) === v ? v : s.value;";
        let chosen = self.client.execute(script, vec![serde_json::to_value(&select)?, json!(value)]).await?;
        if chosen != json!(value) {
            bail!("{label:?} has no option {value:?}");
        }
        Ok(())
    }

    /// Saves a screenshot as `name.png` into `ZENML_PRO_E2E_SCREENSHOTS` when that is set, after a
    /// moment for the last frame to be painted.
    pub async fn screenshot(&self, name: &str) -> Result<()> {
        let Ok(dir) = std::env::var("ZENML_PRO_E2E_SCREENSHOTS") else { return Ok(()) };
        tokio::time::sleep(Duration::from_millis(600)).await;
        // WebKit takes the snapshot at its next rendering update, and a still page under Xvfb has none
        // until something on it changes (minutes, at the next background sync): a one-pixel element
        // that flickers for a few seconds makes some.
        self.client
            .execute(
                "const d = document.createElement('div'); \
                 d.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;opacity:0.01'; \
                 document.body.appendChild(d); \
                 const t = setInterval(() => { d.style.opacity = d.style.opacity === '0.01' ? '0.02' : '0.01'; }, 40); \
                 setTimeout(() => { clearInterval(t); d.remove(); }, 4000);",
                vec![],
            )
            .await?;
        let png = self.client.screenshot().await?;
        std::fs::create_dir_all(&dir)?;
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png)?;
        Ok(())
    }
}

/// Runs `xdotool` (on the test's display) with `args`; its output, trimmed.
pub fn xdotool(args: &[&str]) -> Result<String> {
    let out =
        Command::new("xdotool").args(args).output().context("xdotool runs (scripts/lib.sh installs it)")?;
    if !out.status.success() {
        bail!("xdotool {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// The X window of a native dialog the app opened (a GTK file chooser, say) whose title is `title`,
/// waiting for it to be shown.
pub async fn native_window(title: &str) -> Result<String> {
    let started = Instant::now();
    let name = format!("^{title}$");
    loop {
        if let Ok(found) = xdotool(&["search", "--onlyvisible", "--name", &name]) {
            if let Some(id) = found.lines().next().filter(|l| !l.is_empty()) {
                return Ok(id.to_owned());
            }
        }
        if started.elapsed() > STEP_TIMEOUT {
            bail!("no window {title:?} was shown");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Whether a native window `title` is still shown.
pub fn native_window_shown(title: &str) -> bool {
    xdotool(&["search", "--onlyvisible", "--name", &format!("^{title}$")]).is_ok_and(|f| !f.is_empty())
}

/// Saves the whole screen (native dialogs included, which WebDriver's screenshots of the page do not
/// show) as `name.png` into `ZENML_PRO_E2E_SCREENSHOTS` when that is set.
pub fn screenshot_screen(name: &str) -> Result<()> {
    let Ok(dir) = std::env::var("ZENML_PRO_E2E_SCREENSHOTS") else { return Ok(()) };
    std::fs::create_dir_all(&dir)?;
    let file = Path::new(&dir).join(format!("{name}.png"));
    let status =
        Command::new("import").args(["-window", "root"]).arg(&file).status().context("import runs")?;
    if !status.success() {
        bail!("import -window root {}: {status}", file.display());
    }
    Ok(())
}

/// A stand-in for the desktop's opener (`xdg-open` first on the PATH) that writes down what it was
/// asked to open, one line each, in `<dir>/opened`.
pub fn stand_in_opener(dir: &Path) -> Result<(String, PathBuf)> {
    use std::os::unix::fs::PermissionsExt;
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin)?;
    let log = dir.join("opened");
    let script = bin.join("xdg-open");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n", log.display()))?;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    Ok((path, log))
}

/// An XPath string literal for any text (XPath 1.0 has no escapes).
pub fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}
