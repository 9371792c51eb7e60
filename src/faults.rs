//! Injected faults of the admin API (SPEC section 8): the next `Count` calls of an action
//! answer a chosen error, after authentication and before anything changes, optionally after a
//! delay.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// A rule as `POST /_emulator/faults` takes it and `GET` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "PascalCase")]
pub struct FaultRule {
    /// An action name or `*`.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// How many matching calls the rule still applies to.
    #[serde(default = "one")]
    pub count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Fills `{P}` of `MissingParameter` and `InvalidParameter`; defaults to `Action`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
}

fn one() -> u32 {
    1
}

/// What a matching rule does to a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub delay: Option<Duration>,
    pub error: Option<ApiError>,
}

impl FaultRule {
    /// Checks a rule; the error says what is wrong.
    pub fn validate(&self, max_body_bytes: usize) -> Result<(), String> {
        if self.action != "*" && crate::actions::find(&self.action).is_none() {
            return Err(format!(
                "Action: not an action of the emulator or \"*\" ({})",
                self.action
            ));
        }
        if self.count == 0 {
            return Err("Count: must be at least 1 (0)".into());
        }
        match &self.code {
            None if self.delay_ms.is_none() => Err("a rule needs a Code, a DelayMs or both".into()),
            None => Ok(()),
            Some(code) => {
                if code.is_empty() {
                    return Err("Code: must not be empty".into());
                }
                let known = ApiError::from_catalogue(code, "", max_body_bytes).is_some();
                if !known && (self.http_status.is_none() || self.message.is_none()) {
                    return Err(format!(
                        "Code: not in the catalogue, so HttpStatus and Message must be given ({code})"
                    ));
                }
                if let Some(status) = self.http_status.filter(|s| !(400..=599).contains(s)) {
                    return Err(format!("HttpStatus: must be 400 to 599 ({status})"));
                }
                Ok(())
            }
        }
    }

    fn fault(&self, max_body_bytes: usize) -> Fault {
        let error = self.code.as_ref().map(|code| {
            let param = self.parameter.as_deref().unwrap_or("Action");
            let catalogue = ApiError::from_catalogue(code, param, max_body_bytes);
            match (catalogue, self.http_status, &self.message) {
                (Some(e), None, None) => e,
                (e, status, message) => ApiError::Custom {
                    code: code.clone(),
                    status: status
                        .unwrap_or_else(|| e.as_ref().map_or(400, |e| e.status().as_u16())),
                    message: message
                        .clone()
                        .unwrap_or_else(|| e.map(|e| e.message()).unwrap_or_default()),
                },
            }
        });
        Fault {
            delay: self.delay_ms.map(Duration::from_millis),
            error,
        }
    }
}

#[derive(Debug, Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
    /// Whether there are rules: every API call asks, and almost always there are none, so the
    /// answer is read without taking the lock. Written only while the lock is held.
    armed: AtomicBool,
}

impl Faults {
    pub fn add(&self, rule: FaultRule) {
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        rules.push(rule);
        self.armed.store(true, Ordering::Release);
    }

    pub fn list(&self) -> Vec<FaultRule> {
        self.rules
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn clear(&self) {
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        rules.clear();
        self.armed.store(false, Ordering::Release);
    }

    /// The first rule for this action (oldest first) uses up one of its calls.
    pub fn take(&self, action: &str, max_body_bytes: usize) -> Option<Fault> {
        if !self.armed.load(Ordering::Acquire) {
            return None;
        }
        let mut rules = self.rules.lock().unwrap_or_else(PoisonError::into_inner);
        let index = rules
            .iter()
            .position(|r| r.action == "*" || r.action == action)?;
        let rule = &mut rules[index];
        let fault = rule.fault(max_body_bytes);
        rule.count -= 1;
        if rule.count == 0 {
            rules.remove(index);
            self.armed.store(!rules.is_empty(), Ordering::Release);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> FaultRule {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn rules_are_validated() {
        assert!(
            rule(r#"{"Action": "ModifySslVpnClientCert", "Code": "Forbbiden.SubUser"}"#)
                .validate(10)
                .is_ok()
        );
        assert!(
            rule(r#"{"Action": "*", "DelayMs": 5}"#)
                .validate(10)
                .is_ok()
        );
        assert!(
            rule(r#"{"Action": "*", "Code": "MissingRegionId"}"#)
                .validate(10)
                .is_ok()
        );
        assert!(
            rule(r#"{"Action": "*", "Code": "Nope.Code"}"#)
                .validate(10)
                .is_err()
        );
        assert!(
            rule(r#"{"Action": "*", "Code": "Nope.Code", "HttpStatus": 409, "Message": "m"}"#)
                .validate(10)
                .is_ok()
        );
        assert!(
            rule(r#"{"Action": "Frobnicate", "Code": "Throttling"}"#)
                .validate(10)
                .is_err()
        );
        assert!(rule(r#"{"Action": "*"}"#).validate(10).is_err());
        assert!(
            rule(r#"{"Action": "*", "Code": "Throttling", "Count": 0}"#)
                .validate(10)
                .is_err()
        );
    }

    #[test]
    fn rules_apply_count_times_in_order() {
        let faults = Faults::default();
        faults.add(rule(
            r#"{"Action": "DescribeRegions", "Code": "ServiceUnavailable", "Count": 2}"#,
        ));
        faults.add(rule(r#"{"Action": "*", "Code": "Throttling"}"#));
        assert_eq!(
            faults.take("DescribeRegions", 10).and_then(|f| f.error),
            Some(ApiError::ServiceUnavailable)
        );
        assert_eq!(
            faults
                .take("ModifySslVpnClientCert", 10)
                .and_then(|f| f.error),
            Some(ApiError::Throttling)
        );
        assert_eq!(
            faults.take("DescribeRegions", 10).and_then(|f| f.error),
            Some(ApiError::ServiceUnavailable)
        );
        assert_eq!(faults.take("DescribeRegions", 10), None);
        assert!(faults.list().is_empty());
        // Used up, then armed again; cleared, then nothing applies.
        faults.add(rule(r#"{"Action": "*", "Code": "Throttling"}"#));
        assert!(faults.take("DescribeRegions", 10).is_some());
        faults.add(rule(r#"{"Action": "*", "Code": "Throttling"}"#));
        faults.clear();
        assert_eq!(faults.take("DescribeRegions", 10), None);
    }
}
