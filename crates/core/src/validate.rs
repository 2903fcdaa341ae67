//! Input checks made before any request, with messages in plain words.

/// Checks the syntax of an email address: one `@`, a non-empty local part, a domain with a dot and
/// no empty labels, no spaces, at most 254 characters.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Err("the email address is empty".into());
    }
    if email.len() > 254 {
        return Err("the email address is longer than 254 characters".into());
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("the email address contains spaces".into());
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Err("the email address has no @".into());
    };
    if local.is_empty() || local.contains('@') || local.len() > 64 {
        return Err("the part before @ is empty or invalid".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-')) {
        return Err("the domain after @ is not valid".into());
    }
    if !labels.iter().all(|l| l.chars().all(|c| c.is_alphanumeric() || c == '-')) {
        return Err("the domain after @ contains characters a domain cannot have".into());
    }
    Ok(())
}

/// Checks an organization name: not empty, at most 50 characters, letters, digits, spaces, `-`, `_`.
pub fn check_org_name(name: &str) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("the organization name is empty".into());
    }
    if name.chars().count() > 50 {
        return Err("the organization name is longer than 50 characters".into());
    }
    if !name.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_')) {
        return Err("the organization name may only have letters, digits, spaces, '-' and '_'".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        for ok in ["a@b.co", "first.last+tag@sub.example.com", "x_y@d-e.org"] {
            assert_eq!(check_email(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "plain", "a@b", "@b.co", "a@.co", "a b@c.co", "a@b..co", "a@-b.co", "a@b.co\n", "a@@b.co",
            "a@b_c.co",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn org_names() {
        assert!(check_org_name("acme-ml").is_ok());
        assert!(check_org_name("Acme ML_2").is_ok());
        assert!(check_org_name("  ").is_err());
        assert!(check_org_name(&"x".repeat(51)).is_err());
        assert!(check_org_name("<img src=x>").is_err());
    }
}
