//! System proxy settings are honoured for remote servers and bypassed for this computer: with every
//! proxy variable pointing at a port where nothing listens, the emulator on loopback is still reached.
//! One test: it sets process-wide variables.

use zenml_cloud_api::*;
use zenml_pro_emulator::{start, EmulatorConfig};

#[tokio::test]
async fn loopback_servers_bypass_the_system_proxy() {
    for var in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
        std::env::set_var(var, "http://127.0.0.1:9");
    }
    std::env::remove_var("NO_PROXY");
    std::env::remove_var("no_proxy");
    let emu = start(EmulatorConfig { port: 0, ..Default::default() }).await.unwrap();
    let mut config = ClientConfig::new(emu.base_url());
    config.retry = RetryPolicy::none();
    let c = ApiClient::new(config).unwrap();
    let t =
        c.login_with_key(&ApiKey::new(&emu.credentials().admin.key)).await.expect("no proxy for loopback");
    assert!(c.me(&t.access_token).await.is_ok());
}
