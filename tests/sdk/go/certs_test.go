package sdktests

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"testing"
	"time"
)

// assertError checks a refusal as the client surfaced it: its own error type, the exact
// code, HTTP status and catalogue message, and a RequestId of the emulator's form that the
// error body carries too.
func assertError(t *testing.T, kind string, err error, status int, code string) apiError {
	t.Helper()
	e := asAPIError(t, kind, err)
	mustEqual(t, "status", e.Status, status)
	mustEqual(t, "code", e.Code, code)
	if !requestIDRe.MatchString(e.RequestID) {
		t.Fatalf("RequestId %q", e.RequestID)
	}
	msg, known := messages[code]
	switch kind {
	case "legacy":
		// The legacy SDK keeps the body's Message as it is.
		if known {
			mustEqual(t, "message", e.Message, msg)
		}
		mustEqual(t, "HostId", e.Envelope["HostId"], "vpc.aliyuncs.com")
	default:
		// Tea clients prefix the status and append the RequestId; the whole body is kept.
		if known {
			mustEqual(t, "message", e.Message, fmt.Sprintf("code: %d, %s request id: %s", status, msg, e.RequestID))
		}
		mustEqual(t, "body RequestId", e.Envelope["RequestId"], e.RequestID)
		mustEqual(t, "body Code", e.Envelope["Code"], code)
		mustEqual(t, "body HostId", e.Envelope["HostId"], "vpc.aliyuncs.com")
		mustEqual(t, "body Recommend", e.Envelope["Recommend"],
			fmt.Sprintf("https://api.aliyun.com/troubleshoot?q=%s&product=Vpc&requestId=%s", code, e.RequestID))
		if known {
			mustEqual(t, "body Message", e.Envelope["Message"], msg)
		}
	}
	return e
}

func forEachClient(t *testing.T, run func(t *testing.T, kind string)) {
	for _, kind := range clientKinds {
		t.Run(kind, func(t *testing.T) { run(t, kind) })
	}
}

func pemBlock(t *testing.T, text string) *pem.Block {
	t.Helper()
	block, rest := pem.Decode([]byte(text))
	if block == nil || strings.TrimSpace(string(rest)) != "" {
		t.Fatalf("not one PEM block: %q", text)
	}
	return block
}

