package sdktests

import (
	"testing"

	teavpc "github.com/alibabacloud-go/vpc-20160428/v6/client"
	legacyvpc "github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// The IPsec half (SPEC 14: customer gateways, IPsec connections, destination routes) through
// each Go client's own API (the Tea SDK's and the legacy SDK's typed requests, tea-rpc's generic
// call): the whole site-to-site chain (VPC, vSwitch, VPN gateway, customer gateway, connection,
// route) built, read, tagged, changed and torn down, with exact payloads and what each SDK sent,
// and the errors a teardown meets.

func init() {
	for action, tea := range map[string]func() any{
		"CreateCustomerGateway":          func() any { return &teavpc.CreateCustomerGatewayRequest{} },
		"DescribeCustomerGateway":        func() any { return &teavpc.DescribeCustomerGatewayRequest{} },
		"DescribeCustomerGateways":       func() any { return &teavpc.DescribeCustomerGatewaysRequest{} },
		"ModifyCustomerGatewayAttribute": func() any { return &teavpc.ModifyCustomerGatewayAttributeRequest{} },
		"DeleteCustomerGateway":          func() any { return &teavpc.DeleteCustomerGatewayRequest{} },
		"CreateVpnConnection":            func() any { return &teavpc.CreateVpnConnectionRequest{} },
		"DescribeVpnConnection":          func() any { return &teavpc.DescribeVpnConnectionRequest{} },
		"DescribeVpnConnections":         func() any { return &teavpc.DescribeVpnConnectionsRequest{} },
		"ModifyVpnConnectionAttribute":   func() any { return &teavpc.ModifyVpnConnectionAttributeRequest{} },
		"DeleteVpnConnection":            func() any { return &teavpc.DeleteVpnConnectionRequest{} },
		"DownloadVpnConnectionConfig":    func() any { return &teavpc.DownloadVpnConnectionConfigRequest{} },
		"CreateVpnRouteEntry":            func() any { return &teavpc.CreateVpnRouteEntryRequest{} },
		"DescribeVpnRouteEntries":        func() any { return &teavpc.DescribeVpnRouteEntriesRequest{} },
		"ModifyVpnRouteEntryWeight":      func() any { return &teavpc.ModifyVpnRouteEntryWeightRequest{} },
		"PublishVpnRouteEntry":           func() any { return &teavpc.PublishVpnRouteEntryRequest{} },
		"DeleteVpnRouteEntry":            func() any { return &teavpc.DeleteVpnRouteEntryRequest{} },
	} {
		teaRequests[action] = tea
	}
	for action, legacy := range map[string]func() any{
		"CreateCustomerGateway":          func() any { return legacyvpc.CreateCreateCustomerGatewayRequest() },
		"DescribeCustomerGateway":        func() any { return legacyvpc.CreateDescribeCustomerGatewayRequest() },
		"DescribeCustomerGateways":       func() any { return legacyvpc.CreateDescribeCustomerGatewaysRequest() },
		"ModifyCustomerGatewayAttribute": func() any { return legacyvpc.CreateModifyCustomerGatewayAttributeRequest() },
		"DeleteCustomerGateway":          func() any { return legacyvpc.CreateDeleteCustomerGatewayRequest() },
		"CreateVpnConnection":            func() any { return legacyvpc.CreateCreateVpnConnectionRequest() },
		"DescribeVpnConnection":          func() any { return legacyvpc.CreateDescribeVpnConnectionRequest() },
		"DescribeVpnConnections":         func() any { return legacyvpc.CreateDescribeVpnConnectionsRequest() },
		"ModifyVpnConnectionAttribute":   func() any { return legacyvpc.CreateModifyVpnConnectionAttributeRequest() },
		"DeleteVpnConnection":            func() any { return legacyvpc.CreateDeleteVpnConnectionRequest() },
		"DownloadVpnConnectionConfig":    func() any { return legacyvpc.CreateDownloadVpnConnectionConfigRequest() },
		"CreateVpnRouteEntry":            func() any { return legacyvpc.CreateCreateVpnRouteEntryRequest() },
		"DescribeVpnRouteEntries":        func() any { return legacyvpc.CreateDescribeVpnRouteEntriesRequest() },
		"ModifyVpnRouteEntryWeight":      func() any { return legacyvpc.CreateModifyVpnRouteEntryWeightRequest() },
		"PublishVpnRouteEntry":           func() any { return legacyvpc.CreatePublishVpnRouteEntryRequest() },
		"DeleteVpnRouteEntry":            func() any { return legacyvpc.CreateDeleteVpnRouteEntryRequest() },
	} {
		legacyRequests[action] = legacy
	}
	for code, message := range map[string]string{
		"InvalidCustomerGatewayInstanceId.NotFound": "The specified customer gateway instance id does not exist.",
		"InvalidVpnConnectionInstanceId.NotFound":   "The specified vpn connection instance id does not exist.",
		"InvalidIpAddress.AlreadyExist":             "Specified IpAddress is already exist.",
		"InvalidIpAddress.WrongFormat":              "Specified IpAddress is invalid.",
		"InvalidVpnConnection.AlreadyExists":        "Vpn connection already exists.",
		"DependencyViolation.VpnConnection":         "There are vpn connections on specified customer gateway not deleted.",
		"DependencyViolation.SslVpnServer":          "There is SSL VPN server on specified vpn gateway not deleted.",
		"InvalidRouteEntry.NotFound":                "Route entry not exists.",
	} {
		messages[code] = message
	}
}

// withoutKeys is `m` without the named keys.
func withoutKeys(m map[string]any, names ...string) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for _, n := range names {
		delete(out, n)
	}
	return out
}

