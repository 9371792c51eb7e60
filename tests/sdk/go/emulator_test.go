// Package sdktests drives the official Go SDKs against the emulator binary: the Tea SDK
// (vpc-20160428, ACS3 by default and V1 with SignatureAlgorithm "v2"), the legacy
// alibaba-cloud-sdk-go (V1, what the Terraform provider and the aliyun CLI use for these
// actions) and tea-rpc (V1, the generic client behind the provider's RpcPost).
//
// The binary is $EMULATOR_BIN (default: <repo>/target/debug/aliyun-vpc-emulator); each test
// starts its own with --port 0 and reads the listening line to learn the port.
package sdktests

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
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
	listening   = regexp.MustCompile(`^aliyun-vpc-emulator listening on http://127\.0\.0\.1:(\d+)$`)
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

// emulator is one running emulator process.
type emulator struct {
	cmd  *exec.Cmd
	Port string
	log  string
}

func (e *emulator) HostPort() string { return "127.0.0.1:" + e.Port }

// start runs the emulator with the RAM fixtures (the default state plus the RAM user `ops`,
// allowed ModifySslVpnClientCert on cert 1 only) and any extra flags.
func start(t *testing.T, extra ...string) *emulator {
	t.Helper()
	return startWith(t, "ram.json", extra...)
}

// startWith runs the emulator with tests/sdk/fixtures/{fixtures} and any extra flags.
func startWith(t *testing.T, fixtures string, extra ...string) *emulator {
	t.Helper()
	bin := os.Getenv("EMULATOR_BIN")
	if bin == "" {
		bin = filepath.Join(repoRoot(), "target", "debug", "aliyun-vpc-emulator")
	}
	args := append([]string{"--port", "0", "--seed", "42", "--fixtures",
		filepath.Join(repoRoot(), "tests", "sdk", "fixtures", fixtures)}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	logPath := filepath.Join(t.TempDir(), "emulator.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = logFile
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := listening.FindStringSubmatch(strings.TrimSpace(line))
	if err != nil || m == nil {
		_ = cmd.Process.Kill()
		t.Fatalf("no listening line (%v): %q", err, line)
	}
	e := &emulator{cmd: cmd, Port: m[1], log: logPath}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil {
			data, _ := os.ReadFile(logPath)
			t.Errorf("emulator exited with %v; its log:\n%s", err, data)
		}
		_ = logFile.Close()
	})
	return e
}

// admin calls the emulator's admin API and decodes the JSON answer.
func (e *emulator) admin(t *testing.T, method, call, body string) any {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+e.HostPort()+"/_emulator/"+call, strings.NewReader(body))
	if body != "" {
		// The admin API takes JSON bodies only (SPEC 14).
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s %s: %d %s", method, call, resp.StatusCode, data)
	}
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
