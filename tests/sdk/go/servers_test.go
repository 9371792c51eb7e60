package sdktests

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alibabacloud-go/tea/dara"
	teavpc "github.com/alibabacloud-go/vpc-20160428/v6/client"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	legacyvpc "github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	vpcemulator "github.com/aliyun-vpc-emulator/aliyun-vpc-emulator/go"
)

// SSL-VPN servers and VPN gateways as API resources (SPEC section 11) through each Go client's
// own API: the Tea SDK's and the legacy SDK's typed requests, and tea-rpc's generic call.

const (
	freeGW  = "vpn-bp1emulatorfree00001"
	nosslGW = "vpn-bp1emulatornossl0001"
	gateway = "vpn-bp1emulator0000000001"
)

var serverIDRe = regexp.MustCompile(`^vss-[a-z0-9]{21}$`)

// serverCaller calls the server and gateway actions by name; each client maps the API's
// parameter names onto its own typed request.
type serverCaller interface {
	Call(action string, p params) (answer, error)
}

func boolp(p params, k string) *bool {
	if v, ok := p[k]; ok && v != "" {
		return dara.Bool(v == "true")
	}
	return nil
}

func (c teaClient) Call(action string, p params) (answer, error) {
	r := func(status *int32, headers map[string]*string, body any, err error) (answer, error) {
		if err != nil {
			return answer{}, err
		}
		return teaAnswer(status, headers, body, nil)
	}
	switch action {
	case "CreateSslVpnServer":
		res, err := c.c.CreateSslVpnServer(&teavpc.CreateSslVpnServerRequest{
			RegionId: str(p, "RegionId"), VpnGatewayId: str(p, "VpnGatewayId"), ClientIpPool: str(p, "ClientIpPool"),
			LocalSubnet: str(p, "LocalSubnet"), Name: str(p, "Name"), Proto: str(p, "Proto"), Cipher: str(p, "Cipher"),
			Port: i32(p, "Port"), Compress: boolp(p, "Compress"), EnableMultiFactorAuth: boolp(p, "EnableMultiFactorAuth"),
			IDaaSInstanceId: str(p, "IDaaSInstanceId"), IDaaSRegionId: str(p, "IDaaSRegionId"),
			IDaaSApplicationId: str(p, "IDaaSApplicationId"), ClientToken: str(p, "ClientToken")})
		if err != nil {
			return answer{}, err
		}
		return r(res.StatusCode, res.Headers, res.Body, nil)
	case "ModifySslVpnServer":
		res, err := c.c.ModifySslVpnServer(&teavpc.ModifySslVpnServerRequest{
			RegionId: str(p, "RegionId"), SslVpnServerId: str(p, "SslVpnServerId"), ClientIpPool: str(p, "ClientIpPool"),
			LocalSubnet: str(p, "LocalSubnet"), Name: str(p, "Name"), Proto: str(p, "Proto"), Cipher: str(p, "Cipher"),
			Port: i32(p, "Port"), Compress: boolp(p, "Compress"), EnableMultiFactorAuth: boolp(p, "EnableMultiFactorAuth"),
			IDaaSInstanceId: str(p, "IDaaSInstanceId"), IDaaSRegionId: str(p, "IDaaSRegionId"),
			IDaaSApplicationId: str(p, "IDaaSApplicationId"), ClientToken: str(p, "ClientToken")})
		if err != nil {
			return answer{}, err
		}
		return r(res.StatusCode, res.Headers, res.Body, nil)
	case "DeleteSslVpnServer":
		res, err := c.c.DeleteSslVpnServer(&teavpc.DeleteSslVpnServerRequest{
			RegionId: str(p, "RegionId"), SslVpnServerId: str(p, "SslVpnServerId"), ClientToken: str(p, "ClientToken")})
		if err != nil {
			return answer{}, err
		}
		return r(res.StatusCode, res.Headers, res.Body, nil)
	case "DescribeSslVpnServers":
		res, err := c.c.DescribeSslVpnServers(&teavpc.DescribeSslVpnServersRequest{
			RegionId: str(p, "RegionId"), SslVpnServerId: str(p, "SslVpnServerId"), VpnGatewayId: str(p, "VpnGatewayId"),
			Name: str(p, "Name"), ResourceGroupId: str(p, "ResourceGroupId"), PageNumber: i32(p, "PageNumber"),
			PageSize: i32(p, "PageSize")})
		if err != nil {
			return answer{}, err
		}
		return r(res.StatusCode, res.Headers, res.Body, nil)
	case "DescribeVpnGateway":
		res, err := c.c.DescribeVpnGateway(&teavpc.DescribeVpnGatewayRequest{
			RegionId: str(p, "RegionId"), VpnGatewayId: str(p, "VpnGatewayId")})
		if err != nil {
			return answer{}, err
		}
		return r(res.StatusCode, res.Headers, res.Body, nil)
	case "DescribeVpnGateways":
		req := &teavpc.DescribeVpnGatewaysRequest{
			RegionId: str(p, "RegionId"), VpnGatewayId: str(p, "VpnGatewayId"), Status: str(p, "Status"),
			PageNumber: i32(p, "PageNumber"), PageSize: i32(p, "PageSize")}
		if k := str(p, "Tag.1.Key"); k != nil {
			req.Tag = []*teavpc.DescribeVpnGatewaysRequestTag{{Key: k, Value: str(p, "Tag.1.Value")}}
		}
		res, err := c.c.DescribeVpnGateways(req)
		if err != nil {
			return answer{}, err
		}
		return r(res.StatusCode, res.Headers, res.Body, nil)
	}
	return answer{}, fmt.Errorf("no typed request for %s", action)
}