// teaLacks is `want` as the Tea SDK's typed response shows it: its structs (vpc-20160428
// v6.12.8) lack the named fields, which the other clients show from the wire.
func teaLacks(kind string, want map[string]any, names ...string) map[string]any {
	if kind != "tea-acs3" && kind != "tea-v1" {
		return want
	}
	return withoutKeys(want, names...)
}

func TestIpsecChain(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := startWith(t, "servers.json")
		c := newClient(t, kind, e, rootAK, rootSecret)
		do := func(action string, p typedParams) map[string]any {
			t.Helper()
			a, err := api(c, action, p)
			return must(t, a, err)
		}
		vpc := do("CreateVpc", typedParams{"CidrBlock": "10.0.0.0/16", "VpcName": "site"})["VpcId"].(string)
		vsw := do("CreateVSwitch", typedParams{"VpcId": vpc, "ZoneId": "cn-hangzhou-b", "CidrBlock": "10.0.1.0/24"})["VSwitchId"].(string)
		gw := do("CreateVpnGateway", typedParams{"VpcId": vpc, "Bandwidth": 10, "EnableIpsec": true})["VpnGatewayId"].(string)
		gatewayIP := do("DescribeVpnGateway", typedParams{"VpnGatewayId": gw})["InternetIp"].(string)

		made := do("CreateCustomerGateway", typedParams{"IpAddress": "203.0.113.50", "Name": "office",
			"Description": "the router", "Asn": "65001", "AuthKey": "bgp-key",
			"Tags": []map[string]string{{"Key": "team", "Value": "net"}}, "ClientToken": "cgw-" + kind})
		mustEqual(t, "CreateCustomerGateway keys", keys(made),
			sorted("RequestId", "CustomerGatewayId", "IpAddress", "Name", "Description", "CreateTime"))
		cgw := idMatching(t, "cgw", made["CustomerGatewayId"])
		mustJSON(t, "sent", sentParams(t, e, "CreateCustomerGateway"), map[string]string{"RegionId": region,
			"IpAddress": "203.0.113.50", "Name": "office", "Description": "the router", "Asn": "65001",
			// AuthKey, a secret, is not journaled.
			"Tags.1.Key": "team", "Tags.1.Value": "net", "ClientToken": "cgw-" + kind})
		described := do("DescribeCustomerGateway", typedParams{"CustomerGatewayId": cgw})
		wantCgw := map[string]any{"CustomerGatewayId": cgw, "Name": "office", "Description": "the router",
			"IpAddress": "203.0.113.50", "Asn": 65001, "AuthKey": "bgp-key", "CreateTime": made["CreateTime"],
			"ResourceGroupId": "", "Tags": map[string]any{"Tag": []any{map[string]any{"Key": "team", "Value": "net"}}}}
		mustJSON(t, "DescribeCustomerGateway", withoutKeys(described, "RequestId"), wantCgw)
		listed := do("DescribeCustomerGateways", typedParams{"Tag": []map[string]string{{"Key": "team", "Value": "net"}}, "PageSize": 50})
		mustEqual(t, "list keys", keys(listed), sorted("RequestId", "TotalCount", "PageNumber", "PageSize", "CustomerGateways"))
		mustJSON(t, "list", listed["CustomerGateways"], map[string]any{"CustomerGateway": []any{wantCgw}})
		renamed := do("ModifyCustomerGatewayAttribute", typedParams{"CustomerGatewayId": cgw, "Description": "renamed"})
		mustEqual(t, "Modify keys", keys(renamed),
			sorted("RequestId", "CustomerGatewayId", "IpAddress", "Name", "Description", "CreateTime", "ResourceGroupId"))

		ike := `{"IkeAuthAlg":"sha1","IkeEncAlg":"aes256","IkeLifetime":0,"IkeMode":"main","IkePfs":"group14","IkeVersion":"ikev2","Psk":"tf-testvpn1"}`
		// What the journal shows of it: the pre-shared key, a secret, is left out.
		ikeJournaled := `{"IkeAuthAlg":"sha1","IkeEncAlg":"aes256","IkeLifetime":0,"IkeMode":"main","IkePfs":"group14","IkeVersion":"ikev2"}`
		ipsec := `{"IpsecAuthAlg":"sha256","IpsecEncAlg":"aes","IpsecLifetime":3600,"IpsecPfs":"group5"}`
		health := `{"dip":"10.0.0.1","enable":true,"interval":5,"retry":2,"sip":"172.16.0.1"}`
		conn := do("CreateVpnConnection", typedParams{"VpnGatewayId": gw, "CustomerGatewayId": cgw, "Name": "site-a",
			"LocalSubnet": "10.0.0.0/16,10.1.0.0/16", "RemoteSubnet": "192.168.0.0/16", "EffectImmediately": true,
			"EnableNatTraversal": false, "IkeConfig": ike, "IpsecConfig": ipsec, "HealthCheckConfig": health,
			"Tags": []map[string]string{{"Key": "Created", "Value": "sdk"}}, "ClientToken": "vco-" + kind})
		mustEqual(t, "CreateVpnConnection keys", keys(conn), sorted("RequestId", "VpnConnectionId", "Name", "CreateTime"))
		vco := idMatching(t, "vco", conn["VpnConnectionId"])
		mustJSON(t, "sent", sentParams(t, e, "CreateVpnConnection"), map[string]string{"RegionId": region,
			"VpnGatewayId": gw, "CustomerGatewayId": cgw, "Name": "site-a", "LocalSubnet": "10.0.0.0/16,10.1.0.0/16",
			"RemoteSubnet": "192.168.0.0/16", "EffectImmediately": "true", "EnableNatTraversal": "false",
			"IkeConfig": ikeJournaled, "IpsecConfig": ipsec, "HealthCheckConfig": health, "Tags.1.Key": "Created",
			"Tags.1.Value": "sdk", "ClientToken": "vco-" + kind})
		ikeOut := map[string]any{"IkeAuthAlg": "sha1", "IkeEncAlg": "aes256", "IkeLifetime": 86400, "IkeMode": "main",
			"IkePfs": "group14", "IkeVersion": "ikev2", "LocalId": gatewayIP, "Psk": "tf-testvpn1", "RemoteId": "203.0.113.50"}
		ipsecOut := map[string]any{"IpsecAuthAlg": "sha256", "IpsecEncAlg": "aes", "IpsecLifetime": 3600, "IpsecPfs": "group5"}
		want := map[string]any{"VpnConnectionId": vco, "VpnGatewayId": gw, "CustomerGatewayId": cgw, "Name": "site-a",
			"LocalSubnet": "10.0.0.0/16,10.1.0.0/16", "RemoteSubnet": "192.168.0.0/16", "CreateTime": conn["CreateTime"],
			"EffectImmediately": true, "Status": "ike_sa_not_established", "State": "active", "EnableDpd": true,
			"EnableNatTraversal": false, "EnableTunnelsBgp": false, "CrossAccountAuthorized": false,
			"InternetIp": gatewayIP, "NetworkType": "public", "AttachType": "VPNGW", "AttachInstanceId": "",
			"TransitRouterId": "", "TransitRouterName": "", "Spec": "", "TunnelBandwidth": "", "ZoneNo": "",
			"RemoteCaCertificate": "", "ResourceGroupId": "", "IkeConfig": ikeOut, "IpsecConfig": ipsecOut,
			"VcoHealthCheck": map[string]any{"Enable": "true", "Dip": "10.0.0.1", "Sip": "172.16.0.1", "Interval": 5,
				"Retry": 2, "Status": "failed", "Policy": "revoke_route"},
			"VpnBgpConfig": map[string]any{"EnableBgp": "false", "LocalAsn": 45104, "TunnelCidr": "", "LocalBgpIp": "",
				"PeerBgpIp": "", "Status": "", "AuthKey": "bgp-key"},
			"Tags": map[string]any{"Tag": []any{map[string]any{"Key": "Created", "Value": "sdk"}}}}
		d := do("DescribeVpnConnection", typedParams{"VpnConnectionId": vco})
		mustJSON(t, "DescribeVpnConnection", withoutKeys(d, "RequestId"), teaLacks(kind, want, "TunnelBandwidth"))

		items := do("DescribeVpnConnections", typedParams{"VpnGatewayId": gw, "CustomerGatewayId": cgw})
		mustEqual(t, "list keys", keys(items), sorted("RequestId", "TotalCount", "PageNumber", "PageSize", "VpnConnections"))
		item := withoutKeys(want, "ZoneNo", "Tags")
		item["Tag"] = want["Tags"]
		item["VpnBgpConfig"] = withoutKeys(want["VpnBgpConfig"].(map[string]any), "EnableBgp")
		mustJSON(t, "DescribeVpnConnections", items["VpnConnections"],
			map[string]any{"VpnConnection": []any{teaLacks(kind, item, "TunnelBandwidth")}})

		changed := do("ModifyVpnConnectionAttribute", typedParams{"VpnConnectionId": vco,
			"HealthCheckConfig": `{"Enable":false}`, "RemoteSubnet": "192.168.0.0/16,10.9.0.0/16", "ClientToken": "mod-" + kind})
		modified := withoutKeys(want, "Status", "State", "CrossAccountAuthorized", "InternetIp", "NetworkType",
			"AttachType", "AttachInstanceId", "TransitRouterId", "TransitRouterName", "Spec", "TunnelBandwidth",
			"ZoneNo", "RemoteCaCertificate", "Tags")
		modified["Description"] = ""
		modified["RemoteSubnet"] = "192.168.0.0/16,10.9.0.0/16"
		modified["VcoHealthCheck"] = map[string]any{"Enable": "false", "Dip": "10.0.0.1", "Sip": "172.16.0.1", "Interval": 5, "Retry": 2}
		modified["VpnBgpConfig"] = withoutKeys(want["VpnBgpConfig"].(map[string]any), "AuthKey")
		mustJSON(t, "ModifyVpnConnectionAttribute", withoutKeys(changed, "RequestId"), modified)
		config := do("DownloadVpnConnectionConfig", typedParams{"VpnConnectionId": vco})
		ikeDownload := withoutKeys(ikeOut)
		ikeDownload["LocalId"], ikeDownload["RemoteId"] = "203.0.113.50", gatewayIP
		mustJSON(t, "DownloadVpnConnectionConfig", config["VpnConnectionConfig"], map[string]any{
			"LocalSubnet": "192.168.0.0/16,10.9.0.0/16", "RemoteSubnet": "10.0.0.0/16,10.1.0.0/16",
			"Local": "203.0.113.50", "Remote": gatewayIP, "IkeConfig": ikeDownload, "IpsecConfig": ipsecOut})

		for _, r := range [][2]string{{"CUSTOMERGATEWAY", cgw}, {"VPNCONNECTION", vco}} {
			for i := 0; i < 2; i++ {
				tagged := do("TagResources", typedParams{"ResourceType": r[0], "ResourceId": []string{r[1]},
					"Tag": []map[string]string{{"Key": "env", "Value": "test"}}})
				mustEqual(t, "TagResources keys", keys(tagged), "RequestId")
			}
		}
		mustJSON(t, "sent", sentParams(t, e, "TagResources"), map[string]string{"RegionId": region,
			"ResourceType": "VPNCONNECTION", "ResourceId.1": vco, "Tag.1.Key": "env", "Tag.1.Value": "test"})
		tags := do("ListTagResources", typedParams{"ResourceType": "CUSTOMERGATEWAY", "ResourceId": []string{cgw}})
		mustJSON(t, "tags", tags["TagResources"], map[string]any{"TagResource": []any{
			map[string]any{"ResourceId": cgw, "ResourceType": "CUSTOMERGATEWAY", "TagKey": "team", "TagValue": "net"},
			map[string]any{"ResourceId": cgw, "ResourceType": "CUSTOMERGATEWAY", "TagKey": "env", "TagValue": "test"}}})
		do("UnTagResources", typedParams{"ResourceType": "VPNCONNECTION", "ResourceId": []string{vco}, "TagKey": []string{"env"}})
		mustJSON(t, "tags after", do("DescribeVpnConnection", typedParams{"VpnConnectionId": vco})["Tags"], want["Tags"])

		route := do("CreateVpnRouteEntry", typedParams{"VpnGatewayId": gw, "RouteDest": "192.168.10.0/24",
			"NextHop": vco, "Weight": 0, "PublishVpc": true, "ClientToken": "r-" + kind})
		mustJSON(t, "CreateVpnRouteEntry", withoutKeys(route, "RequestId"), map[string]any{"VpnInstanceId": gw,
			"RouteDest": "192.168.10.0/24", "NextHop": vco, "OverlayMode": "Ipsec", "Weight": 0, "State": "published",
			"Description": "", "CreateTime": route["CreateTime"]})
		mustJSON(t, "sent", sentParams(t, e, "CreateVpnRouteEntry"), map[string]string{"RegionId": region,
			"VpnGatewayId": gw, "RouteDest": "192.168.10.0/24", "NextHop": vco, "Weight": "0", "PublishVpc": "true",
			"ClientToken": "r-" + kind})
		do("ModifyVpnRouteEntryWeight", typedParams{"VpnGatewayId": gw, "RouteDest": "192.168.10.0/24", "NextHop": vco,
			"Weight": 0, "NewWeight": 100})
		do("PublishVpnRouteEntry", typedParams{"VpnGatewayId": gw, "RouteDest": "192.168.10.0/24", "NextHop": vco,
			"RouteType": "dbr", "PublishVpc": false})
		routes := do("DescribeVpnRouteEntries", typedParams{"VpnGatewayId": gw, "PageSize": 20})
		mustEqual(t, "routes keys", keys(routes), sorted("RequestId", "TotalCount", "PageNumber", "PageSize",
			"VpnRouteEntries", "VpnRouteCounts"))
		mustJSON(t, "routes", routes["VpnRouteEntries"], map[string]any{"VpnRouteEntry": []any{map[string]any{
			"VpnInstanceId": gw, "RouteDest": "192.168.10.0/24", "NextHop": vco, "Weight": 100, "State": "normal",
			"RouteEntryType": "custom", "CreateTime": route["CreateTime"], "NextHopTunnelId": "", "Source": "",
			"AsPath": "", "Community": ""}}})
		mustJSON(t, "counts", routes["VpnRouteCounts"], map[string]any{"VpnRouteCount": []any{
			map[string]any{"RouteEntryType": "custom", "Source": "", "RouteCount": 1}}})

		_, err := api(c, "DeleteVpnGateway", typedParams{"VpnGatewayId": gw})
		assertError(t, kind, err, 400, "DependencyViolation.VpnConnection")
		_, err = api(c, "DeleteCustomerGateway", typedParams{"CustomerGatewayId": cgw})
		assertError(t, kind, err, 400, "DependencyViolation.VpnConnection")
		mustEqual(t, "DeleteVpnRouteEntry", keys(do("DeleteVpnRouteEntry", typedParams{"VpnGatewayId": gw,
			"RouteDest": "192.168.10.0/24", "NextHop": vco, "Weight": 100, "ClientToken": "del-r-" + kind})), "RequestId")
		_, err = api(c, "DeleteVpnRouteEntry", typedParams{"VpnGatewayId": gw, "RouteDest": "192.168.10.0/24",
			"NextHop": vco, "Weight": 100})
		assertError(t, kind, err, 400, "InvalidRouteEntry.NotFound")
		mustEqual(t, "DeleteVpnConnection", keys(do("DeleteVpnConnection", typedParams{"VpnConnectionId": vco})), "RequestId")
		_, err = api(c, "DescribeVpnConnection", typedParams{"VpnConnectionId": vco})
		assertError(t, kind, err, 404, "InvalidVpnConnectionInstanceId.NotFound")
		mustEqual(t, "DeleteCustomerGateway", keys(do("DeleteCustomerGateway", typedParams{"CustomerGatewayId": cgw})), "RequestId")
		_, err = api(c, "DescribeCustomerGateway", typedParams{"CustomerGatewayId": cgw})
		assertError(t, kind, err, 404, "InvalidCustomerGatewayInstanceId.NotFound")
		do("DeleteVpnGateway", typedParams{"VpnGatewayId": gw})
		do("DeleteVSwitch", typedParams{"VSwitchId": vsw})
		do("DeleteVpc", typedParams{"VpcId": vpc})
		state := e.admin(t, "GET", "state", "").(map[string]any)
		mustJSON(t, "state", []any{state["CustomerGateways"], state["VpnConnections"], state["VpnRouteEntries"]},
			[]any{[]any{}, []any{}, []any{}})
		for _, g := range state["VpnGateways"].([]any) {
			if g.(map[string]any)["VpnGatewayId"] == gw {
				t.Fatalf("the gateway is still there: %v", g)
			}
		}
	})
}

