//! Every JSON document the emulator reads (fixtures, the state file and its log lines, admin
//! request bodies) is one JSON value followed only by whitespace (SPEC section 9): anything
//! after it is refused with its position. Errors name the JSON path of the offending value.

use serde::de::DeserializeOwned;

/// Why a document was refused: where (a JSON path, `$` for the whole document) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    pub path: String,
    pub reason: String,
}

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

fn parse<'de, T: DeserializeOwned, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
) -> Result<T, JsonError> {
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        JsonError {
            path: if path == "." { "$".into() } else { path },
            reason: e.into_inner().to_string(),
        }
    })?;
    de.end().map_err(|e| JsonError {
        path: "$".into(),
        reason: format!("{e} (after the JSON value)"),
    })?;
    Ok(value)
}

pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    parse(serde_json::Deserializer::from_str(text))
}

pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    parse(serde_json::Deserializer::from_slice(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn one_value_then_only_whitespace() {
        assert!(from_str::<Value>("{\"a\": 1}\n\t ").is_ok());
        let garbage = from_str::<Value>("{\"a\": 1}]]] garbage").unwrap_err();
        assert_eq!(
            garbage.to_string(),
            "$: trailing characters at line 1 column 9 (after the JSON value)"
        );
        let two = from_slice::<Value>(b"{} {}").unwrap_err();
        assert_eq!(two.path, "$");
        assert!(two.reason.contains("column 4"), "{two}");
    }

    #[test]
    fn errors_name_the_path() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Doc {
            list: Vec<u8>,
        }
        let e = from_str::<Doc>(r#"{"list": [1, "x"]}"#).unwrap_err();
        assert_eq!(e.path, "list[1]");
    }
}
