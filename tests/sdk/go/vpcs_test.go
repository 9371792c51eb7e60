package sdktests

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	teavpc "github.com/alibabacloud-go/vpc-20160428/v6/client"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	legacyvpc "github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

type legacyRpcRequest = requests.RpcRequest

// VPCs, vSwitches, route tables, the VPN gateway lifecycle and tags (SPEC section 12) through
// each Go client's own API: the Tea SDK's and the legacy SDK's typed request for every action
// (filled from the API's parameter names by their json / name tags, and sent through the
// client's method of that name), and tea-rpc's generic call.

// typedParams are one call's parameters in the API's names, with JSON types: lists as lists
// (`Tag: [{Key, Value}]`, `ResourceId: [id]`), numbers and booleans as such.
type typedParams map[string]any

// flat is the same call as the wire carries it: `Tag.1.Key`, values as strings.
func (p typedParams) flat() params {
	out := params{}
	for k, v := range p {
		switch v := v.(type) {
		case []map[string]string:
			for i, item := range v {
				for ik, iv := range item {
					out[fmt.Sprintf("%s.%d.%s", k, i+1, ik)] = iv
				}
			}
		case []string:
			for i, item := range v {
				out[fmt.Sprintf("%s.%d", k, i+1)] = item
			}
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

var teaRequests = map[string]func() any{
	"CreateVpc":                 func() any { return &teavpc.CreateVpcRequest{} },
	"DescribeVpcs":              func() any { return &teavpc.DescribeVpcsRequest{} },
	"DescribeVpcAttribute":      func() any { return &teavpc.DescribeVpcAttributeRequest{} },
	"ModifyVpcAttribute":        func() any { return &teavpc.ModifyVpcAttributeRequest{} },
	"DeleteVpc":                 func() any { return &teavpc.DeleteVpcRequest{} },
	"CreateVSwitch":             func() any { return &teavpc.CreateVSwitchRequest{} },
	"DescribeVSwitches":         func() any { return &teavpc.DescribeVSwitchesRequest{} },
	"DescribeVSwitchAttributes": func() any { return &teavpc.DescribeVSwitchAttributesRequest{} },
	"ModifyVSwitchAttribute":    func() any { return &teavpc.ModifyVSwitchAttributeRequest{} },
	"DeleteVSwitch":             func() any { return &teavpc.DeleteVSwitchRequest{} },
	"DescribeRouteTableList":    func() any { return &teavpc.DescribeRouteTableListRequest{} },
	"CreateVpnGateway":          func() any { return &teavpc.CreateVpnGatewayRequest{} },
	"ModifyVpnGatewayAttribute": func() any { return &teavpc.ModifyVpnGatewayAttributeRequest{} },
	"DeleteVpnGateway":          func() any { return &teavpc.DeleteVpnGatewayRequest{} },
	"DescribeVpnGateway":        func() any { return &teavpc.DescribeVpnGatewayRequest{} },
	"TagResources":              func() any { return &teavpc.TagResourcesRequest{} },
	"UnTagResources":            func() any { return &teavpc.UnTagResourcesRequest{} },
	"ListTagResources":          func() any { return &teavpc.ListTagResourcesRequest{} },
	"CreateSslVpnServer":        func() any { return &teavpc.CreateSslVpnServerRequest{} },
	"DeleteSslVpnServer":        func() any { return &teavpc.DeleteSslVpnServerRequest{} },
	"CreateSslVpnClientCert":    func() any { return &teavpc.CreateSslVpnClientCertRequest{} },
	"DeleteSslVpnClientCert":    func() any { return &teavpc.DeleteSslVpnClientCertRequest{} },
}

var legacyRequests = map[string]func() any{
	"CreateVpc":                 func() any { return legacyvpc.CreateCreateVpcRequest() },
	"DescribeVpcs":              func() any { return legacyvpc.CreateDescribeVpcsRequest() },
	"DescribeVpcAttribute":      func() any { return legacyvpc.CreateDescribeVpcAttributeRequest() },
	"ModifyVpcAttribute":        func() any { return legacyvpc.CreateModifyVpcAttributeRequest() },
	"DeleteVpc":                 func() any { return legacyvpc.CreateDeleteVpcRequest() },
	"CreateVSwitch":             func() any { return legacyvpc.CreateCreateVSwitchRequest() },
	"DescribeVSwitches":         func() any { return legacyvpc.CreateDescribeVSwitchesRequest() },
	"DescribeVSwitchAttributes": func() any { return legacyvpc.CreateDescribeVSwitchAttributesRequest() },
	"ModifyVSwitchAttribute":    func() any { return legacyvpc.CreateModifyVSwitchAttributeRequest() },
	"DeleteVSwitch":             func() any { return legacyvpc.CreateDeleteVSwitchRequest() },
	"DescribeRouteTableList":    func() any { return legacyvpc.CreateDescribeRouteTableListRequest() },
	"CreateVpnGateway":          func() any { return legacyvpc.CreateCreateVpnGatewayRequest() },
	"ModifyVpnGatewayAttribute": func() any { return legacyvpc.CreateModifyVpnGatewayAttributeRequest() },
	"DeleteVpnGateway":          func() any { return legacyvpc.CreateDeleteVpnGatewayRequest() },
	"DescribeVpnGateway":        func() any { return legacyvpc.CreateDescribeVpnGatewayRequest() },
	"TagResources":              func() any { return legacyvpc.CreateTagResourcesRequest() },
	"UnTagResources":            func() any { return legacyvpc.CreateUnTagResourcesRequest() },
	"ListTagResources":          func() any { return legacyvpc.CreateListTagResourcesRequest() },
	"CreateSslVpnServer":        func() any { return legacyvpc.CreateCreateSslVpnServerRequest() },
	"DeleteSslVpnServer":        func() any { return legacyvpc.CreateDeleteSslVpnServerRequest() },
	"CreateSslVpnClientCert":    func() any { return legacyvpc.CreateCreateSslVpnClientCertRequest() },
	"DeleteSslVpnClientCert":    func() any { return legacyvpc.CreateDeleteSslVpnClientCertRequest() },
}

// callMethod calls the client's method named `action` with the request; its two results.
func callMethod(client any, action string, req any) (any, error) {
	m := reflect.ValueOf(client).MethodByName(action)
	if !m.IsValid() {
		return nil, fmt.Errorf("the client has no method %s", action)
	}
	out := m.Call([]reflect.Value{reflect.ValueOf(req)})
	err, _ := out[1].Interface().(error)
	return out[0].Interface(), err
}

// teaTyped fills the Tea SDK's request struct through its json tags (the API's names) and
// calls its method; the body is the typed response's Body, as the client parsed it.
func teaTyped(c teaClient, action string, p typedParams) (answer, error) {
	newRequest, ok := teaRequests[action]
	if !ok {
		return answer{}, fmt.Errorf("no typed request for %s", action)
	}
	req := newRequest()
	data, _ := json.Marshal(map[string]any(p))
	if err := json.Unmarshal(data, req); err != nil {
		return answer{}, fmt.Errorf("%s request: %w", action, err)
	}
	resp, err := callMethod(c.c, action, req)
	if err != nil {
		return answer{}, err
	}
	v := reflect.ValueOf(resp).Elem()
	status := v.FieldByName("StatusCode").Interface().(*int32)
	headers := v.FieldByName("Headers").Interface().(map[string]*string)
	return teaAnswer(status, headers, v.FieldByName("Body").Interface(), nil)
}

// legacyTyped fills the legacy SDK's request struct through its `name` tags and calls its
// method; the body is the raw content the client received.
func legacyTyped(c legacyClient, action string, p typedParams) (answer, error) {
	newRequest, ok := legacyRequests[action]
	if !ok {
		return answer{}, fmt.Errorf("no typed request for %s", action)
	}
	req := newRequest()
	v := reflect.ValueOf(req).Elem()
	rpcField := v.FieldByName("RpcRequest")
	c.target(rpcField.Interface().(*legacyRpcRequest))
	t := v.Type()
	for name, value := range p {
		if name == "RegionId" {
			// A field of the embedded RpcRequest.
			rpcField.Elem().FieldByName("RegionId").SetString(fmt.Sprint(value))
			continue
		}
		field, found := reflect.Value{}, false
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).Tag.Get("name") == name {
				field, found = v.Field(i), true
				break
			}
		}
		if !found {
			return answer{}, fmt.Errorf("%sRequest has no %s", action, name)
		}
		switch value := value.(type) {
		case []string:
			list := append([]string(nil), value...)
			field.Set(reflect.ValueOf(&list))
		case []map[string]string:
			// *[]XxxTag: a pointer to a slice of structs with Key and Value.
			slice := reflect.MakeSlice(field.Type().Elem(), len(value), len(value))
			for i, item := range value {
				for k, s := range item {
					slice.Index(i).FieldByName(k).SetString(s)
				}
			}
			ptr := reflect.New(field.Type().Elem())
			ptr.Elem().Set(slice)
			field.Set(ptr)
		default:
			field.SetString(fmt.Sprint(value))
		}
	}
	resp, err := callMethod(c.c, action, req)
	if err != nil {
		return answer{}, err
	}
	return legacyAnswer(resp.(legacyResponse), nil)
}

// api calls any action through the client's own API.
func api(c client, action string, p typedParams) (answer, error) {
	if _, ok := p["RegionId"]; !ok {
		p["RegionId"] = region
	}
	switch c := c.(type) {
	case teaClient:
		return teaTyped(c, action, p)
	case legacyClient:
		return legacyTyped(c, action, p)
	case rpcClient:
		return c.call(action, p.flat())
	}
	return answer{}, fmt.Errorf("unknown client %T", c)
}

func must(t *testing.T, a answer, err error) map[string]any {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	if _, has := a.Body["Code"]; has {
		t.Fatalf("a success with a Code: %v", a.Body)
	}
	return a.Body
}

func idMatching(t *testing.T, prefix string, v any) string {
	t.Helper()
	s, _ := v.(string)
	if !regexp.MustCompile(`^` + prefix + `-[a-z0-9]{21}$`).MatchString(s) {
		t.Fatalf("%q is not a %s ID", s, prefix)
	}
	return s
}

func keyList(keys ...string) string {
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

func TestVpcChain(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := startWith(t, "servers.json")
		c := newClient(t, kind, e, rootAK, rootSecret)
		do := func(action string, p typedParams) map[string]any {
			t.Helper()
			a, err := api(c, action, p)
			return must(t, a, err)
		}
		tea := kind == "tea-acs3" || kind == "tea-v1"
		made := do("CreateVpc", typedParams{"CidrBlock": "10.0.0.0/16", "VpcName": "chain",
			"Tag": []map[string]string{{"Key": "team", "Value": "vpn"}}, "ClientToken": "vpc-" + kind})
		mustEqual(t, "CreateVpc keys", keys(made), keyList("RequestId", "VpcId", "VRouterId", "RouteTableId", "ResourceGroupId"))
		vpc := idMatching(t, "vpc", made["VpcId"])
		mustJSON(t, "sent", sentParams(t, e, "CreateVpc"), map[string]string{"RegionId": region, "CidrBlock": "10.0.0.0/16",
			"VpcName": "chain", "Tag.1.Key": "team", "Tag.1.Value": "vpn", "ClientToken": "vpc-" + kind})

		attr := do("DescribeVpcAttribute", typedParams{"VpcId": vpc})
		mustEqual(t, "Status", attr["Status"], "Available")
		mustEqual(t, "CidrBlock", attr["CidrBlock"], "10.0.0.0/16")
		if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(fmt.Sprint(attr["CreationTime"])) {
			t.Fatalf("CreationTime %v", attr["CreationTime"])
		}
		if !tea { // the typed struct drops empty lists
			mustJSON(t, "SecondaryCidrBlocks", attr["SecondaryCidrBlocks"], map[string]any{"SecondaryCidrBlock": []any{}})
		}
		vsw := idMatching(t, "vsw", do("CreateVSwitch", typedParams{"VpcId": vpc, "ZoneId": "cn-hangzhou-b",
			"CidrBlock": "10.0.1.0/24", "VSwitchName": "a", "ClientToken": "vsw-" + kind})["VSwitchId"])
		sw := do("DescribeVSwitchAttributes", typedParams{"VSwitchId": vsw})
		mustJSON(t, "RouteTable", sw["RouteTable"], map[string]any{"RouteTableId": made["RouteTableId"], "RouteTableType": "System"})
		mustEqual(t, "AvailableIpAddressCount", sw["AvailableIpAddressCount"], 252)

		gwMade := do("CreateVpnGateway", typedParams{"VpcId": vpc, "Bandwidth": 10, "EnableSsl": true,
			"InstanceChargeType": "POSTPAY", "AutoPay": true, "ClientToken": "gw-" + kind})
		mustEqual(t, "CreateVpnGateway keys", keys(gwMade), keyList("RequestId", "VpnGatewayId", "Name", "OrderId"))
		if n, ok := gwMade["OrderId"].(float64); !ok || n < 1e14 || n >= 1e15 {
			t.Fatalf("OrderId %v", gwMade["OrderId"])
		}
		gw := idMatching(t, "vpn", gwMade["VpnGatewayId"])
		mustJSON(t, "sent", sentParams(t, e, "CreateVpnGateway"), map[string]string{"RegionId": region, "VpcId": vpc,
			"Bandwidth": "10", "EnableSsl": "true", "InstanceChargeType": "POSTPAY", "AutoPay": "true", "ClientToken": "gw-" + kind})
		g := do("DescribeVpnGateway", typedParams{"VpnGatewayId": gw})
		mustEqual(t, "gateway", fmt.Sprint(g["VpcId"], g["VSwitchId"], g["Spec"], g["SslVpn"], g["Status"]),
			fmt.Sprint(vpc, vsw, "10M", "enable", "active"))
		server := do("CreateSslVpnServer", typedParams{"VpnGatewayId": gw, "ClientIpPool": "192.168.0.0/16",
			"LocalSubnet": "10.0.0.0/16"})["SslVpnServerId"].(string)
		var certs []string
		for i := 0; i < 10; i++ {
			certs = append(certs, do("CreateSslVpnClientCert", typedParams{"SslVpnServerId": server})["SslVpnClientCertId"].(string))
		}

		for _, r := range [][2]string{{"VPC", vpc}, {"VSWITCH", vsw}, {"VpnGateWay", gw}} {
			for i := 0; i < 2; i++ {
				tagged := do("TagResources", typedParams{"ResourceType": r[0], "ResourceId": []string{r[1]},
					"Tag": []map[string]string{{"Key": "env", "Value": "test"}}})
				mustEqual(t, "TagResources keys", keys(tagged), "RequestId")
			}
		}
		mustJSON(t, "sent", sentParams(t, e, "TagResources"), map[string]string{"RegionId": region, "ResourceType": "VpnGateWay",
			"ResourceId.1": gw, "Tag.1.Key": "env", "Tag.1.Value": "test"})
		tags := do("ListTagResources", typedParams{"ResourceType": "VPC", "ResourceId": []string{vpc}})
		mustJSON(t, "tags", tags["TagResources"], map[string]any{"TagResource": []any{
			map[string]any{"ResourceId": vpc, "ResourceType": "VPC", "TagKey": "team", "TagValue": "vpn"},
			map[string]any{"ResourceId": vpc, "ResourceType": "VPC", "TagKey": "env", "TagValue": "test"}}})
		vpcs := do("DescribeVpcs", typedParams{"VpcId": vpc, "Tag": []map[string]string{{"Key": "env", "Value": "test"}}})
		mustEqual(t, "TotalCount", vpcs["TotalCount"], 1)
		item := vpcs["Vpcs"].(map[string]any)["Vpc"].([]any)[0].(map[string]any)
		mustJSON(t, "VSwitchIds", item["VSwitchIds"], map[string]any{"VSwitchId": []any{vsw}})
		mustJSON(t, "RouterTableIds", item["RouterTableIds"], map[string]any{"RouterTableIds": []any{made["RouteTableId"]}})
		switches := do("DescribeVSwitches", typedParams{"VpcId": vpc})
		mustEqual(t, "vSwitches", switches["TotalCount"], 1)
		tables := do("DescribeRouteTableList", typedParams{"VpcId": vpc})
		table := tables["RouterTableList"].(map[string]any)["RouterTableListType"].([]any)[0].(map[string]any)
		mustEqual(t, "table", fmt.Sprint(table["RouteTableType"], table["VpcId"], table["RouterId"]),
			fmt.Sprint("System", vpc, made["VRouterId"]))
		mustEqual(t, "ModifyVpcAttribute", keys(do("ModifyVpcAttribute", typedParams{"VpcId": vpc, "VpcName": "renamed"})), "RequestId")
		mustEqual(t, "ModifyVSwitchAttribute", keys(do("ModifyVSwitchAttribute", typedParams{"VSwitchId": vsw, "VSwitchName": "b"})), "RequestId")
		modified := do("ModifyVpnGatewayAttribute", typedParams{"VpnGatewayId": gw, "Description": "gw", "AutoPropagate": false})
		mustEqual(t, "modified", fmt.Sprint(modified["Description"], modified["AutoPropagate"]), fmt.Sprint("gw", false))
		do("UnTagResources", typedParams{"ResourceType": "VPC", "ResourceId": []string{vpc}, "TagKey": []string{"env"}})
		mustJSON(t, "sent", sentParams(t, e, "UnTagResources"), map[string]string{"RegionId": region, "ResourceType": "VPC",
			"ResourceId.1": vpc, "TagKey.1": "env"})

		_, err := api(c, "DeleteVSwitch", typedParams{"VSwitchId": vsw})
		assertError(t, kind, err, 400, "DependencyViolation")
		_, err = api(c, "DeleteVpc", typedParams{"VpcId": vpc})
		assertError(t, kind, err, 400, "DependencyViolation.VSwitch")
		for i := len(certs) - 1; i >= 0; i-- {
			do("DeleteSslVpnClientCert", typedParams{"SslVpnClientCertId": certs[i]})
		}
		do("DeleteSslVpnServer", typedParams{"SslVpnServerId": server})
		mustEqual(t, "DeleteVpnGateway", keys(do("DeleteVpnGateway", typedParams{"VpnGatewayId": gw})), "RequestId")
		mustEqual(t, "DeleteVSwitch", keys(do("DeleteVSwitch", typedParams{"VSwitchId": vsw})), "RequestId")
		mustEqual(t, "DeleteVpc", keys(do("DeleteVpc", typedParams{"VpcId": vpc, "ClientToken": "del-" + kind})), "RequestId")
		_, err = api(c, "DescribeVpcAttribute", typedParams{"VpcId": vpc})
		assertError(t, kind, err, 404, "InvalidVpcId.NotFound")
		_, err = api(c, "DescribeVSwitchAttributes", typedParams{"VSwitchId": vsw})
		assertError(t, kind, err, 404, "InvalidVSwitchId.NotFound")
	})
}

