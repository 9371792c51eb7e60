package sdktests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	rpc "github.com/alibabacloud-go/tea-rpc/client"
	util "github.com/alibabacloud-go/tea-utils/service"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	teavpc "github.com/alibabacloud-go/vpc-20160428/v6/client"
	legacyvpc "github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"

	vpcemulator "github.com/aliyun-vpc-emulator/aliyun-vpc-emulator/go"
)

// HTTPS with --tls (issue 17): the Go clients with only the endpoint and the emulator's CA
// given, through SSL_CERT_FILE, which Go reads once per process: the test runs its clients in
// a child process of this test binary.

const childPort = "VPC_EMULATOR_TLS_CHILD_PORT"

func TestHTTPSWithTheCA(t *testing.T) {
	e := start(t, vpcemulator.WithTLS())
	file := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(file, e.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, withCA := range []bool{true, false} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHTTPSClients$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), childPort+"="+strconv.Itoa(e.Port()))
		if withCA {
			cmd.Env = append(cmd.Env, "SSL_CERT_FILE="+file)
		} else {
			cmd.Env = append(cmd.Env, "SSL_CERT_FILE="+filepath.Join(t.TempDir(), "none.pem"), "VPC_EMULATOR_TLS_EXPECT_REFUSAL=1")
		}
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestHTTPSClients") {
			t.Fatalf("clients (CA given: %v): %v\n%s", withCA, err, out)
		}
	}
}

// TestHTTPSClients is the child's part; it runs only under TestHTTPSWithTheCA.
func TestHTTPSClients(t *testing.T) {
	port := os.Getenv(childPort)
	if port == "" {
		t.Skip("run by TestHTTPSWithTheCA")
	}
	refusal := os.Getenv("VPC_EMULATOR_TLS_EXPECT_REFUSAL") != ""
	check := func(kind string, err error) {
		t.Helper()
		if refusal {
			if err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Fatalf("%s: want a certificate error, got %v", kind, err)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
	}
	host := "127.0.0.1:" + port
	// The Tea SDK: no Protocol, so its default, HTTPS.
	for _, v1 := range []bool{false, true} {
		cfg := &openapi.Config{AccessKeyId: dara.String(rootAK), AccessKeySecret: dara.String(rootSecret),
			Endpoint: dara.String(host), RegionId: dara.String(region)}
		if v1 {
			cfg.SignatureAlgorithm = dara.String("v2")
		}
		c, err := teavpc.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.ModifySslVpnClientCert(&teavpc.ModifySslVpnClientCertRequest{RegionId: dara.String(region),
			SslVpnClientCertId: dara.String(cert1), Name: dara.String("go-tea-https")})
		check("tea", err)
	}
	// The legacy SDK and tea-rpc default to HTTP; a user of an HTTPS endpoint says so.
	legacy, err := legacyvpc.NewClientWithAccessKey(region, rootAK, rootSecret)
	if err != nil {
		t.Fatal(err)
	}
	req := legacyvpc.CreateModifySslVpnClientCertRequest()
	req.Scheme, req.Domain = "https", host
	req.SslVpnClientCertId, req.Name = cert1, "go-legacy-https"
	_, err = legacy.ModifySslVpnClientCert(req)
	check("legacy", err)
	r, err := rpc.NewClient(&rpc.Config{AccessKeyId: tea.String(rootAK), AccessKeySecret: tea.String(rootSecret),
		Endpoint: tea.String(host), Protocol: tea.String("https"), RegionId: tea.String(region)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.DoRequest(tea.String("DescribeRegions"), tea.String("HTTPS"), tea.String("POST"), tea.String("2016-04-28"),
		tea.String("AK"), map[string]interface{}{}, map[string]interface{}{}, &util.RuntimeOptions{})
	check("tea-rpc", err)
}

// Config.Ca makes one Tea client trust the emulator's CA, and the Tea runtime (tea v1.5.4's
// dara) keeps one transport per endpoint and options, but not per CA, made by the first call:
// a later client of the endpoint gets the first one's trust, whatever its own Ca says. What
// docs/clients.md says. The clients set a ReadTimeout of their own, which is part of that key,
// so that no transport of another test of this process (a port can be reused) is taken.
func TestTeaConfigCaAndTheFirstCall(t *testing.T) {
	describe := func(e *emulator, ca []byte) error {
		cfg := &openapi.Config{AccessKeyId: dara.String(rootAK), AccessKeySecret: dara.String(rootSecret),
			Endpoint: dara.String(e.HostPort()), RegionId: dara.String(region), ReadTimeout: dara.Int(10007)}
		if ca != nil {
			cfg.Ca = dara.String(string(ca))
		}
		c, err := teavpc.NewClient(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.DescribeRegions(&teavpc.DescribeRegionsRequest{})
		return err
	}
	const unknownCA = "certificate signed by unknown authority"

	first := start(t, vpcemulator.WithTLS())
	if err := describe(first, first.CAPEM()); err != nil {
		t.Fatalf("with Config.Ca: %v", err)
	}
	if err := describe(first, nil); err != nil {
		t.Fatalf("without it, after a client with it: %v", err)
	}
	mustEqual(t, "calls served", len(first.Requests("DescribeRegions")), 2)

	other := start(t, vpcemulator.WithTLS())
	if err := describe(other, nil); err == nil || !strings.Contains(err.Error(), unknownCA) {
		t.Fatalf("without Config.Ca: %v", err)
	}
	if err := describe(other, other.CAPEM()); err == nil || !strings.Contains(err.Error(), unknownCA) {
		t.Fatalf("with it, after a client without it: %v", err)
	}
	mustEqual(t, "calls served", len(other.Requests()), 0)
}