// The certificate lifecycle through each client: create, describe (the PEM material parsed,
// the client certificate verified against its CA, the key its own), list with paging, rename,
// delete.
func TestCertificateLifecycle(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := start(t)
		c := newClient(t, kind, e, rootAK, rootSecret)

		created, err := c.Create(params{"RegionId": region, "SslVpnServerId": serverID, "Name": "go-" + kind})
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "create keys", keys(created.Body), sorted("RequestId", "Name", "SslVpnClientCertId"))
		id, _ := created.Body["SslVpnClientCertId"].(string)
		if !certIDRe.MatchString(id) {
			t.Fatalf("certificate ID %q", id)
		}
		mustEqual(t, "name", created.Body["Name"], "go-"+kind)
		mustEqual(t, "x-acs-request-id", created.RequestID, created.Body["RequestId"])
		mustEqual(t, "status", created.Status, 200)

		described, err := c.Describe(params{"RegionId": region, "SslVpnClientCertId": id})
		if err != nil {
			t.Fatal(err)
		}
		d := described.Body
		mustEqual(t, "describe keys", keys(d), sorted("RequestId", "RegionId", "SslVpnClientCertId", "SslVpnServerId",
			"Name", "CaCert", "ClientCert", "ClientKey", "ClientConfig", "CreateTime", "EndTime", "Status", "ResourceGroupId"))
		mustEqual(t, "status", d["Status"], "normal")
		mustEqual(t, "group", d["ResourceGroupId"], "rg-acfmemulator01")
		created_ms, end_ms := int64(d["CreateTime"].(float64)), int64(d["EndTime"].(float64))
		mustEqual(t, "validity", end_ms-created_ms, int64(1095*24*3600*1000))

		ca, err := x509.ParseCertificate(pemBlock(t, d["CaCert"].(string)).Bytes)
		if err != nil {
			t.Fatal(err)
		}
		cert, err := x509.ParseCertificate(pemBlock(t, d["ClientCert"].(string)).Bytes)
		if err != nil {
			t.Fatal(err)
		}
		roots := x509.NewCertPool()
		roots.AddCert(ca)
		if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: time.UnixMilli(created_ms + 1000),
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
			t.Fatalf("the client certificate does not verify against its CA: %v", err)
		}
		mustEqual(t, "CN", cert.Subject.CommonName, id)
		mustEqual(t, "not before", cert.NotBefore.Unix(), created_ms/1000)
		mustEqual(t, "not after", cert.NotAfter.Unix(), end_ms/1000)
		keyAny, err := x509.ParsePKCS8PrivateKey(pemBlock(t, d["ClientKey"].(string)).Bytes)
		if err != nil {
			t.Fatal(err)
		}
		if !keyAny.(*ecdsa.PrivateKey).PublicKey.Equal(cert.PublicKey) {
			t.Fatal("ClientKey is not the key of ClientCert")
		}
		config := d["ClientConfig"].(string)
		for _, want := range []string{"client\n", "dev tun\n", "proto udp\n", "remote 127.0.0.1 1194\n", "cipher AES-128-CBC\n",
			"<ca>\n" + strings.TrimSpace(d["CaCert"].(string)) + "\n</ca>", "<cert>\n" + strings.TrimSpace(d["ClientCert"].(string)) + "\n</cert>"} {
			if !strings.Contains(config, want) {
				t.Fatalf("ClientConfig lacks %q:\n%s", want, config)
			}
		}

		// Paging: the two fixture certificates and the new one, two a page.
		page2, err := c.List(params{"RegionId": region, "SslVpnServerId": serverID, "PageNumber": "2", "PageSize": "2"})
		if err != nil {
			t.Fatal(err)
		}
		l := page2.Body
		mustEqual(t, "list keys", keys(l), sorted("RequestId", "TotalCount", "PageNumber", "PageSize", "SslVpnClientCertKeys"))
		mustEqual(t, "total", l["TotalCount"], 3)
		mustEqual(t, "page", l["PageNumber"], 2)
		mustEqual(t, "size", l["PageSize"], 2)
		items := l["SslVpnClientCertKeys"].(map[string]any)["SslVpnClientCertKey"].([]any)
		mustEqual(t, "items on page 2", len(items), 1)
		item := items[0].(map[string]any)
		mustEqual(t, "item", item["SslVpnClientCertId"], id)
		mustEqual(t, "item keys", keys(item), sorted("RegionId", "SslVpnClientCertId", "SslVpnServerId", "Name",
			"CreateTime", "EndTime", "Status", "ResourceGroupId"))

		renamed, err := c.Modify(params{"RegionId": region, "SslVpnClientCertId": id, "Name": "renamed é"})
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "modify keys", keys(renamed.Body), sorted("RequestId", "Name", "SslVpnClientCertId"))
		mustEqual(t, "new name", renamed.Body["Name"], "renamed é")
		mustEqual(t, "stored name", e.certName(t, id), "renamed é")

		deleted, err := c.Delete(params{"RegionId": region, "SslVpnClientCertId": id})
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "delete keys", keys(deleted.Body), "RequestId")
		_, err = c.Describe(params{"RegionId": region, "SslVpnClientCertId": id})
		assertError(t, kind, err, 404, "InvalidSslVpnClientCertId.NotFound")
	})
}

// Every documented error of ModifySslVpnClientCert, as the client's own error type, with
// nothing changed.
func TestModifyErrors(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := start(t)
		root := newClient(t, kind, e, rootAK, rootSecret)

		_, err := root.Modify(params{"RegionId": region, "SslVpnClientCertId": cert1, "Name": strings.Repeat("a", 101)})
		assertError(t, kind, err, 400, "InvalidName")
		_, err = root.Modify(params{"RegionId": region, "SslVpnClientCertId": cert1, "Name": "https://example.com"})
		assertError(t, kind, err, 400, "InvalidName")
		_, err = root.Modify(params{"RegionId": region, "SslVpnClientCertId": unknownCert, "Name": "x"})
		assertError(t, kind, err, 404, "InvalidSslVpnClientCertId.NotFound")
		_, err = root.Modify(params{"RegionId": unknownRgn, "SslVpnClientCertId": cert1, "Name": "x"})
		assertError(t, kind, err, 404, "InvalidRegionId.NotFound")

		// RAM: `readonly` may only describe; `ops` may rename cert 1 only.
		_, err = newClient(t, kind, e, readonlyAK, readonlySK).Modify(params{"RegionId": region, "SslVpnClientCertId": cert1, "Name": "x"})
		denied := assertError(t, kind, err, 403, "Forbidden")
		checkDenied(t, kind, denied, "readonly")
		ops := newClient(t, kind, e, opsAK, opsSecret)
		_, err = ops.Modify(params{"RegionId": region, "SslVpnClientCertId": cert2, "Name": "x"})
		denied = assertError(t, kind, err, 403, "Forbbiden.SubUser")
		checkDenied(t, kind, denied, "ops")
		if _, err := ops.Modify(params{"RegionId": region, "SslVpnClientCertId": cert1, "Name": "by-ops"}); err != nil {
			t.Fatalf("ops may rename cert 1: %v", err)
		}
		mustEqual(t, "cert 1", e.certName(t, cert1), "by-ops")
		mustEqual(t, "cert 2", e.certName(t, cert2), "cert2")
	})
}

