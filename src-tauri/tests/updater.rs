//! The real updater plugin, as the app wires it, against an update server on loopback: `latest.json`
//! and a minisign-signed artifact served by a small HTTP server in this test, keys and signatures
//! made at run time. A newer version is found and its download verifies; a tampered artifact, an
//! artifact signed with another key and an older version are each refused, in plain words. Nothing
//! is installed.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Cursor, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use ct_codecs::{Base64, Encoder};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};
use zenml_pro_app::{UpdateConfig, UpdateError, UpdateService};
use zenml_pro_desktop::updater::{self, PluginUpdates};

/// Files by path, served over HTTP/1.1 on 127.0.0.1 (one request per connection).
#[derive(Clone, Default)]
struct Server {
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl Server {
    fn start() -> (Self, String) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let server = Self::default();
        let files = server.files.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    continue;
                }
                // The headers, up to the blank line.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_owned();
                let body = files.lock().unwrap().get(&path).cloned();
                let (status, body) = match body {
                    Some(b) => ("200 OK", b),
                    None => ("404 Not Found", b"not found".to_vec()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\nContent-Length: {}\r\nContent-Type: application/octet-stream\r\n\
                     Connection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
            }
        });
        (server, base)
    }

    fn put(&self, path: &str, body: impl Into<Vec<u8>>) {
        self.files.lock().unwrap().insert(path.into(), body.into());
    }
}

/// A minisign key pair as `tauri signer generate` makes it: the app's `pubkey` is base64 of the
/// public key file's text.
struct Key {
    kp: minisign::KeyPair,
}

impl Key {
    fn new() -> Self {
        Self { kp: minisign::KeyPair::generate_unencrypted_keypair().unwrap() }
    }

    fn pubkey_setting(&self) -> String {
        Base64::encode_to_string(self.kp.pk.to_box().unwrap().to_string()).unwrap()
    }

    /// The `signature` of `latest.json`: base64 of the `.sig` file's text, its trusted comment naming
    /// the version (as `tauri signer sign --app-version` writes it).
    fn sign(&self, data: &[u8], version: &str) -> String {
        self.sign_with_comment(data, &format!("timestamp:1700000000\tfile:app.tar.gz\tversion:{version}"))
    }

    /// As [`Key::sign`], with a trusted comment of the test's choosing.
    fn sign_with_comment(&self, data: &[u8], trusted: &str) -> String {
        let sig = minisign::sign(
            Some(&self.kp.pk),
            &self.kp.sk,
            Cursor::new(data),
            Some(trusted),
            Some("signature from tauri secret key"),
        )
        .unwrap();
        Base64::encode_to_string(sig.to_string()).unwrap()
    }
}

/// The updater's name for this computer in `latest.json` (`{os}-{arch}`).
fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    format!("{os}-{}", std::env::consts::ARCH)
}

fn manifest(base: &str, version: &str, signature: &str) -> String {
    serde_json::json!({
        "version": version,
        "notes": "Faster sign-in",
        "pub_date": "2026-12-01T10:00:00Z",
        "platforms": { platform(): { "url": format!("{base}/app.tar.gz"), "signature": signature } }
    })
    .to_string()
}

/// The app as `run` wires it (plugin and its configuration in the context), on the mock runtime, at
/// this crate's version, with its update service.
fn app(base: &str, pubkey: &str) -> (tauri::App<MockRuntime>, PluginUpdates<MockRuntime>) {
    let config = UpdateConfig::from_values(Some(&format!("{base}/latest.json")), Some(pubkey))
        .expect("a loopback endpoint and a key make an update configuration");
    let mut context = mock_context(noop_assets());
    context.package_info_mut().version = env!("CARGO_PKG_VERSION").parse().unwrap();
    let app =
        updater::wire(mock_builder(), &mut context, Some(&config)).build(context).expect("the app builds");
    let service = PluginUpdates::new(app.handle().clone(), config);
    (app, service)
}

const ARTIFACT: &[u8] = b"the bytes of ZenML Pro Desktop 99.0.0, packed";

