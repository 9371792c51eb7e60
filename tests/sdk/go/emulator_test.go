// Package sdktests drives the official Go SDKs against the emulator binary: the Tea SDK
// (vpc-20160428, ACS3 by default and V1 with SignatureAlgorithm "v2"), the legacy
// alibaba-cloud-sdk-go (V1, what the Terraform provider and the aliyun CLI use for these
// actions) and tea-rpc (V1, the generic client behind the provider's RpcPost).
//
// The binary is $EMULATOR_BIN (default: <repo>/target/debug/aliyun-vpc-emulator); each test
// starts its own through the project's Go helper (go/, package vpcemulator), which stops it at
// the end of the test and fails the test if it then exits badly.
package sdktests

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	vpcemulator "github.com/aliyun-vpc-emulator/aliyun-vpc-emulator/go"
)

const (
	region      = "cn-hangzhou"
	accountID   = "1000000000000001"
	rootAK      = "LTAI5tEmulatorRootKey"
	rootSecret  = "EmulatorRootSecret"
	readonlyAK  = "LTAI5tEmulatorReadOnly"
	readonlySK  = "EmulatorReadOnlySecret"
	opsAK       = "LTAI5tEmulatorOpsUser01"
	opsSecret   = "EmulatorOpsSecret01"
	cert1       = "vsc-bp1emulator0000000001"
	cert2       = "vsc-bp1emulator0000000002"
	serverID    = "vss-bp1emulator0000000001"
	unknownCert = "vsc-bp1doesnotexist000001"
	unknownRgn  = "cn-nowhere-9"
	sigPrefix   = "Specified signature is not matched with our calculation. server string to sign is:"
)

var (
	requestIDRe = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)
	certIDRe    = regexp.MustCompile(`^vsc-[a-z0-9]{21}$`)
	listening   = regexp.MustCompile(`^127\.0\.0\.1:[1-9][0-9]*$`)
)

// The catalogue's messages (SPEC 3.3) for the codes these tests meet.
var messages = map[string]string{
	"InvalidName":                          "The name is not valid",
	"InvalidSslVpnClientCertId.NotFound":   "The specified SSL VPN client cert id does not exist.",
	"InvalidRegionId.NotFound":             "The specified region is not found during access authentication.",
	"Forbidden":                            "User not authorized to operate on the specified resource.",
	"Forbbiden.SubUser":                    "User not authorized to operate on the specified resource as your account is created by another user.",
	"IdempotentParameterMismatch":          "The request uses the same client token as a previous, but non-identical request. Do not reuse a client token with different requests, unless the requests are identical.",
	"InvalidSslVpnServerId.NotFound":       "The specified SSL VPN server id does not exist.",
	"InvalidVpnGatewayInstanceId.NotFound": "The specified vpn gateway instance id does not exist.",
	"VpnGateway.Configuring":               "The specified service is configuring.",
	"VpnGateway.SslVpnDisabled":            "The VPN gateway has not enabled SSL VPN.",
	"Resource.QuotaFull":                   "The quota of resource is full",
}

func repoRoot() string {
	wd, _ := os.Getwd()
	return filepath.Clean(filepath.Join(wd, "..", "..", ".."))
}

// emulator is one running emulator, started through the project's Go helper (go/).
type emulator struct {
	*vpcemulator.Emulator
	endpoint string
}

func (e *emulator) HostPort() string { return e.endpoint }

// start runs the emulator with the RAM fixtures (the default state plus the RAM user `ops`,
// allowed ModifySslVpnClientCert on cert 1 only) and any other options.
func start(t *testing.T, opts ...vpcemulator.Option) *emulator {
	t.Helper()
	return startWith(t, "ram.json", opts...)
}

// startWith runs the emulator with tests/sdk/fixtures/{fixtures}, seed 42 and any other
// options; the binary is $EMULATOR_BIN (default: <repo>/target/debug/aliyun-vpc-emulator).
func startWith(t *testing.T, fixtures string, opts ...vpcemulator.Option) *emulator {
	t.Helper()
	bin := os.Getenv("EMULATOR_BIN")
	if bin == "" {
		bin = filepath.Join(repoRoot(), "target", "debug", "aliyun-vpc-emulator")
	}
	opts = append([]vpcemulator.Option{vpcemulator.WithBinary(bin), vpcemulator.WithSeed(42),
		vpcemulator.WithFixtures(filepath.Join(repoRoot(), "tests", "sdk", "fixtures", fixtures))}, opts...)
	emu := vpcemulator.Start(t, opts...)
	if !listening.MatchString(emu.Endpoint()) || emu.AccessKeyID() != rootAK || emu.AccessKeySecret() != rootSecret || emu.Region() != region {
		t.Fatalf("the helper gives endpoint %q, key %q/%q, region %q", emu.Endpoint(), emu.AccessKeyID(), emu.AccessKeySecret(), emu.Region())
	}
	return &emulator{Emulator: emu, endpoint: emu.Endpoint()}
}

// admin calls the emulator's admin API and decodes the JSON answer.
func (e *emulator) admin(t *testing.T, method, call, body string) any {
	t.Helper()
	data := e.Admin(method, call, body)
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("%s %s: %v", method, call, err)
	}
	return out
}

// certName is a certificate's name as GET /_emulator/state shows it ("" if it is gone).
func (e *emulator) certName(t *testing.T, id string) string {
	t.Helper()
	state := e.admin(t, "GET", "state", "").(map[string]any)
	for _, c := range state["SslVpnClientCerts"].([]any) {
		c := c.(map[string]any)
		if c["SslVpnClientCertId"] == id {
			return c["Name"].(string)
		}
	}
	return ""
}

// keys returns the sorted key set of a JSON object, for exact payload checks.
func keys(m map[string]any) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func sorted(list ...string) string {
	sort.Strings(list)
	return strings.Join(list, ",")
}

func mustEqual(t *testing.T, what string, got, want any) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}
