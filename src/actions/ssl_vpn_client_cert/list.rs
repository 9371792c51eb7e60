//! `DescribeSslVpnClientCerts` (SPEC 7.4): the account's certificates in a region, filtered
//! and paged, in CreateTime then ID order, without key material.
//! API page: <https://www.alibabacloud.com/help/en/vpn/sub-product-ssl-vpn/developer-reference/api-vpc-2016-04-28-describesslvpnclientcerts-ssl-vpn>

use serde_json::{Value, json};

use crate::actions::{Call, Operation, Paging, RamTarget, reply};
use crate::error::ApiError;
use crate::protocol::{Params, Reply};
use crate::state::{Cert, cert_status};

pub const OPERATION: Operation = Operation {
    name: "DescribeSslVpnClientCerts",
    regional: true,
    required: &[],
    ram: RamTarget::Action,
    client_token: false,
    run,
};

/// The parameters, checked: paging, and the filters (an empty filter is no filter).
struct Input<'a> {
    page_number: u64,
    page_size: u64,
    server_filter: Option<&'a str>,
    id_filter: Option<&'a str>,
    name_filter: Option<&'a str>,
    group_filter: Option<&'a str>,
}

impl<'a> Input<'a> {
    fn parse(params: &'a Params) -> Result<Self, ApiError> {
        Ok(Input {
            page_number: Paging::number(params)?,
            page_size: Paging::size(params)?,
            server_filter: params.filter("SslVpnServerId"),
            id_filter: params.filter("SslVpnClientCertId"),
            name_filter: params.filter("Name"),
            group_filter: params.filter("ResourceGroupId"),
        })
    }
}

fn run(call: &Call) -> Result<Reply, ApiError> {
    let Input {
        page_number,
        page_size,
        server_filter,
        id_filter,
        name_filter,
        group_filter,
    } = Input::parse(call.params)?;

    let world = call.read();
    let (account, region) = (call.account_id(), call.region_id());
    let group_of = |server_id: &str| {
        world
            .server_by_id(server_id)
            .map_or("", |s| s.resource_group_id.as_str())
    };
    // The narrowest index a filter allows: one certificate, one server's, or the scope's.
    let candidates: Box<dyn Iterator<Item = &Cert>> = match (id_filter, server_filter) {
        (Some(id), _) => Box::new(world.cert(account, region, id).into_iter()),
        (None, Some(server)) => Box::new(
            world
                .server(account, region, server)
                .into_iter()
                .flat_map(|s| world.certs_of(&s.ssl_vpn_server_id)),
        ),
        (None, None) => Box::new(world.certs_in(account, region)),
    };
    let item = |cert: &Cert, group: &str| {
        json!({
            "RegionId": cert.region_id,
            "SslVpnClientCertId": cert.id,
            "SslVpnServerId": cert.server_id,
            "Name": cert.name,
            "CreateTime": cert.create_time,
            "EndTime": cert.end_time,
            "Status": cert_status(cert.end_time, call.now_ms),
            "ResourceGroupId": group,
        })
    };
    let skip = (page_number - 1).saturating_mul(page_size);
    let skip_n = usize::try_from(skip).unwrap_or(usize::MAX);
    let size_n = usize::try_from(page_size).unwrap_or(usize::MAX);
    let unfiltered = id_filter.is_none()
        && server_filter.is_none()
        && name_filter.is_none()
        && group_filter.is_none();
    let mut total = 0u64;
    let mut page: Vec<Value> = Vec::new();
    if unfiltered {
        // The count is the index's, and the index finds the page without walking those before.
        total = world.cert_count_in(account, region) as u64;
        page = world
            .cert_ids_in_from(account, region, skip_n)
            .take(size_n)
            .filter_map(|id| world.cert(account, region, id))
            .map(|cert| item(cert, group_of(&cert.server_id)))
            .collect();
    } else {
        for cert in candidates {
            let group = group_of(&cert.server_id);
            if server_filter.is_some_and(|f| f != cert.server_id)
                || name_filter.is_some_and(|f| f != cert.name)
                || group_filter.is_some_and(|f| f != group)
            {
                continue;
            }
            if total >= skip && page.len() < size_n {
                page.push(item(cert, group));
            }
            total += 1;
        }
    }
    Ok(reply(json!({
        "TotalCount": total,
        "PageNumber": page_number,
        "PageSize": page_size,
        "SslVpnClientCertKeys": { "SslVpnClientCertKey": page },
    })))
}
