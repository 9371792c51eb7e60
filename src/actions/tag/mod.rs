//! User tags (SPEC section 12): `Tag.N.Key`/`Tag.N.Value` on create and as list filters, and
//! the tag actions `TagResources`, `UnTagResources` and `ListTagResources` over VPCs, vSwitches,
//! VPN gateways, and (SPEC 14) customer gateways and IPsec connections.

pub mod list_tag_resources;
pub mod tag_resources;
pub mod untag_resources;

use crate::error::ApiError;
use crate::protocol::Params;
use crate::state::doc::Tag;

pub use crate::rules::MAX_TAGS;

/// The `N`s of the parameters named `{prefix}.N{suffix}` for one of `suffixes` (`""`: the
/// name ends with `N`), sorted. `Err` is the first `N`, as written, that is outside `1..=max`
/// or not written plainly (`01`): the API refuses it rather than ignoring it (issue 24).
fn indices<'p>(
    params: &'p Params,
    prefix: &str,
    suffixes: &[&str],
    max: usize,
) -> Result<Vec<usize>, &'p str> {
    let mut found: Vec<(usize, &str)> = params
        .iter()
        .filter_map(|(name, _)| {
            let rest = name.strip_prefix(prefix)?.strip_prefix('.')?;
            let (n, suffix) = rest.find('.').map_or((rest, ""), |dot| rest.split_at(dot));
            if n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) || !suffixes.contains(&suffix)
            {
                return None;
            }
            // Digits too many for a number are past every limit.
            Some((n.parse().unwrap_or(usize::MAX), n))
        })
        .collect();
    found.sort_unstable();
    found.dedup();
    if let Some((_, bad)) = found
        .iter()
        .find(|(n, raw)| !(1..=max).contains(n) || raw.len() != n.to_string().len())
    {
        return Err(bad);
    }
    let mut numbers: Vec<usize> = found.into_iter().map(|(n, _)| n).collect();
    numbers.dedup();
    Ok(numbers)
}

/// The `N`s of `{prefix}.N.Key`/`{prefix}.N.Value`, each in 1-20 (else `InvalidParameter` for
/// that `{prefix}.N.Key`, as for a 21st tag).
fn tag_numbers(params: &Params, prefix: &str) -> Result<Vec<usize>, ApiError> {
    indices(params, prefix, &[".Key", ".Value"], MAX_TAGS)
        .map_err(|n| ApiError::InvalidParameter(format!("{prefix}.{n}.Key")))
}

/// The tags a call gives (`Tag.N.Key` with `Tag.N.Value`), in N order, each with its N, checked:
/// a key of 1-128 characters, a value of at most 128, neither starting with `aliyun` or `acs:`
/// nor holding `http://`/`https://`; at most 20 (`Tag.21.Key` is refused); a value without its
/// key names the key. `InvalidParameter` names the offending parameter.
pub fn parse_tags(params: &Params) -> Result<Vec<(usize, Tag)>, ApiError> {
    parse_tags_named(params, "Tag", 128)
}

/// [`parse_tags`] for a list named `prefix` (`Tags.N.Key` on CreateCustomerGateway and
/// CreateVpnConnection) whose keys may have at most `max_key` characters.
pub fn parse_tags_named(
    params: &Params,
    prefix: &str,
    max_key: usize,
) -> Result<Vec<(usize, Tag)>, ApiError> {
    let mut tags = Vec::new();
    for n in tag_numbers(params, prefix)? {
        let key_name = format!("{prefix}.{n}.Key");
        let value_name = format!("{prefix}.{n}.Value");
        let invalid = |name: &str| ApiError::InvalidParameter(name.to_owned());
        let key = params.get(&key_name);
        let value = params.get(&value_name);
        let key = key
            .filter(|k| crate::rules::tag_key(k) && k.chars().count() <= max_key)
            .ok_or_else(|| invalid(&key_name))?;
        let value = value.unwrap_or_default();
        if !crate::rules::tag_value(value) {
            return Err(invalid(&value_name));
        }
        tags.push((
            n,
            Tag {
                key: key.to_owned(),
                value: value.to_owned(),
            },
        ));
    }
    Ok(tags)
}