func TestVpcErrors(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := startWith(t, "servers.json")
		c := newClient(t, kind, e, rootAK, rootSecret)
		for _, tc := range []struct {
			action string
			p      typedParams
			status int
			code   string
		}{
			{"CreateVpc", typedParams{"CidrBlock": "11.0.0.0/8"}, 400, "InvalidCidrBlock.Malformed"},
			{"CreateVSwitch", typedParams{"VpcId": "vpc-bp1emulator0000000001", "ZoneId": "cn-hangzhou-b", "CidrBlock": "10.0.0.0/24"}, 400, "InvalidParameter"},
			{"CreateVSwitch", typedParams{"VpcId": "vpc-bp1emulator0000000001", "ZoneId": "cn-hangzhou-b", "CidrBlock": "192.168.1.0/25"}, 400, "InvalidCidrBlock.Overlapped"},
			{"CreateVSwitch", typedParams{"VpcId": "vpc-bp1emulator0000000001", "ZoneId": "cn-hangzhou-z", "CidrBlock": "192.168.2.0/24"}, 404, "InvalidZoneId.NotFound"},
			{"CreateVpnGateway", typedParams{"VpcId": "vpc-bp1doesnotexist000001", "Bandwidth": 5}, 404, "InvalidVpcId.NotFound"},
			{"DeleteVpnGateway", typedParams{"VpnGatewayId": "vpn-bp1doesnotexist000001"}, 404, "InvalidVpnGatewayInstanceId.NotFound"},
			{"TagResources", typedParams{"ResourceType": "VSWITCH", "ResourceId": []string{"vsw-bp1doesnotexist000001"},
				"Tag": []map[string]string{{"Key": "k", "Value": "v"}}}, 404, "InvalidVSwitchId.NotFound"},
		} {
			_, err := api(c, tc.action, tc.p)
			assertError(t, kind, err, tc.status, tc.code)
		}
		do := func(action string, p typedParams) map[string]any {
			t.Helper()
			a, err := api(c, action, p)
			return must(t, a, err)
		}
		prepaid := do("CreateVpnGateway", typedParams{"VpcId": "vpc-bp1emulator0000000001", "Bandwidth": 5,
			"InstanceChargeType": "PREPAY", "Period": 1})
		_, err := api(c, "DeleteVpnGateway", typedParams{"VpnGatewayId": prepaid["VpnGatewayId"]})
		assertError(t, kind, err, 403, "ForbiddenRelease")
	})
}
