//! Input checks never panic, whatever they are given.

use proptest::prelude::*;
use zenml_pro_core::validate::{check_email, check_org_name};

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn the_email_and_name_checks_never_panic(s in "\\PC{0,300}") {
        let _ = check_email(&s);
        let _ = check_email(&format!("{s}@{s}.{s}"));
        let _ = check_org_name(&s);
    }

    #[test]
    fn a_valid_email_has_one_at_and_no_spaces(s in "\\PC{0,80}") {
        if check_email(&s).is_ok() {
            prop_assert!(s.contains('@') && !s.chars().any(char::is_whitespace));
        }
    }
}