func TestIpsecErrors(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := startWith(t, "servers.json")
		c := newClient(t, kind, e, rootAK, rootSecret)
		a, err := api(c, "CreateCustomerGateway", typedParams{"IpAddress": "198.51.100.9"})
		cgw := must(t, a, err)["CustomerGatewayId"].(string)
		gw := "vpn-bp1emulator0000000001"
		for _, tc := range []struct {
			action string
			p      typedParams
			status int
			code   string
		}{
			{"CreateCustomerGateway", typedParams{"IpAddress": "198.51.100"}, 400, "InvalidIpAddress.WrongFormat"},
			{"CreateCustomerGateway", typedParams{"IpAddress": "198.51.100.9"}, 400, "InvalidIpAddress.AlreadyExist"},
			{"CreateVpnConnection", typedParams{"VpnGatewayId": gw, "CustomerGatewayId": cgw, "LocalSubnet": "10.0.0.1/24",
				"RemoteSubnet": "192.168.0.0/16"}, 400, "IllegalParam.LocalSubnet"},
			{"CreateVpnConnection", typedParams{"VpnGatewayId": gw, "CustomerGatewayId": cgw, "LocalSubnet": "10.0.0.0/24",
				"RemoteSubnet": "192.168.0.0/16", "BgpConfig": `{"EnableBgp":"maybe"}`}, 400, "InvalidParameter"},
			{"ModifyVpnConnectionAttribute", typedParams{"VpnConnectionId": "vco-bp1doesnotexist000001", "Name": "x"}, 404,
				"InvalidVpnConnectionInstanceId.NotFound"},
			{"ModifyVpnRouteEntryWeight", typedParams{"VpnGatewayId": gw, "RouteDest": "10.0.0.0/24", "NextHop": "vco-x",
				"Weight": 100, "NewWeight": 0}, 400, "InvalidRouteEntry.NotFound"},
			{"DeleteVpnGateway", typedParams{"VpnGatewayId": gw}, 400, "DependencyViolation.SslVpnServer"},
		} {
			_, err := api(c, tc.action, tc.p)
			e := assertError(t, kind, err, tc.status, tc.code)
			if tc.code == "IllegalParam.LocalSubnet" && kind == "legacy" {
				mustEqual(t, "message", e.Message, `The specified "LocalSubnet" (10.0.0.1/24) is invalid.`)
			}
		}
		conn := typedParams{"VpnGatewayId": gw, "CustomerGatewayId": cgw, "LocalSubnet": "10.0.0.0/24", "RemoteSubnet": "192.168.0.0/16"}
		a, err = api(c, "CreateVpnConnection", conn)
		must(t, a, err)
		_, err = api(c, "CreateVpnConnection", typedParams{"VpnGatewayId": gw, "CustomerGatewayId": cgw,
			"LocalSubnet": "10.0.0.0/24", "RemoteSubnet": "192.168.0.0/16"})
		assertError(t, kind, err, 400, "InvalidVpnConnection.AlreadyExists")
	})
}