/// Sets each tag on a resource (an existing key takes the new value, so the same call twice is
/// one effect); a 21st key is `InvalidParameter` for its `Tag.N.Key`, and nothing is changed.
pub fn merge_tags(existing: &[Tag], new: &[(usize, Tag)]) -> Result<Vec<Tag>, ApiError> {
    let mut out = existing.to_vec();
    for (n, tag) in new {
        let full = out.len() >= MAX_TAGS;
        match out.iter_mut().find(|t| t.key == tag.key) {
            Some(t) => t.value.clone_from(&tag.value),
            None if full => {
                return Err(ApiError::InvalidParameter(format!("Tag.{n}.Key")));
            }
            None => out.push(tag.clone()),
        }
    }
    Ok(out)
}

/// `Tag.N.Key` list filters, each with its optional `Tag.N.Value` (SPEC 11 and 12); an `N`
/// outside 1-20 is `InvalidParameter` for its `Tag.N.Key`, as on Create.
pub struct TagFilter<'a>(Vec<(&'a str, Option<&'a str>)>);

/// `Tag.N.Key` and `Tag.N.Value` for N in 1..=20, made once rather than on every list call.
fn tag_names() -> &'static [(String, String)] {
    static NAMES: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        (1..=MAX_TAGS)
            .map(|n| (format!("Tag.{n}.Key"), format!("Tag.{n}.Value")))
            .collect()
    })
}

impl<'a> TagFilter<'a> {
    pub fn parse(params: &'a Params) -> Result<Self, ApiError> {
        tag_numbers(params, "Tag")?;
        Ok(TagFilter(
            tag_names()
                .iter()
                .filter_map(|(key, value)| Some((params.filter(key)?, params.filter(value))))
                .collect(),
        ))
    }

    /// No filter given.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The filters: each tag key, with its value if one is given.
    pub fn pairs(&self) -> &[(&'a str, Option<&'a str>)] {
        &self.0
    }

    /// Every filter matches one of the tags.
    pub fn matches(&self, tags: &[Tag]) -> bool {
        self.0.iter().all(|(key, value)| {
            tags.iter()
                .any(|t| t.key == *key && value.is_none_or(|v| v == t.value))
        })
    }
}

/// `TagKey.N` (N in 1-20, else `InvalidParameter` for it), in N order.
pub fn tag_keys(params: &Params) -> Result<Vec<&str>, ApiError> {
    let numbers = indices(params, "TagKey", &[""], MAX_TAGS)
        .map_err(|n| ApiError::InvalidParameter(format!("TagKey.{n}")))?;
    Ok(numbers
        .into_iter()
        .filter_map(|n| params.filter(&format!("TagKey.{n}")))
        .collect())
}

/// The tags as list answers carry them: `{"Tag": [{"Key", "Value"}]}`.
pub fn tags_value(tags: &[Tag]) -> serde_json::Value {
    let list: Vec<serde_json::Value> = tags
        .iter()
        .map(|t| serde_json::json!({ "Key": t.key, "Value": t.value }))
        .collect();
    serde_json::json!({ "Tag": list })
}

/// The resource kinds the tag actions take (`ResourceType`, any case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Vpc,
    VSwitch,
    VpnGateway,
    CustomerGateway,
    VpnConnection,
}

impl Kind {
    pub fn parse(params: &Params) -> Result<Kind, ApiError> {
        let value = params.required("ResourceType")?;
        match value.to_ascii_lowercase().as_str() {
            "vpc" => Ok(Kind::Vpc),
            "vswitch" => Ok(Kind::VSwitch),
            "vpngateway" => Ok(Kind::VpnGateway),
            "customergateway" => Ok(Kind::CustomerGateway),
            "vpnconnection" => Ok(Kind::VpnConnection),
            _ => Err(ApiError::InvalidParameter("ResourceType".into())),
        }
    }