func (c legacyClient) Call(action string, p params) (answer, error) {
	switch action {
	case "CreateSslVpnServer":
		req := legacyvpc.CreateCreateSslVpnServerRequest()
		c.target(req.RpcRequest)
		req.RegionId, req.VpnGatewayId, req.ClientIpPool, req.LocalSubnet = p["RegionId"], p["VpnGatewayId"], p["ClientIpPool"], p["LocalSubnet"]
		req.Name, req.Proto, req.Cipher, req.Port = p["Name"], p["Proto"], p["Cipher"], requests.Integer(p["Port"])
		req.Compress, req.EnableMultiFactorAuth = requests.Boolean(p["Compress"]), requests.Boolean(p["EnableMultiFactorAuth"])
		req.IDaaSInstanceId, req.IDaaSRegionId, req.IDaaSApplicationId = p["IDaaSInstanceId"], p["IDaaSRegionId"], p["IDaaSApplicationId"]
		req.ClientToken = p["ClientToken"]
		res, err := c.c.CreateSslVpnServer(req)
		if err == nil && res.SslVpnServerId == "" {
			return answer{}, fmt.Errorf("the typed response has no SslVpnServerId: %s", res.GetHttpContentString())
		}
		return legacyAnswer(res, err)
	case "ModifySslVpnServer":
		req := legacyvpc.CreateModifySslVpnServerRequest()
		c.target(req.RpcRequest)
		req.RegionId, req.SslVpnServerId, req.ClientIpPool, req.LocalSubnet = p["RegionId"], p["SslVpnServerId"], p["ClientIpPool"], p["LocalSubnet"]
		req.Name, req.Proto, req.Cipher, req.Port = p["Name"], p["Proto"], p["Cipher"], requests.Integer(p["Port"])
		req.Compress, req.EnableMultiFactorAuth = requests.Boolean(p["Compress"]), requests.Boolean(p["EnableMultiFactorAuth"])
		req.IDaaSInstanceId, req.IDaaSRegionId, req.IDaaSApplicationId = p["IDaaSInstanceId"], p["IDaaSRegionId"], p["IDaaSApplicationId"]
		req.ClientToken = p["ClientToken"]
		res, err := c.c.ModifySslVpnServer(req)
		return legacyAnswer(res, err)
	case "DeleteSslVpnServer":
		req := legacyvpc.CreateDeleteSslVpnServerRequest()
		c.target(req.RpcRequest)
		req.RegionId, req.SslVpnServerId, req.ClientToken = p["RegionId"], p["SslVpnServerId"], p["ClientToken"]
		res, err := c.c.DeleteSslVpnServer(req)
		return legacyAnswer(res, err)
	case "DescribeSslVpnServers":
		req := legacyvpc.CreateDescribeSslVpnServersRequest()
		c.target(req.RpcRequest)
		req.RegionId, req.SslVpnServerId, req.VpnGatewayId, req.Name = p["RegionId"], p["SslVpnServerId"], p["VpnGatewayId"], p["Name"]
		req.ResourceGroupId = p["ResourceGroupId"]
		req.PageNumber, req.PageSize = requests.Integer(p["PageNumber"]), requests.Integer(p["PageSize"])
		res, err := c.c.DescribeSslVpnServers(req)
		if err == nil {
			// The typed response parsed the list, numbers and booleans included.
			if n := len(res.SslVpnServers.SslVpnServer); n != res.TotalCount && res.PageSize >= res.TotalCount {
				return answer{}, fmt.Errorf("typed response: %d items of %d", n, res.TotalCount)
			}
		}
		return legacyAnswer(res, err)
	case "DescribeVpnGateway":
		req := legacyvpc.CreateDescribeVpnGatewayRequest()
		c.target(req.RpcRequest)
		req.RegionId, req.VpnGatewayId = p["RegionId"], p["VpnGatewayId"]
		res, err := c.c.DescribeVpnGateway(req)
		if err == nil && res.VpnGatewayId != p["VpnGatewayId"] {
			return answer{}, fmt.Errorf("typed response: VpnGatewayId %q", res.VpnGatewayId)
		}
		return legacyAnswer(res, err)
	case "DescribeVpnGateways":
		req := legacyvpc.CreateDescribeVpnGatewaysRequest()
		c.target(req.RpcRequest)
		req.RegionId, req.VpnGatewayId, req.Status = p["RegionId"], p["VpnGatewayId"], p["Status"]
		req.PageNumber, req.PageSize = requests.Integer(p["PageNumber"]), requests.Integer(p["PageSize"])
		if k := p["Tag.1.Key"]; k != "" {
			req.Tag = &[]legacyvpc.DescribeVpnGatewaysTag{{Key: k, Value: p["Tag.1.Value"]}}
		}
		res, err := c.c.DescribeVpnGateways(req)
		return legacyAnswer(res, err)
	}
	return answer{}, fmt.Errorf("no typed request for %s", action)
}

