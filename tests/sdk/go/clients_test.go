package sdktests

import (
	"encoding/json"
	"errors"
	"strconv"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	rpc "github.com/alibabacloud-go/tea-rpc/client"
	util "github.com/alibabacloud-go/tea-utils/service"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	teavpc "github.com/alibabacloud-go/vpc-20160428/v6/client"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	legacyvpc "github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// The clients under test; each drives the emulator only through that SDK's own API.
var clientKinds = []string{"tea-acs3", "tea-v1", "legacy", "tea-rpc"}

// answer is a success as the client returned it: the HTTP status, the x-acs-request-id header
// and the body as a JSON object.
type answer struct {
	Status    int
	RequestID string
	Body      map[string]any
}

// apiError is a refusal as the client's own error type carries it.
type apiError struct {
	Status    int
	Code      string
	Message   string // the catalogue's message, unwrapped from the client's text
	RequestID string
	Envelope  map[string]any // the error body, where the client keeps it
	Raw       error
}

// params of one call; empty strings are not sent.
type params map[string]string

type client interface {
	Create(p params) (answer, error)
	Describe(p params) (answer, error)
	List(p params) (answer, error)
	Modify(p params) (answer, error)
	Delete(p params) (answer, error)
	Regions(p params) (answer, error)
}

func newClient(t *testing.T, kind string, e *emulator, ak, secret string) client {
	t.Helper()
	switch kind {
	case "tea-acs3", "tea-v1":
		cfg := &openapi.Config{
			AccessKeyId:     dara.String(ak),
			AccessKeySecret: dara.String(secret),
			Endpoint:        dara.String(e.HostPort()),
			Protocol:        dara.String("HTTP"),
			RegionId:        dara.String(region),
		}
		if kind == "tea-v1" {
			cfg.SignatureAlgorithm = dara.String("v2")
		}
		c, err := teavpc.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return teaClient{c}
	case "legacy":
		c, err := legacyvpc.NewClientWithAccessKey(region, ak, secret)
		if err != nil {
			t.Fatal(err)
		}
		return legacyClient{c, e.HostPort()}
	case "tea-rpc":
		c, err := rpc.NewClient(&rpc.Config{
			AccessKeyId:     tea.String(ak),
			AccessKeySecret: tea.String(secret),
			Endpoint:        tea.String(e.HostPort()),
			Protocol:        tea.String("http"),
			RegionId:        tea.String(region),
		})
		if err != nil {
			t.Fatal(err)
		}
		return rpcClient{c}
	}
	t.Fatalf("unknown client %s", kind)
	return nil
}

func str(p params, k string) *string {
	if v, ok := p[k]; ok && v != "" {
		return dara.String(v)
	}
	return nil
}

func i32(p params, k string) *int32 {
	if v, ok := p[k]; ok && v != "" {
		n, _ := strconv.Atoi(v)
		return dara.Int32(int32(n))
	}
	return nil
}

func toMap(v any) map[string]any {
	data, _ := json.Marshal(v)
	out := map[string]any{}
	_ = json.Unmarshal(data, &out)
	return out
}

// --- the Tea SDK (vpc-20160428), typed requests ---------------------------------------

type teaClient struct{ c *teavpc.Client }

func teaAnswer(status *int32, headers map[string]*string, body any, err error) (answer, error) {
	if err != nil {
		return answer{}, err
	}
	return answer{Status: int(dara.Int32Value(status)), RequestID: dara.StringValue(headers["x-acs-request-id"]), Body: toMap(body)}, nil
}

func (c teaClient) Create(p params) (answer, error) {
	r, err := c.c.CreateSslVpnClientCert(&teavpc.CreateSslVpnClientCertRequest{
		RegionId: str(p, "RegionId"), SslVpnServerId: str(p, "SslVpnServerId"), Name: str(p, "Name"), ClientToken: str(p, "ClientToken")})
	if err != nil {
		return answer{}, err
	}
	return teaAnswer(r.StatusCode, r.Headers, r.Body, nil)
}

func (c teaClient) Describe(p params) (answer, error) {
	r, err := c.c.DescribeSslVpnClientCert(&teavpc.DescribeSslVpnClientCertRequest{
		RegionId: str(p, "RegionId"), SslVpnClientCertId: str(p, "SslVpnClientCertId")})
	if err != nil {
		return answer{}, err
	}
	return teaAnswer(r.StatusCode, r.Headers, r.Body, nil)
}

func (c teaClient) List(p params) (answer, error) {
	r, err := c.c.DescribeSslVpnClientCerts(&teavpc.DescribeSslVpnClientCertsRequest{
		RegionId: str(p, "RegionId"), SslVpnServerId: str(p, "SslVpnServerId"),
		PageNumber: i32(p, "PageNumber"), PageSize: i32(p, "PageSize")})
	if err != nil {
		return answer{}, err
	}
	return teaAnswer(r.StatusCode, r.Headers, r.Body, nil)
}

func (c teaClient) Modify(p params) (answer, error) {
	r, err := c.c.ModifySslVpnClientCert(&teavpc.ModifySslVpnClientCertRequest{
		RegionId: str(p, "RegionId"), SslVpnClientCertId: str(p, "SslVpnClientCertId"), Name: str(p, "Name"), ClientToken: str(p, "ClientToken")})
	if err != nil {
		return answer{}, err
	}
	return teaAnswer(r.StatusCode, r.Headers, r.Body, nil)
}

func (c teaClient) Delete(p params) (answer, error) {
	r, err := c.c.DeleteSslVpnClientCert(&teavpc.DeleteSslVpnClientCertRequest{
		RegionId: str(p, "RegionId"), SslVpnClientCertId: str(p, "SslVpnClientCertId"), ClientToken: str(p, "ClientToken")})
	if err != nil {
		return answer{}, err
	}
	return teaAnswer(r.StatusCode, r.Headers, r.Body, nil)
}

func (c teaClient) Regions(p params) (answer, error) {
	r, err := c.c.DescribeRegions(&teavpc.DescribeRegionsRequest{AcceptLanguage: str(p, "AcceptLanguage")})
	if err != nil {
		return answer{}, err
	}
	return teaAnswer(r.StatusCode, r.Headers, r.Body, nil)
}

// --- the legacy alibaba-cloud-sdk-go, typed requests -----------------------------------

type legacyClient struct {
	c    *legacyvpc.Client
	host string
}

type legacyResponse interface {
	GetHttpStatus() int
	GetHttpHeaders() map[string][]string
	GetHttpContentString() string
}

func (c legacyClient) target(r *requests.RpcRequest) {
	r.Scheme = "http"
	r.Domain = c.host
}

func legacyAnswer(r legacyResponse, err error) (answer, error) {
	if err != nil {
		return answer{}, err
	}
	body := map[string]any{}
	if err := json.Unmarshal([]byte(r.GetHttpContentString()), &body); err != nil {
		return answer{}, err
	}
	rid := ""
	if v := r.GetHttpHeaders()["X-Acs-Request-Id"]; len(v) > 0 {
		rid = v[0]
	}
	return answer{Status: r.GetHttpStatus(), RequestID: rid, Body: body}, nil
}

func (c legacyClient) Create(p params) (answer, error) {
	req := legacyvpc.CreateCreateSslVpnClientCertRequest()
	c.target(req.RpcRequest)
	req.RegionId, req.SslVpnServerId, req.Name, req.ClientToken = p["RegionId"], p["SslVpnServerId"], p["Name"], p["ClientToken"]
	r, err := c.c.CreateSslVpnClientCert(req)
	return legacyAnswer(r, err)
}

func (c legacyClient) Describe(p params) (answer, error) {
	req := legacyvpc.CreateDescribeSslVpnClientCertRequest()
	c.target(req.RpcRequest)
	req.RegionId, req.SslVpnClientCertId = p["RegionId"], p["SslVpnClientCertId"]
	r, err := c.c.DescribeSslVpnClientCert(req)
	return legacyAnswer(r, err)
}

func (c legacyClient) List(p params) (answer, error) {
	req := legacyvpc.CreateDescribeSslVpnClientCertsRequest()
	c.target(req.RpcRequest)
	req.RegionId, req.SslVpnServerId = p["RegionId"], p["SslVpnServerId"]
	req.PageNumber, req.PageSize = requests.Integer(p["PageNumber"]), requests.Integer(p["PageSize"])
	r, err := c.c.DescribeSslVpnClientCerts(req)
	return legacyAnswer(r, err)
}

func (c legacyClient) Modify(p params) (answer, error) {
	req := legacyvpc.CreateModifySslVpnClientCertRequest()
	c.target(req.RpcRequest)
	req.RegionId, req.SslVpnClientCertId, req.Name, req.ClientToken = p["RegionId"], p["SslVpnClientCertId"], p["Name"], p["ClientToken"]
	r, err := c.c.ModifySslVpnClientCert(req)
	return legacyAnswer(r, err)
}

func (c legacyClient) Delete(p params) (answer, error) {
	req := legacyvpc.CreateDeleteSslVpnClientCertRequest()
	c.target(req.RpcRequest)
	req.RegionId, req.SslVpnClientCertId, req.ClientToken = p["RegionId"], p["SslVpnClientCertId"], p["ClientToken"]
	r, err := c.c.DeleteSslVpnClientCert(req)
	return legacyAnswer(r, err)
}

func (c legacyClient) Regions(p params) (answer, error) {
	req := legacyvpc.CreateDescribeRegionsRequest()
	c.target(req.RpcRequest)
	req.AcceptLanguage = p["AcceptLanguage"]
	r, err := c.c.DescribeRegions(req)
	return legacyAnswer(r, err)
}

// --- tea-rpc, the generic V1 client (RegionId in the query, the rest in a form body) --------

type rpcClient struct{ c *rpc.Client }

func (c rpcClient) call(action string, p params) (answer, error) {
	query := map[string]interface{}{}
	body := map[string]interface{}{}
	for k, v := range p {
		if v == "" {
			continue
		}
		if k == "RegionId" {
			query[k] = v
		} else {
			body[k] = v
		}
	}
	res, err := c.c.DoRequest(tea.String(action), tea.String("HTTP"), tea.String("POST"), tea.String("2016-04-28"),
		tea.String("AK"), query, body, &util.RuntimeOptions{})
	if err != nil {
		return answer{}, err
	}
	rid := ""
	if headers, ok := res["_headers"].(map[string]*string); ok {
		rid = tea.StringValue(headers["x-acs-request-id"])
	}
	delete(res, "_headers")
	return answer{Status: 200, RequestID: rid, Body: toMap(res)}, nil
}

func (c rpcClient) Create(p params) (answer, error)   { return c.call("CreateSslVpnClientCert", p) }
func (c rpcClient) Describe(p params) (answer, error) { return c.call("DescribeSslVpnClientCert", p) }
func (c rpcClient) List(p params) (answer, error)     { return c.call("DescribeSslVpnClientCerts", p) }
func (c rpcClient) Modify(p params) (answer, error)   { return c.call("ModifySslVpnClientCert", p) }
func (c rpcClient) Delete(p params) (answer, error)   { return c.call("DeleteSslVpnClientCert", p) }
func (c rpcClient) Regions(p params) (answer, error)  { return c.call("DescribeRegions", p) }

// --- errors, as each client's own type carries them ------------------------------------

// asAPIError unwraps a client's error into its parts; the test fails if it is of another type.
func asAPIError(t *testing.T, kind string, err error) apiError {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: expected an error, got success", kind)
	}
	switch kind {
	case "tea-acs3", "tea-v1":
		var ce *openapi.ClientError
		var se *openapi.ServerError
		switch {
		case errors.As(err, &ce):
			return apiError{Status: dara.IntValue(ce.StatusCode), Code: dara.StringValue(ce.Code),
				Message: dara.StringValue(ce.Message), RequestID: dara.StringValue(ce.RequestId), Envelope: ce.Data, Raw: err}
		case errors.As(err, &se):
			return apiError{Status: dara.IntValue(se.StatusCode), Code: dara.StringValue(se.Code),
				Message: dara.StringValue(se.Message), RequestID: dara.StringValue(se.RequestId), Envelope: se.Data, Raw: err}
		}
		// What vpc-20160428 v6 returns: tea's SDKError, with the error body as JSON in Data.
		return sdkError(t, kind, err)
	case "legacy":
		var se *sdkerrors.ServerError
		if errors.As(err, &se) {
			return apiError{Status: se.HttpStatus(), Code: se.ErrorCode(), Message: se.Message(),
				RequestID: se.RequestId(), Envelope: map[string]any{"HostId": se.HostId(), "Recommend": se.Recommend(),
					"AccessDeniedDetail": se.AccessDeniedDetail()}, Raw: err}
		}
	case "tea-rpc":
		return sdkError(t, kind, err)
	}
	t.Fatalf("%s: error of an unexpected type %T: %v", kind, err, err)
	return apiError{}
}

// sdkError unwraps tea's SDKError, which keeps the error body as JSON in Data.
func sdkError(t *testing.T, kind string, err error) apiError {
	t.Helper()
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Fatalf("%s: error of an unexpected type %T: %v", kind, err, err)
	}
	env := map[string]any{}
	if err := json.Unmarshal([]byte(tea.StringValue(se.Data)), &env); err != nil {
		t.Fatalf("%s: SDKError.Data is not JSON: %v", kind, err)
	}
	delete(env, "_headers")
	rid, _ := env["RequestId"].(string)
	return apiError{Status: tea.IntValue(se.StatusCode), Code: tea.StringValue(se.Code),
		Message: tea.StringValue(se.Message), RequestID: rid, Envelope: env, Raw: err}
}