#[test]
fn the_updater_finds_verifies_and_refuses_as_it_should() {
    tauri::async_runtime::block_on(async {
        let (server, base) = Server::start();
        let key = Key::new();
        let (_app, service) = app(&base, &key.pubkey_setting());
        assert_eq!(service.current_version(), env!("CARGO_PKG_VERSION"));

        // A newer version, signed with the app's key: found, downloaded and verified.
        server.put("/app.tar.gz", ARTIFACT);
        server.put("/latest.json", manifest(&base, "99.0.0", &key.sign(ARTIFACT, "99.0.0")));
        let offer = service.check().await.expect("the check succeeds").expect("99.0.0 is offered");
        assert_eq!(offer.version, "99.0.0");
        assert_eq!(offer.notes.as_deref(), Some("Faster sign-in"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let bytes = service
            .download(&move |done, total| sink.lock().unwrap().push((done, total)))
            .await
            .expect("the download verifies");
        assert_eq!(bytes, ARTIFACT);
        let total = ARTIFACT.len() as u64;
        assert_eq!(seen.lock().unwrap().last(), Some(&(total, Some(total))));

        // Refusal 1: the artifact changed after it was signed.
        let mut tampered = ARTIFACT.to_vec();
        tampered[4] ^= 0x20;
        server.put("/app.tar.gz", tampered);
        service.check().await.unwrap().expect("still offered");
        let err = service.download(&|_, _| {}).await.expect_err("a tampered artifact is refused");
        assert_eq!(err, UpdateError::BadSignature);
        assert_eq!(
            err.to_string(),
            "The update's signature does not match this app's update key: not installed."
        );

        // Refusal 2: the right bytes, signed with another key.
        server.put("/app.tar.gz", ARTIFACT);
        let other = Key::new();
        server.put("/latest.json", manifest(&base, "99.0.0", &other.sign(ARTIFACT, "99.0.0")));
        service.check().await.unwrap().expect("still offered");
        let err = service.download(&|_, _| {}).await.expect_err("another key's signature is refused");
        assert_eq!(
            err.to_string(),
            "The update's signature does not match this app's update key: not installed."
        );

        // The right key, but signed for another version than the server announces.
        server.put("/latest.json", manifest(&base, "99.0.0", &key.sign(ARTIFACT, "98.0.0")));
        service.check().await.unwrap().expect("still offered");
        let err = service.download(&|_, _| {}).await.expect_err("a signature for another version is refused");
        assert_eq!(
            err.to_string(),
            "The update server announced version 99.0.0 but its download is signed for version 98.0.0: not installed."
        );

        // The right key, but a signature that does not say which version it was made for (the app
        // requires it, so that an old signed file cannot be served as a new version).
        let unversioned = key.sign_with_comment(ARTIFACT, "timestamp:1700000000\tfile:app.tar.gz");
        server.put("/latest.json", manifest(&base, "99.0.0", &unversioned));
        service.check().await.unwrap().expect("still offered");
        let err = service.download(&|_, _| {}).await.expect_err("a signature without a version is refused");
        assert_eq!(
            err.to_string(),
            "The update's signature does not say which version it was made for: not installed."
        );

        // Refusal 3: an older version (validly signed) and the same version are not offered.
        server.put("/latest.json", manifest(&base, "0.0.1", &key.sign(ARTIFACT, "0.0.1")));
        assert_eq!(
            service.check().await.expect("the check succeeds"),
            None,
            "an older version is not offered"
        );
        let err = service.download(&|_, _| {}).await.expect_err("nothing left to download");
        assert!(err.to_string().contains("check for updates first"), "{err}");
        let same = env!("CARGO_PKG_VERSION");
        server.put("/latest.json", manifest(&base, same, &key.sign(ARTIFACT, same)));
        assert_eq!(
            service.check().await.expect("the check succeeds"),
            None,
            "the running version is not offered"
        );

        // A server that answers with an error is named as such.
        server.files.lock().unwrap().remove("/latest.json");
        let err = service.check().await.expect_err("no manifest");
        assert!(err.to_string().starts_with("Could not reach the update server"), "{err}");
    });
}

/// Without an update server, the app has no updater plugin and tells the window so.
#[test]
fn a_build_without_an_update_server_has_no_updater() {
    let mut context = mock_context(noop_assets());
    let app = updater::wire(mock_builder(), &mut context, None).build(context).expect("the app builds");
    assert!(!context_has_updater(&app));
}

fn context_has_updater(app: &tauri::App<MockRuntime>) -> bool {
    app.config().plugins.0.contains_key("updater")
}