func (c rpcClient) Call(action string, p params) (answer, error) { return c.call(action, p) }

func newServerClient(t *testing.T, kind string, e *emulator, ak, secret string) serverCaller {
	t.Helper()
	c, ok := newClient(t, kind, e, ak, secret).(serverCaller)
	if !ok {
		t.Fatalf("%s has no server calls", kind)
	}
	return c
}

// sentParams is what the emulator journaled for the newest call of `action`, without what
// the client adds on its own (Action, Format, Version).
func sentParams(t *testing.T, e *emulator, action string) map[string]any {
	t.Helper()
	list := e.admin(t, "GET", "requests?limit=1&action="+action, "").([]any)
	if len(list) != 1 {
		t.Fatalf("no journal entry for %s", action)
	}
	got := list[0].(map[string]any)["Params"].(map[string]any)
	for _, k := range []string{"Action", "Format", "Version"} {
		delete(got, k)
	}
	return got
}

func mustJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Fatalf("%s:\n got %s\nwant %s", what, g, w)
	}
}

// teaView is what the Tea SDK's typed response shows of a wire body: its structs have no
// GatewayType (vpc-20160428 v6.12.8) and drop empty lists (omitempty). The other clients
// return the wire JSON itself, so they are compared with the wire body unchanged.
func teaView(kind string, want map[string]any) map[string]any {
	if kind != "tea-acs3" && kind != "tea-v1" {
		return want
	}
	out := map[string]any{}
	for k, v := range want {
		switch {
		case k == "GatewayType":
		case k == "EniInstanceIds":
			out[k] = map[string]any{}
		default:
			out[k] = v
		}
	}
	return out
}

func onlyServer(t *testing.T, a answer) map[string]any {
	t.Helper()
	mustEqual(t, "keys", keys(a.Body), sorted("RequestId", "TotalCount", "PageNumber", "PageSize", "SslVpnServers"))
	list := a.Body["SslVpnServers"].(map[string]any)["SslVpnServer"].([]any)
	if len(list) != 1 || a.Body["TotalCount"] != float64(1) {
		t.Fatalf("not one server: %v", a.Body)
	}
	return list[0].(map[string]any)
}

