package example

import (
	"strings"
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/tea"
	vpc "github.com/alibabacloud-go/vpc-20160428/v6/client"
	vpcemulator "github.com/aliyun-vpc-emulator/aliyun-vpc-emulator/go"
	legacyvpc "github.com/aliyun/alibaba-cloud-sdk-go/services/vpc"
)

// HTTPS with the certificate verified: the Tea SDK's default protocol, and the emulator's CA
// given to the client (Config.Ca). The Tea runtime keeps one HTTP transport per host:port (and
// timeouts and proxies, but not the CA) for the whole process, made by the first call: the
// first client to call an endpoint decides which CA is trusted there (this test comes first in
// the package, so no other test's call can have made one). A client without the CA (against
// another emulator, so another endpoint) refuses the certificate.
func TestTeaClientOverVerifiedHTTPS(t *testing.T) {
	emu := vpcemulator.Start(t, vpcemulator.WithTLS())
	client, err := vpc.NewClient(&openapi.Config{AccessKeyId: tea.String(emu.AccessKeyID()),
		AccessKeySecret: tea.String(emu.AccessKeySecret()), Endpoint: tea.String(emu.Endpoint()),
		RegionId: tea.String(emu.Region()), Ca: tea.String(string(emu.CAPEM()))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.DescribeRegions(&vpc.DescribeRegionsRequest{}); err != nil {
		t.Fatal(err)
	}
	if n := len(emu.Requests("DescribeRegions")); n != 1 {
		t.Fatalf("the emulator served %d DescribeRegions, want 1", n)
	}

	other := vpcemulator.Start(t, vpcemulator.WithTLS())
	untrusting, err := vpc.NewClient(&openapi.Config{AccessKeyId: tea.String(other.AccessKeyID()),
		AccessKeySecret: tea.String(other.AccessKeySecret()), Endpoint: tea.String(other.Endpoint()),
		RegionId: tea.String(other.Region())})
	if err != nil {
		t.Fatal(err)
	}
	_, err = untrusting.DescribeRegions(&vpc.DescribeRegionsRequest{})
	if err == nil || !strings.Contains(err.Error(), "certificate signed by unknown authority") {
		t.Fatalf("a client without the CA: %v", err)
	}
}

// The Tea SDK (github.com/alibabacloud-go/vpc-20160428/v6) pointed at the emulator.
func TestTeaClient(t *testing.T) {
	emu := vpcemulator.Start(t)
	client, err := vpc.NewClient(&openapi.Config{AccessKeyId: tea.String(emu.AccessKeyID()),
		AccessKeySecret: tea.String(emu.AccessKeySecret()), Endpoint: tea.String(emu.Endpoint()),
		Protocol: tea.String("http"), RegionId: tea.String(emu.Region())})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.DescribeRegions(&vpc.DescribeRegionsRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(resp.Body.Regions.Region); n == 0 {
		t.Fatal("no regions")
	}
}

// The legacy SDK (github.com/aliyun/alibaba-cloud-sdk-go/services/vpc) pointed at the
// emulator: the endpoint and the scheme go on each request.
func TestLegacyClient(t *testing.T) {
	emu := vpcemulator.Start(t)
	client, err := legacyvpc.NewClientWithAccessKey(emu.Region(), emu.AccessKeyID(), emu.AccessKeySecret())
	if err != nil {
		t.Fatal(err)
	}
	req := legacyvpc.CreateDescribeRegionsRequest()
	req.Domain, req.Scheme = emu.Endpoint(), "http"
	resp, err := client.DescribeRegions(req)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(resp.Regions.Region); n == 0 {
		t.Fatal("no regions")
	}
}