// checkDenied: a RAM denial carries AccessDeniedDetail, as each client keeps it.
func checkDenied(t *testing.T, kind string, e apiError, user string) {
	t.Helper()
	detail, ok := e.Envelope["AccessDeniedDetail"].(map[string]any)
	if !ok {
		t.Fatalf("%s: no AccessDeniedDetail in %v", kind, e.Envelope)
	}
	mustEqual(t, "AuthAction", detail["AuthAction"], "vpc:ModifySslVpnClientCert")
	mustEqual(t, "AuthPrincipalDisplayName", detail["AuthPrincipalDisplayName"], user)
	mustEqual(t, "AuthPrincipalOwnerId", detail["AuthPrincipalOwnerId"], accountID)
	mustEqual(t, "NoPermissionType", detail["NoPermissionType"], "ImplicitDeny")
}

// A ClientToken replay answers the first result; the same token with other parameters is a
// mismatch, and changes nothing.
func TestClientTokenReplayAndMismatch(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := start(t)
		c := newClient(t, kind, e, rootAK, rootSecret)
		token := "go-token-" + kind
		first, err := c.Create(params{"RegionId": region, "SslVpnServerId": serverID, "Name": "once", "ClientToken": token})
		if err != nil {
			t.Fatal(err)
		}
		again, err := c.Create(params{"RegionId": region, "SslVpnServerId": serverID, "Name": "once", "ClientToken": token})
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "replayed ID", again.Body["SslVpnClientCertId"], first.Body["SslVpnClientCertId"])
		if again.Body["RequestId"] == first.Body["RequestId"] {
			t.Fatal("a replay has its own RequestId")
		}
		_, err = c.Create(params{"RegionId": region, "SslVpnServerId": serverID, "Name": "other", "ClientToken": token})
		assertError(t, kind, err, 400, "IdempotentParameterMismatch")

		if _, err := c.Modify(params{"RegionId": region, "SslVpnClientCertId": cert1, "Name": "tok", "ClientToken": token}); err != nil {
			t.Fatal(err)
		}
		_, err = c.Modify(params{"RegionId": region, "SslVpnClientCertId": cert1, "Name": "tok2", "ClientToken": token})
		assertError(t, kind, err, 400, "IdempotentParameterMismatch")
		mustEqual(t, "name", e.certName(t, cert1), "tok")
		list, err := c.List(params{"RegionId": region})
		if err != nil {
			t.Fatal(err)
		}
		mustEqual(t, "one certificate made", list.Body["TotalCount"], 3)
	})
}

// DescribeRegions in both languages.
func TestDescribeRegions(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := start(t)
		c := newClient(t, kind, e, rootAK, rootSecret)
		for lang, want := range map[string]string{"en-US": "China (Hangzhou)", "zh-CN": "华东1（杭州）", "": "华东1（杭州）"} {
			r, err := c.Regions(params{"AcceptLanguage": lang})
			if err != nil {
				t.Fatal(err)
			}
			mustEqual(t, "keys", keys(r.Body), sorted("RequestId", "Regions"))
			regions := r.Body["Regions"].(map[string]any)["Region"].([]any)
			mustEqual(t, "regions", len(regions), 27)
			found := ""
			for _, reg := range regions {
				reg := reg.(map[string]any)
				mustEqual(t, "region keys", keys(reg), sorted("RegionId", "LocalName", "RegionEndpoint"))
				if reg["RegionId"] == region {
					found = reg["LocalName"].(string)
					mustEqual(t, "endpoint", reg["RegionEndpoint"], "vpc.aliyuncs.com")
				}
			}
			mustEqual(t, "LocalName "+lang, found, want)
		}
	})
}

// A known key with the wrong secret: SignatureDoesNotMatch with the server's string to sign.
func TestWrongSecret(t *testing.T) {
	forEachClient(t, func(t *testing.T, kind string) {
		e := start(t)
		c := newClient(t, kind, e, rootAK, "NotTheRootSecret")
		_, err := c.Modify(params{"RegionId": region, "SslVpnClientCertId": cert1, "Name": "never"})
		got := assertError(t, kind, err, 400, "SignatureDoesNotMatch")
		body := got.Message
		if kind != "legacy" {
			body, _ = got.Envelope["Message"].(string)
		}
		if !strings.HasPrefix(body, sigPrefix) {
			t.Fatalf("message %q", body)
		}
		if kind == "legacy" {
			// The legacy SDK compares the server's string to sign with its own and says the
			// secret is wrong only when the two are equal byte for byte.
			mustEqual(t, "recommend", got.Envelope["Recommend"], "InvalidAccessKeySecret: Please check you AccessKeySecret")
		}
		mustEqual(t, "unchanged", e.certName(t, cert1), "cert1")
	})
}