var serverKeys = []string{"RegionId", "SslVpnServerId", "VpnGatewayId", "Name", "ClientIpPool", "LocalSubnet",
	"Proto", "Port", "Cipher", "Compress", "CreateTime", "Connections", "MaxConnections", "InternetIp",
	"EnableMultiFactorAuth", "ResourceGroupId"}

func TestServerLifecycle(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := startWith(t, "servers.json")
		c := newServerClient(t, kind, e, rootAK, rootSecret)
		create := params{"RegionId": region, "VpnGatewayId": freeGW, "ClientIpPool": "10.8.0.0/16",
			"LocalSubnet": "172.16.0.0/16,192.168.100.0/24", "Name": "office", "Port": "1195", "Proto": "UDP",
			"Compress": "true", "ClientToken": "create-" + kind}
		made, err := c.Call("CreateSslVpnServer", create)
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "create keys", keys(made.Body), sorted("RequestId", "SslVpnServerId", "Name"))
		mustEqual(t, "RequestId header", made.RequestID, made.Body["RequestId"])
		id, _ := made.Body["SslVpnServerId"].(string)
		if !serverIDRe.MatchString(id) || made.Body["Name"] != "office" {
			t.Fatalf("create: %v", made.Body)
		}
		sent := map[string]any{}
		for k, v := range create {
			sent[k] = v
		}
		mustJSON(t, "sent", sentParams(t, e, "CreateSslVpnServer"), sent)

		listed, err := c.Call("DescribeSslVpnServers", params{"RegionId": region, "SslVpnServerId": id})
		if err != nil {
			t.Fatal(err)
		}
		item := onlyServer(t, listed)
		mustEqual(t, "item keys", keys(item), sorted(serverKeys...))
		created, ok := item["CreateTime"].(float64)
		if !ok || created <= 1764547200000 {
			t.Fatalf("CreateTime %v", item["CreateTime"])
		}
		want := map[string]any{"RegionId": region, "SslVpnServerId": id, "VpnGatewayId": freeGW, "Name": "office",
			"ClientIpPool": "10.8.0.0/16", "LocalSubnet": "172.16.0.0/16,192.168.100.0/24", "Proto": "UDP",
			"Port": 1195, "Cipher": "AES-128-CBC", "Compress": true, "CreateTime": int64(created), "Connections": 0,
			"MaxConnections": 10, "InternetIp": "203.0.113.7", "EnableMultiFactorAuth": false, "ResourceGroupId": "rg-free"}
		mustJSON(t, "item", item, want)

		changed, err := c.Call("ModifySslVpnServer", params{"RegionId": region, "SslVpnServerId": id,
			"Cipher": "AES-256-CBC", "EnableMultiFactorAuth": "true", "IDaaSInstanceId": "idaas-cn-hangzhou-p1",
			"IDaaSRegionId": "cn-hangzhou", "IDaaSApplicationId": "app_1"})
		if err != nil {
			t.Fatal(err)
		}
		want["Cipher"], want["EnableMultiFactorAuth"] = "AES-256-CBC", true
		want["IDaaSInstanceId"], want["IDaaSApplicationId"] = "idaas-cn-hangzhou-p1", "app_1"
		want["RequestId"] = changed.Body["RequestId"]
		mustJSON(t, "modify", changed.Body, want)

		cert, err := newClient(t, kind, e, rootAK, rootSecret).Create(params{"RegionId": region, "SslVpnServerId": id})
		if err != nil {
			t.Fatal(err)
		}
		gone, err := c.Call("DeleteSslVpnServer", params{"RegionId": region, "SslVpnServerId": id, "ClientToken": "d-" + kind})
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "delete keys", keys(gone.Body), "RequestId")
		_, err = newClient(t, kind, e, rootAK, rootSecret).Describe(params{"RegionId": region,
			"SslVpnClientCertId": cert.Body["SslVpnClientCertId"].(string)})
		assertError(t, kind, err, 404, "InvalidSslVpnClientCertId.NotFound")
		empty, err := c.Call("DescribeSslVpnServers", params{"RegionId": region, "SslVpnServerId": id})
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "TotalCount", empty.Body["TotalCount"], 0)
		wantEmpty := map[string]any{"SslVpnServer": []any{}}
		if strings.HasPrefix(kind, "tea-") && kind != "tea-rpc" {
			wantEmpty = map[string]any{} // the typed struct drops an empty list
		}
		mustJSON(t, "empty list", empty.Body["SslVpnServers"], wantEmpty)
		if _, err := c.Call("DeleteSslVpnServer", params{"RegionId": region, "SslVpnServerId": id, "ClientToken": "d-" + kind}); err != nil {
			t.Fatalf("the replay: %v", err)
		}
	})
}

