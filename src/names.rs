//! The certificate `Name` rules (SPEC section 7.1), parsed once into a [`CertName`].

use crate::config::NameRule;
use crate::error::ApiError;

/// A name that passed the configured rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertName(String);

fn is_chinese(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

impl CertName {
    pub fn parse(value: &str, rule: NameRule) -> Result<CertName, ApiError> {
        let chars = value.chars().count();
        let ok = match rule {
            NameRule::Current => checked_text(value, 100, true, ApiError::InvalidName).is_ok(),
            NameRule::Legacy => {
                let mut it = value.chars();
                (2..=128).contains(&chars)
                    && it
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || is_chinese(c))
                    && it.all(|c| {
                        c.is_ascii_alphanumeric() || is_chinese(c) || matches!(c, '.' | '_' | '-')
                    })
            }
        };
        if ok {
            Ok(CertName(value.to_owned()))
        } else {
            Err(ApiError::InvalidName)
        }
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A name or description of SPEC section 12: 1 to `max` characters, not starting with
/// `http://` or `https://` (any case) when `no_url`; `err` otherwise.
pub fn checked_text(
    value: &str,
    max: usize,
    no_url: bool,
    err: ApiError,
) -> Result<String, ApiError> {
    let chars = value.chars().count();
    let lower = value.get(..8).unwrap_or(value).to_ascii_lowercase();
    let url = lower.starts_with("http://") || lower.starts_with("https://");
    if (1..=max).contains(&chars) && !(no_url && url) {
        Ok(value.to_owned())
    } else {
        Err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn current(v: &str) -> bool {
        CertName::parse(v, NameRule::Current).is_ok()
    }
    fn legacy(v: &str) -> bool {
        CertName::parse(v, NameRule::Legacy).is_ok()
    }

    #[test]
    fn texts_count_characters() {
        let t = |v: &str| checked_text(v, 3, true, ApiError::InvalidName).is_ok();
        assert!(t("abc") && t("证书名") && !t("abcd") && !t("") && !t("HTTPS://"));
        assert!(checked_text("http://", 10, false, ApiError::InvalidName).is_ok());
    }

    #[test]
    fn current_rule_counts_characters_and_refuses_urls() {
        assert!(current("a"));
        assert!(current(&"é".repeat(100)));
        assert!(!current(&"a".repeat(101)));
        assert!(!current(""));
        assert!(!current("HTTP://x"));
        assert!(!current("https://x"));
        assert!(current("http:/x"));
        assert!(current("my cert*~/é+&=()!'"));
        assert!(current("证书"));
    }

    #[test]
    fn legacy_rule_wants_a_letter_first_and_a_small_alphabet() {
        assert!(legacy("ab"));
        assert!(legacy("证书-1.a_b"));
        assert!(!legacy("a"));
        assert!(!legacy("1abc"));
        assert!(!legacy("ab c"));
        assert!(!legacy(&format!("a{}", "b".repeat(128))));
        assert!(legacy(&format!("a{}", "b".repeat(127))));
        assert!(!legacy("http://x"));
    }
}
