//! `CreateVpnGateway` (SPEC section 12): a gateway in a VPC and vSwitch (the VPC's oldest when
//! none is named), `provisioning` for `--gateway-busy-ms`, then `active`.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ipsec-vpn/developer-reference/api-vpc-2016-04-28-createvpngateway>

use serde_json::json;

use crate::actions::{Call, Operation, RamTarget, parse_bool, parse_word, reply};
use crate::error::ApiError;
use crate::names::CertName;
use crate::protocol::{Params, Reply};
use crate::state::doc::{GatewayStatus, VpnGateway};
use crate::state::{MAX_TIME_MS, POSTPAY_END_TIME_MS, World};

pub const OPERATION: Operation = Operation {
    name: "CreateVpnGateway",
    regional: true,
    required: &["VpcId", "Bandwidth"],
    ram: RamTarget::Resource("VpcId"),
    client_token: true,
    run,
};

const BANDWIDTHS: [u32; 8] = [5, 10, 20, 50, 100, 200, 500, 1000];
const SSL_CONNECTIONS: [u32; 8] = [5, 10, 20, 50, 100, 200, 500, 1000];
const PERIODS: [u32; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36];

/// An integer parameter that must be one of `allowed`.
fn one_of(params: &Params, name: &str, allowed: &[u32]) -> Result<Option<u32>, ApiError> {
    match params.filter(name) {
        None => Ok(None),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| allowed.contains(n) && v.bytes().all(|b| b.is_ascii_digit()))
            .map(Some)
            .ok_or_else(|| ApiError::InvalidParameter(name.to_owned())),
    }
}

/// `ms` plus `months` calendar months (the day clamped to the month's last), capped at 9999.
fn add_months(ms: i64, months: u32) -> i64 {
    let Ok(t) = time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)) else {
        return MAX_TIME_MS;
    };
    let total = i64::from(t.year()) * 12 + i64::from(u8::from(t.month())) - 1 + i64::from(months);
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let (Ok(year), Ok(month)) = (i32::try_from(year), u8::try_from(month)) else {
        return MAX_TIME_MS;
    };
    let Ok(month) = time::Month::try_from(month) else {
        return MAX_TIME_MS;
    };
    let day = t.day().min(time::util::days_in_month(month, year));
    time::Date::from_calendar_date(year, month, day)
        .map(|d| t.replace_date(d))
        .map_or(MAX_TIME_MS, |t| {
            (t.unix_timestamp() * 1000 + ms.rem_euclid(1000)).min(MAX_TIME_MS)
        })
}

/// The first address of the documentation ranges that no gateway has yet.
fn free_internet_ip(world: &World) -> Option<String> {
    let used: std::collections::HashSet<&str> =
        world.gateways().map(|g| g.internet_ip.as_str()).collect();
    ["192.0.2", "198.51.100", "203.0.113"]
        .iter()
        .flat_map(|net| (1..=254).map(move |host| format!("{net}.{host}")))
        .find(|ip| !used.contains(ip.as_str()))
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let params = call.params;
    let vpc_id = params.required("VpcId")?;
    let name = call.name()?;
    let bandwidth = one_of(params, "Bandwidth", &BANDWIDTHS)?.unwrap_or(5);
    let prepay =
        parse_word(params, "InstanceChargeType", &["PREPAY", "POSTPAY"])? == Some("PREPAY");
    let period = one_of(params, "Period", &PERIODS)?;
    if prepay && period.is_none() {
        return Err(ApiError::MissingActionParameter("Period".into()));
    }
    parse_bool(params, "AutoPay")?;
    let ipsec = parse_bool(params, "EnableIpsec")?.unwrap_or(true);
    let ssl = parse_bool(params, "EnableSsl")?.unwrap_or(false);
    let connections = one_of(params, "SslConnections", &SSL_CONNECTIONS)?.unwrap_or(5);
    let network = parse_word(params, "NetworkType", &["public", "private"])?.unwrap_or("public");
    let vpn_type =
        parse_word(params, "VpnType", &["Normal", "NationalStandard"])?.unwrap_or("Normal");
    let group = params.filter("ResourceGroupId").unwrap_or_default();
    call.idempotent(|world| {
        world
            .vpc(call.account_id(), call.region_id(), vpc_id)
            .ok_or(ApiError::InvalidVpcIdNotFound)?;
        call.authorize_target()?;
        let vswitch = match params.filter("VSwitchId") {
            Some(id) => world
                .vswitch(call.account_id(), call.region_id(), id)
                .filter(|s| s.vpc_id == vpc_id),
            None => world.vswitches_of(vpc_id).next(),
        }
        .ok_or(ApiError::InvalidVSwitchIdNotFound)?
        .vswitch_id
        .clone();
        let internet_ip = free_internet_ip(world).ok_or(ApiError::ResourceQuotaFull)?;
        let id = loop {
            let id = call.ids.resource_id("vpn-");
            if world.gateway(&id).is_none() {
                break id;
            }
        };
        let name = name.map_or_else(|| id.clone(), CertName::into_string);
        let end_time = match period {
            Some(months) if prepay => add_months(call.now_ms, months),
            _ => POSTPAY_END_TIME_MS.max(call.now_ms.saturating_add(1)),
        };
        let enable = |on: bool| if on { "enable" } else { "disable" }.to_owned();
        let gateway = VpnGateway {
            vpn_gateway_id: id.clone(),
            region_id: call.region_id().to_owned(),
            account_id: call.account_id().to_owned(),
            vpc_id: vpc_id.to_owned(),
            vswitch_id: vswitch,
            name: Some(name.clone()),
            description: String::new(),
            status: GatewayStatus::Active,
            business_status: "Normal".into(),
            spec: format!("{bandwidth}M"),
            charge_type: if prepay { "Prepay" } else { "PostpayByFlow" }.into(),
            ssl_vpn: enable(ssl),
            ipsec_vpn: enable(ipsec),
            ssl_max_connections: connections,
            internet_ip,
            network_type: network.to_owned(),
            vpn_type: vpn_type.to_owned(),
            auto_propagate: false,
            enable_bgp: false,
            create_time: Some(call.now_ms),
            end_time: Some(end_time),
            resource_group_id: group.to_owned(),
            tags: Vec::new(),
        };
        world.put_gateway(gateway);
        world.start_provisioning(&id, call.now_ms, call.gateway_busy_ms);
        Ok(reply(json!({
            "VpnGatewayId": id,
            "Name": name,
            "OrderId": call.ids.order_id(),
        })))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_calendar_months_clamped_to_the_month_end() {
        // 2026-01-31T10:00:00.250Z plus one month is 2026-02-28, same time.
        let jan31 = 1_769_853_600_250;
        assert_eq!(add_months(jan31, 1), 1_772_272_800_250);
        assert_eq!(add_months(jan31, 12), jan31 + 365 * 86_400_000);
        assert_eq!(add_months(MAX_TIME_MS, 36), MAX_TIME_MS);
    }
}