var gatewayKeys = []string{"VpnGatewayId", "VpcId", "VSwitchId", "InternetIp", "DisasterRecoveryInternetIp",
	"DisasterRecoveryVSwitchId", "SslVpnInternetIp", "Name", "Description", "Spec", "Status", "BusinessStatus",
	"ChargeType", "IpsecVpn", "SslVpn", "SslMaxConnections", "NetworkType", "GatewayType", "VpnType",
	"AutoPropagate", "EnableBgp", "CreateTime", "EndTime", "ResourceGroupId", "Tag", "EniInstanceIds", "Tags"}

func TestGateways(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := startWith(t, "servers.json")
		c := newServerClient(t, kind, e, rootAK, rootSecret)
		one, err := c.Call("DescribeVpnGateway", params{"RegionId": region, "VpnGatewayId": freeGW})
		if err != nil {
			t.Fatal(err)
		}
		mustJSON(t, "gateway", one.Body, teaView(kind, map[string]any{
			"RequestId": one.RequestID, "VpnGatewayId": freeGW, "VpcId": "", "VSwitchId": "", "InternetIp": "203.0.113.7",
			"DisasterRecoveryInternetIp": "", "DisasterRecoveryVSwitchId": "", "SslVpnInternetIp": "", "Name": "free",
			"Description": "", "Spec": "5M", "Status": "active", "BusinessStatus": "Normal", "ChargeType": "PostpayByFlow",
			"IpsecVpn": "enable", "SslVpn": "enable", "SslMaxConnections": 10, "NetworkType": "public",
			"GatewayType": "Traditional", "VpnType": "Normal", "AutoPropagate": false, "EnableBgp": false,
			"CreateTime": int64(1764547200000), "EndTime": int64(4102444800000), "ResourceGroupId": "rg-free", "Tag": "",
			"EniInstanceIds": map[string]any{"EniInstanceId": []any{}},
			"Tags":           map[string]any{"Tag": []any{map[string]any{"Key": "team", "Value": "vpn"}}}}))
		tagged, err := c.Call("DescribeVpnGateways", params{"RegionId": region, "Tag.1.Key": "team", "Tag.1.Value": "vpn"})
		if err != nil {
			t.Fatal(err)
		}
		mustJSON(t, "sent", sentParams(t, e, "DescribeVpnGateways"),
			map[string]any{"RegionId": region, "Tag.1.Key": "team", "Tag.1.Value": "vpn"})
		items := tagged.Body["VpnGateways"].(map[string]any)["VpnGateway"].([]any)
		if len(items) != 1 || items[0].(map[string]any)["VpnGatewayId"] != freeGW {
			t.Fatalf("tag filter: %v", tagged.Body)
		}
		keySet := map[string]any{}
		for _, k := range gatewayKeys {
			keySet[k] = nil
		}
		mustEqual(t, "item keys", keys(items[0].(map[string]any)), keys(teaView(kind, keySet)))
		all, err := c.Call("DescribeVpnGateways", params{"RegionId": region, "PageSize": "50"})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, g := range all.Body["VpnGateways"].(map[string]any)["VpnGateway"].([]any) {
			ids = append(ids, g.(map[string]any)["VpnGatewayId"].(string))
		}
		mustEqual(t, "order", strings.Join(ids, ","), strings.Join([]string{freeGW, nosslGW, gateway}, ","))
		_, err = c.Call("DescribeVpnGateway", params{"RegionId": region, "VpnGatewayId": "vpn-bp1doesnotexist000001"})
		assertError(t, kind, err, 404, "InvalidVpnGatewayInstanceId.NotFound")
	})
}