    /// How ListTagResources names the kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Vpc => "VPC",
            Kind::VSwitch => "VSWITCH",
            Kind::VpnGateway => "VPNGATEWAY",
            Kind::CustomerGateway => "CUSTOMERGATEWAY",
            Kind::VpnConnection => "VPNCONNECTION",
        }
    }

    /// The kind in the world's tag index.
    pub fn tagged(self) -> crate::state::TagKind {
        match self {
            Kind::Vpc => crate::state::TagKind::Vpc,
            Kind::VSwitch => crate::state::TagKind::VSwitch,
            Kind::VpnGateway => crate::state::TagKind::VpnGateway,
            Kind::CustomerGateway => crate::state::TagKind::CustomerGateway,
            Kind::VpnConnection => crate::state::TagKind::VpnConnection,
        }
    }

    pub fn not_found(self) -> ApiError {
        match self {
            Kind::Vpc => ApiError::InvalidVpcIdNotFound,
            Kind::VSwitch => ApiError::InvalidVSwitchIdNotFound,
            Kind::VpnGateway => ApiError::InvalidVpnGatewayInstanceIdNotFound,
            Kind::CustomerGateway => ApiError::InvalidCustomerGatewayInstanceIdNotFound,
            Kind::VpnConnection => ApiError::InvalidVpnConnectionInstanceIdNotFound,
        }
    }
}

/// `ResourceId.N`, in N order (N in 1-50).
pub fn resource_ids(params: &Params) -> Result<Vec<&str>, ApiError> {
    let mut ids = Vec::new();
    let numbers = indices(params, "ResourceId", &[""], 50)
        .map_err(|n| ApiError::InvalidParameter(format!("ResourceId.{n}")))?;
    for n in numbers {
        let name = format!("ResourceId.{n}");
        if let Some(id) = params.filter(&name) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// A tagged resource of the caller, by kind and ID: its tags.
pub fn tags_of<'w>(
    world: &'w crate::state::World,
    kind: Kind,
    account: &str,
    region: &str,
    id: &str,
) -> Option<&'w [Tag]> {
    match kind {
        Kind::Vpc => world.vpc(account, region, id).map(|v| v.tags.as_slice()),
        Kind::VSwitch => world
            .vswitch(account, region, id)
            .map(|v| v.tags.as_slice()),
        Kind::VpnGateway => world
            .gateway_in(account, region, id)
            .map(|g| g.tags.as_slice()),
        Kind::CustomerGateway => world
            .customer_gateway(account, region, id)
            .map(|c| c.tags.as_slice()),
        Kind::VpnConnection => world
            .connection(account, region, id)
            .map(|c| c.tags.as_slice()),
    }
}

/// Gives a resource new tags, as one logged change.
pub fn set_tags(world: &mut crate::state::World, kind: Kind, id: &str, tags: Vec<Tag>) {
    match kind {
        Kind::Vpc => {
            if let Some(mut v) = world.vpc_by_id(id).cloned() {
                v.tags = tags;
                world.put_vpc(v);
            }
        }
        Kind::VSwitch => {
            if let Some(mut v) = world.vswitch_by_id(id).cloned() {
                v.tags = tags;
                world.put_vswitch(v);
            }
        }
        Kind::VpnGateway => {
            if let Some(mut g) = world.gateway(id).cloned() {
                g.tags = tags;
                world.put_gateway(g);
            }
        }
        Kind::CustomerGateway => {
            if let Some(mut c) = world.customer_gateway_by_id(id).cloned() {
                c.tags = tags;
                world.put_customer_gateway(c);
            }
        }
        Kind::VpnConnection => {
            if let Some(mut c) = world.connection_by_id(id).cloned() {
                c.tags = tags;
                world.put_connection(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merging_replaces_by_key_and_stops_at_twenty() {
        let tag = |k: &str, v: &str| Tag {
            key: k.into(),
            value: v.into(),
        };
        let merged =
            merge_tags(&[tag("a", "1")], &[(1, tag("a", "2")), (2, tag("b", "3"))]).unwrap();
        assert_eq!(merged, [tag("a", "2"), tag("b", "3")]);
        let full: Vec<Tag> = (0..20).map(|i| tag(&i.to_string(), "")).collect();
        assert_eq!(
            merge_tags(&full, &[(3, tag("new", ""))]),
            Err(ApiError::InvalidParameter("Tag.3.Key".into()))
        );
        assert_eq!(merge_tags(&full, &[(1, tag("0", "x"))]).unwrap().len(), 20);
    }
}
