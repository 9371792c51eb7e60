//! Answers in JSON or XML (SPEC sections 3.2 and 3.3).

use axum::body::Bytes;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use crate::error::ApiError;

/// `HostId` of every error envelope.
pub const HOST_ID: &str = "vpc.aliyuncs.com";

const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";
/// The exact string the Tea SDKs test for before they parse an XML error.
const XML_CONTENT_TYPE: &str = "text/xml;charset=utf-8";
const X_ACS_REQUEST_ID: HeaderName = HeaderName::from_static("x-acs-request-id");
const XML_DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";

/// The answer format a request asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Json,
    Xml,
}

/// A successful action's fields, in answer order, without `RequestId`. Lists are written as the
/// API's wrapper objects (`{"X": {"Y": [...]}}`), which XML renders as `<X><Y>..</Y><Y>..</Y></X>`.
pub type Reply = Map<String, Value>;

fn respond(status: StatusCode, format: Format, request_id: &str, body: Bytes) -> Response {
    let content_type = match format {
        Format::Json => JSON_CONTENT_TYPE,
        Format::Xml => XML_CONTENT_TYPE,
    };
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert(X_ACS_REQUEST_ID, id);
    }
    response
}

fn with_request_id(request_id: &str, fields: Reply) -> Value {
    let mut map = Map::with_capacity(fields.len() + 1);
    map.insert("RequestId".into(), Value::String(request_id.to_owned()));
    map.extend(fields);
    Value::Object(map)
}

fn to_body(root: &str, value: &Value, format: Format) -> String {
    match format {
        Format::Json => value.to_string(),
        Format::Xml => {
            let mut out = String::with_capacity(256);
            out.push_str(XML_DECLARATION);
            write_xml(&mut out, root, value);
            out
        }
    }
}

/// 200 with the action's fields, and the body as sent (shared, not copied) for the journal.
pub fn success_response(
    action: &str,
    request_id: &str,
    format: Format,
    fields: Reply,
) -> (Response, Bytes) {
    let body = match format {
        // Written field by field: this is on every successful call's path.
        Format::Json => {
            let mut out = Vec::with_capacity(256);
            // Strings and JSON values always serialize.
            out.extend_from_slice(b"{\"RequestId\":");
            let _ = serde_json::to_writer(&mut out, request_id);
            for (key, value) in &fields {
                out.push(b',');
                let _ = serde_json::to_writer(&mut out, key);
                out.push(b':');
                let _ = serde_json::to_writer(&mut out, value);
            }
            out.push(b'}');
            Bytes::from(out)
        }
        Format::Xml => Bytes::from(to_body(
            &format!("{action}Response"),
            &with_request_id(request_id, fields),
            format,
        )),
    };
    (
        respond(StatusCode::OK, format, request_id, body.clone()),
        body,
    )
}

/// The error envelope: `RequestId, HostId, Code, Message, Recommend` and, on RAM denials,
/// `AccessDeniedDetail`.
pub fn error_body(error: &ApiError, request_id: &str) -> Value {
    let code = error.code();
    let recommend =
        format!("https://api.aliyun.com/troubleshoot?q={code}&product=Vpc&requestId={request_id}");
    let mut ordered = Map::with_capacity(6);
    ordered.insert("RequestId".into(), request_id.into());
    ordered.insert("HostId".into(), HOST_ID.into());
    ordered.insert("Code".into(), code.into());
    ordered.insert("Message".into(), error.message().into());
    ordered.insert("Recommend".into(), recommend.into());
    if let Some(Ok(detail)) = error.access_denied_detail().map(serde_json::to_value) {
        ordered.insert("AccessDeniedDetail".into(), detail);
    }
    Value::Object(ordered)
}

/// An error answered in the envelope of SPEC 3.3.
pub fn error_response(error: &ApiError, request_id: &str, format: Format) -> Response {
    error_response_with_body(error, request_id, format).0
}

/// The same, with the body as sent for the journal.
pub fn error_response_with_body(
    error: &ApiError,
    request_id: &str,
    format: Format,
) -> (Response, Bytes) {
    let body = Bytes::from(to_body("Error", &error_body(error, request_id), format));
    (
        respond(error.status(), format, request_id, body.clone()),
        body,
    )
}

fn write_xml(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Array(items) => {
            for item in items {
                write_xml(out, name, item);
            }
        }
        Value::Object(fields) => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            for (key, field) in fields {
                write_xml(out, key, field);
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        scalar => {
            out.push('<');
            out.push_str(name);
            out.push('>');
            match scalar {
                Value::String(s) => push_xml_text(out, s),
                Value::Null => {}
                other => out.push_str(&other.to_string()),
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

/// Text as XML 1.0 can carry it (SPEC section 13): markup escaped, a carriage return as a
/// character reference (a parser would fold it), and the characters XML 1.0 has no place for
/// (controls but tab and newline, U+FFFE, U+FFFF) as U+FFFD.
fn push_xml_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every error of the catalogue renders its code and message in the envelope, in JSON and
    /// in well-formed XML.
    #[test]
    fn every_error_renders_in_the_envelope() {
        for e in ApiError::each("Name", 10) {
            let body = error_body(&e, "R");
            assert_eq!(body["Code"], e.code().as_str());
            assert_eq!(body["Message"], e.message().as_str());
            let xml = to_body("Error", &body, Format::Xml);
            assert!(xml.contains(&format!("<Code>{}</Code>", e.code())), "{xml}");
        }
    }

    #[test]
    fn xml_text_is_always_well_formed() {
        let mut out = String::new();
        push_xml_text(&mut out, "a<b>&\"'\r\n\t\u{0}\u{1b}\u{7f}\u{ffff}é");
        assert_eq!(
            out,
            "a&lt;b&gt;&amp;&quot;&apos;&#13;\n\t\u{fffd}\u{fffd}\u{7f}\u{fffd}é"
        );
        let xml = to_body(
            "Error",
            &json!({"Message": "bad\u{0}name", "Code": "x"}),
            Format::Xml,
        );
        let mut reader = quick_xml::Reader::from_str(&xml);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("ill-formed XML {xml}: {e}"),
            }
        }
    }
    use serde_json::json;

    fn fields(v: Value) -> Reply {
        match v {
            Value::Object(m) => m,
            _ => unreachable!("test input is an object"),
        }
    }

    #[test]
    fn xml_renders_wrappers_as_repeated_elements_and_escapes_text() {
        let v = with_request_id(
            "RID",
            fields(json!({
                "TotalCount": 2,
                "Keys": {"Key": [{"Name": "a<b&c"}, {"Name": "d"}]}
            })),
        );
        assert_eq!(
            to_body("ListResponse", &v, Format::Xml),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListResponse><RequestId>RID</RequestId>\
             <TotalCount>2</TotalCount><Keys><Key><Name>a&lt;b&amp;c</Name></Key>\
             <Key><Name>d</Name></Key></Keys></ListResponse>"
        );
    }

    #[test]
    fn error_envelope_has_the_exact_key_order() {
        let v = error_body(&ApiError::InvalidName, "ABC");
        assert_eq!(
            v.to_string(),
            r#"{"RequestId":"ABC","HostId":"vpc.aliyuncs.com","Code":"InvalidName","Message":"The name is not valid","Recommend":"https://api.aliyun.com/troubleshoot?q=InvalidName&product=Vpc&requestId=ABC"}"#
        );
    }
}