func TestServerErrors(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := startWith(t, "servers.json")
		c := newServerClient(t, kind, e, rootAK, rootSecret)
		base := func(extra params) params {
			p := params{"RegionId": region, "VpnGatewayId": freeGW, "ClientIpPool": "10.8.0.0/16", "LocalSubnet": "172.16.0.0/16"}
			for k, v := range extra {
				p[k] = v
			}
			return p
		}
		for _, tc := range []struct {
			p      params
			status int
			code   string
			param  string
		}{
			{base(params{"ClientIpPool": "10.8.0.1/16"}), 400, "InvalidParameter", "ClientIpPool"},
			{base(params{"LocalSubnet": "10.0.0.0/8"}), 400, "InvalidParameter", "ClientIpPool"},
			{base(params{"Port": "443"}), 400, "InvalidParameter", "Port"},
			{base(params{"Proto": "tcp"}), 400, "InvalidParameter", "Proto"},
			{base(params{"VpnGatewayId": "vpn-bp1doesnotexist000001"}), 404, "InvalidVpnGatewayInstanceId.NotFound", ""},
			{base(params{"VpnGatewayId": nosslGW}), 400, "VpnGateway.SslVpnDisabled", ""},
			{base(params{"VpnGatewayId": gateway}), 400, "Resource.QuotaFull", ""},
		} {
			_, err := c.Call("CreateSslVpnServer", tc.p)
			got := assertError(t, kind, err, tc.status, tc.code)
			if tc.param != "" && !strings.Contains(got.Message, `The specified parameter "`+tc.param+`" is not valid.`) {
				t.Fatalf("message %q, want one naming %s", got.Message, tc.param)
			}
		}
		_, err := c.Call("ModifySslVpnServer", params{"RegionId": region, "SslVpnServerId": "vss-bp1doesnotexist000001", "Name": "x"})
		assertError(t, kind, err, 404, "InvalidSslVpnServerId.NotFound")
		_, err = c.Call("DeleteSslVpnServer", params{"RegionId": region, "SslVpnServerId": "vss-bp1doesnotexist000001"})
		assertError(t, kind, err, 404, "InvalidSslVpnServerId.NotFound")
		state := e.admin(t, "GET", "state", "").(map[string]any)
		mustEqual(t, "servers", len(state["SslVpnServers"].([]any)), 1)
	})
}

// A client's retry loop, as Terraform's: the Create of a certificate right after the server's
// Create meets the busy window, and is retried until the window ends (1.5 s of the emulator
// clock, which follows real time).
func TestRetryOnConfiguring(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := startWith(t, "servers.json", vpcemulator.WithGatewayBusy(1500*time.Millisecond))
		c := newServerClient(t, kind, e, rootAK, rootSecret)
		made, err := c.Call("CreateSslVpnServer", params{"RegionId": region, "VpnGatewayId": freeGW,
			"ClientIpPool": "10.8.0.0/16", "LocalSubnet": "172.16.0.0/16"})
		if err != nil {
			t.Fatal(err)
		}
		id := made.Body["SslVpnServerId"].(string)
		gw, err := c.Call("DescribeVpnGateway", params{"RegionId": region, "VpnGatewayId": freeGW})
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "status", gw.Body["Status"], "updating")
		certs := newClient(t, kind, e, rootAK, rootSecret)
		refused := 0
		for {
			_, err := certs.Create(params{"RegionId": region, "SslVpnServerId": id})
			if err == nil {
				break
			}
			assertError(t, kind, err, 400, "VpnGateway.Configuring")
			refused++
			if refused > 200 {
				t.Fatal("still configuring after 200 attempts")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if refused == 0 {
			t.Fatal("the first attempt fell outside the window")
		}
		journal := e.admin(t, "GET", "requests?action=CreateSslVpnClientCert", "").([]any)
		var codes []string
		for _, entry := range journal {
			code, _ := entry.(map[string]any)["Code"].(string)
			codes = append(codes, code)
		}
		mustEqual(t, "codes", strings.Join(codes, ","),
			strings.TrimSuffix(strings.Repeat("VpnGateway.Configuring,", refused), ",")+",")
		e.admin(t, "POST", "clock", `{"AdvanceSeconds": 2}`)
		if _, err := c.Call("ModifySslVpnServer", params{"RegionId": region, "SslVpnServerId": id, "Port": strconv.Itoa(1195)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.Call("DeleteSslVpnServer", params{"RegionId": region, "SslVpnServerId": id})
		assertError(t, kind, err, 400, "VpnGateway.Configuring")
	})
}
