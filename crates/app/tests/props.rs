//! The deep-link parser never panics, whatever string a link or a second launch hands it.

use proptest::prelude::*;
use zenml_pro_app::deeplink::{parse, DeepLink};

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_links_never_panic(s in "\\PC{0,200}") {
        let _ = parse(&s);
        let _ = parse(&format!("zenml-pro-desktop://{s}"));
        if let Ok(DeepLink::Org(name)) = parse(&format!("zenml-pro-desktop://org/{s}")) {
            prop_assert_eq!(name.trim(), name.as_str());
        }
    }
}
