package vpcemulator_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	vpcemulator "github.com/aliyun-vpc-emulator/aliyun-vpc-emulator/go"
)

// These tests run the real binary: $VPC_EMULATOR_BIN, else aliyun-vpc-emulator on PATH.

const cert1 = "vsc-bp1emulator0000000001"

// call sends an unsigned API call (served as the root of the first account in the default
// lenient mode) and returns the status and the JSON body.
func call(t *testing.T, client *http.Client, base string, params map[string]string) (int, map[string]any) {
	t.Helper()
	form := url.Values{"Version": {"2016-04-28"}, "Format": {"JSON"}, "RegionId": {"cn-hangzhou"}}
	for k, v := range params {
		form.Set(k, v)
	}
	resp, err := client.PostForm(base+"/", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := map[string]any{}
	data, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatalf("%s: %v: %s", params["Action"], err, data)
	}
	return resp.StatusCode, body
}

func certName(t *testing.T, emu *vpcemulator.Emulator, id string) string {
	t.Helper()
	for _, c := range emu.State()["SslVpnClientCerts"].([]any) {
		if c := c.(map[string]any); c["SslVpnClientCertId"] == id {
			return c["Name"].(string)
		}
	}
	return ""
}

func TestStartWithTheDefaults(t *testing.T) {
	emu := vpcemulator.Start(t)
	if !regexp.MustCompile(`^127\.0\.0\.1:[1-9][0-9]*$`).MatchString(emu.Endpoint()) {
		t.Fatalf("Endpoint %q", emu.Endpoint())
	}
	if emu.URL() != "http://"+emu.Endpoint() || emu.Host() != "127.0.0.1" || !strings.HasSuffix(emu.Endpoint(), ":"+itoa(emu.Port())) {
		t.Fatalf("URL %q, Host %q, Port %d", emu.URL(), emu.Host(), emu.Port())
	}
	if emu.AccessKeyID() != "LTAI5tEmulatorRootKey" || emu.AccessKeySecret() != "EmulatorRootSecret" || emu.Region() != "cn-hangzhou" {
		t.Fatalf("credentials %q %q, region %q", emu.AccessKeyID(), emu.AccessKeySecret(), emu.Region())
	}
	status, body := call(t, http.DefaultClient, emu.URL(), map[string]string{"Action": "DescribeRegions"})
	if status != 200 || body["Regions"] == nil {
		t.Fatalf("DescribeRegions: %d %v", status, body)
	}
	// The embedded default fixtures.
	if got := certName(t, emu, cert1); got != "cert1" {
		t.Fatalf("cert1 is named %q", got)
	}
	if n := len(emu.State()["Regions"].([]any)); n < 20 {
		t.Fatalf("%d regions in the default fixtures", n)
	}
}

func TestRequestsStateAndReset(t *testing.T) {
	emu := vpcemulator.Start(t)
	status, _ := call(t, http.DefaultClient, emu.URL(), map[string]string{
		"Action": "ModifySslVpnClientCert", "SslVpnClientCertId": cert1, "Name": "renamed"})
	if status != 200 {
		t.Fatalf("Modify: %d", status)
	}
	call(t, http.DefaultClient, emu.URL(), map[string]string{"Action": "DescribeRegions"})
	all := emu.Requests()
	if len(all) != 2 || all[0].Action != "ModifySslVpnClientCert" || all[1].Action != "DescribeRegions" {
		t.Fatalf("journal: %+v", all)
	}
	m := all[0]
	if m.Params["Name"] != "renamed" || m.HTTPStatus != 200 || m.Code != "" || m.AccountID != "1000000000000001" ||
		m.Principal != "anonymous" || len(m.RequestID) != 36 || m.Time == 0 || m.Entry["Action"] != "ModifySslVpnClientCert" {
		t.Fatalf("entry: %+v", m)
	}
	if only := emu.Requests("DescribeRegions"); len(only) != 1 || only[0].Action != "DescribeRegions" {
		t.Fatalf("filtered: %+v", only)
	}
	if got := certName(t, emu, cert1); got != "renamed" {
		t.Fatalf("state after Modify: %q", got)
	}
	emu.Reset()
	if got := certName(t, emu, cert1); got != "cert1" {
		t.Fatalf("state after Reset: %q", got)
	}
	if n := len(emu.Requests()); n != 0 {
		t.Fatalf("%d journal entries after Reset", n)
	}
	call(t, http.DefaultClient, emu.URL(), map[string]string{"Action": "DescribeRegions"})
	emu.ClearRequests()
	if n := len(emu.Requests()); n != 0 {
		t.Fatalf("%d journal entries after ClearRequests", n)
	}
}

func TestPutState(t *testing.T) {
	emu := vpcemulator.Start(t)
	state := emu.State()
	for _, c := range state["SslVpnClientCerts"].([]any) {
		c.(map[string]any)["Name"] = "put"
	}
	emu.PutState(state)
	if got := certName(t, emu, cert1); got != "put" {
		t.Fatalf("after PutState: %q", got)
	}
}

// A fixtures document with its own root key: the getters give that key, and strict mode
// accepts nothing unsigned.
func TestFixturesJSONAndArgs(t *testing.T) {
	doc := `{"Regions": [{"RegionId": "cn-hangzhou", "RegionEndpoint": "vpc.aliyuncs.com",
	  "LocalNames": {"zh-CN": "华东1（杭州）", "en-US": "China (Hangzhou)"}}],
	 "Accounts": [{"AccountId": "1000000000000009",
	  "AccessKeys": [{"AccessKeyId": "LTAIold", "AccessKeySecret": "old", "Status": "Inactive"},
	                 {"AccessKeyId": "LTAImine", "AccessKeySecret": "mine"}]}]}`
	emu := vpcemulator.Start(t, vpcemulator.WithFixturesJSON([]byte(doc)), vpcemulator.WithArgs("--auth", "strict"))
	if emu.AccessKeyID() != "LTAImine" || emu.AccessKeySecret() != "mine" {
		t.Fatalf("credentials %q %q", emu.AccessKeyID(), emu.AccessKeySecret())
	}
	if n := len(emu.State()["Regions"].([]any)); n != 1 {
		t.Fatalf("%d regions", n)
	}
	status, body := call(t, http.DefaultClient, emu.URL(), map[string]string{"Action": "DescribeRegions"})
	if status != 400 || body["Code"] != "IncompleteSignature" {
		t.Fatalf("unsigned call in strict mode: %d %v", status, body)
	}
	emu.Reset() // back to the document, not to the embedded default
	if n := len(emu.State()["Regions"].([]any)); n != 1 {
		t.Fatalf("%d regions after Reset", n)
	}
}

func TestWithRegionAndAccessKey(t *testing.T) {
	emu := vpcemulator.Start(t, vpcemulator.WithRegion("cn-shanghai"),
		vpcemulator.WithAccessKey("LTAI5tEmulatorReadOnly", "EmulatorReadOnlySecret"))
	if emu.Region() != "cn-shanghai" || emu.AccessKeyID() != "LTAI5tEmulatorReadOnly" || emu.AccessKeySecret() != "EmulatorReadOnlySecret" {
		t.Fatalf("region %q, key %q %q", emu.Region(), emu.AccessKeyID(), emu.AccessKeySecret())
	}
}

func TestWithFixturesFile(t *testing.T) {
	first := vpcemulator.Start(t)
	state, _ := json.Marshal(first.State())
	path := t.TempDir() + "/fixtures.json"
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(state), `"cert1"`, `"from-file"`)), 0o600); err != nil {
		t.Fatal(err)
	}
	emu := vpcemulator.Start(t, vpcemulator.WithFixtures(path))
	if got := certName(t, emu, cert1); got != "from-file" {
		t.Fatalf("cert1 is named %q", got)
	}
}

// The same seed gives the same RequestIds; the emulator's own variables in the environment
// change nothing.
func TestSeedAndEnvironment(t *testing.T) {
	t.Setenv("VPC_EMULATOR_AUTH", "strict")
	t.Setenv("VPC_EMULATOR_SEED", "7")
	ids := map[uint64][]string{}
	for _, seed := range []uint64{42, 42, 43} {
		emu := vpcemulator.Start(t, vpcemulator.WithSeed(seed))
		status, body := call(t, http.DefaultClient, emu.URL(), map[string]string{"Action": "DescribeRegions"})
		if status != 200 {
			t.Fatalf("VPC_EMULATOR_AUTH reached the emulator: %d %v", status, body)
		}
		ids[seed] = append(ids[seed], body["RequestId"].(string))
	}
	if ids[42][0] != ids[42][1] || ids[42][0] == ids[43][0] {
		t.Fatalf("RequestIds by seed: %v", ids)
	}
}

func TestTLS(t *testing.T) {
	emu := vpcemulator.Start(t, vpcemulator.WithTLS())
	if emu.URL() != "https://"+emu.Endpoint() {
		t.Fatalf("URL %q", emu.URL())
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(emu.CAPEM()) {
		t.Fatalf("CAPEM is not a PEM certificate: %q", emu.CAPEM())
	}
	verifying := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	status, body := call(t, verifying, emu.URL(), map[string]string{"Action": "DescribeRegions"})
	if status != 200 {
		t.Fatalf("over HTTPS: %d %v", status, body)
	}
	if r := emu.Requests(); len(r) != 1 || r[0].Action != "DescribeRegions" {
		t.Fatalf("journal: %+v", r)
	}
	// Without the CA the certificate is refused: it is the emulator's own.
	if _, err := http.Get(emu.URL() + "/_emulator/health"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a client without the CA: %v", err)
	}
}

// The busy window: a new certificate keeps the gateway busy for the window, so a second one
// is refused until the clock has moved past it; a fault answers its error once.
func TestGatewayBusyClockAndFaults(t *testing.T) {
	emu := vpcemulator.Start(t, vpcemulator.WithGatewayBusy(1500*time.Millisecond))
	create := map[string]string{"Action": "CreateSslVpnClientCert", "SslVpnServerId": "vss-bp1emulator0000000001"}
	create["Name"] = "one"
	if status, body := call(t, http.DefaultClient, emu.URL(), create); status != 200 {
		t.Fatalf("first create: %d %v", status, body)
	}
	create["Name"] = "two"
	if status, body := call(t, http.DefaultClient, emu.URL(), create); status != 400 || body["Code"] != "VpnGateway.Configuring" {
		t.Fatalf("create in the busy window: %d %v", status, body)
	}
	emu.AdvanceClock(2 * time.Second)
	if status, body := call(t, http.DefaultClient, emu.URL(), create); status != 200 {
		t.Fatalf("create after the window: %d %v", status, body)
	}

	emu.AddFault(vpcemulator.Fault{Action: "DescribeRegions", Code: "Forbidden"})
	regions := map[string]string{"Action": "DescribeRegions"}
	if status, body := call(t, http.DefaultClient, emu.URL(), regions); status != 403 || body["Code"] != "Forbidden" {
		t.Fatalf("faulted call: %d %v", status, body)
	}
	if status, _ := call(t, http.DefaultClient, emu.URL(), regions); status != 200 {
		t.Fatalf("the fault outlived its Count: %d", status)
	}
	emu.AddFault(vpcemulator.Fault{Action: "*", Code: "Forbidden", Count: 5})
	emu.ClearFaults()
	if status, _ := call(t, http.DefaultClient, emu.URL(), regions); status != 200 {
		t.Fatalf("after ClearFaults: %d", status)
	}
	if got := emu.Requests("DescribeRegions"); len(got) != 3 || got[0].Code != "Forbidden" || got[0].HTTPStatus != 403 {
		t.Fatalf("journal: %+v", got)
	}
}

func TestAdminToken(t *testing.T) {
	emu := vpcemulator.Start(t, vpcemulator.WithAdminToken("s3cret"))
	if got := certName(t, emu, cert1); got != "cert1" {
		t.Fatalf("state through the token: %q", got)
	}
	resp, err := http.Get("http://" + emu.Endpoint() + "/_emulator/state")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("without the token: %d", resp.StatusCode)
	}
}

// fakeTB records what the helper reports instead of failing this test; its Fatalf stops the
// helper with a panic that run recovers.
type fakeTB struct {
	testing.TB
	fatal, errs []string
	cleanups    []func()
}

type fatalStop struct{}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.fatal = append(f.fatal, sprintf(format, args...))
	panic(fatalStop{})
}
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errs = append(f.errs, sprintf(format, args...))
}
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) cleanup() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
	f.cleanups = nil
}

// start runs Start against the fake and returns the emulator (nil if Start failed).
func (f *fakeTB) start(opts ...vpcemulator.Option) (emu *vpcemulator.Emulator) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(fatalStop); !ok {
				panic(r)
			}
			emu = nil
		}
	}()
	return vpcemulator.Start(f, opts...)
}

func TestNoBinaryNamesBothPlaces(t *testing.T) {
	t.Setenv("VPC_EMULATOR_BIN", "")
	t.Setenv("PATH", t.TempDir())
	f := &fakeTB{TB: t}
	if f.start() != nil || len(f.fatal) != 1 {
		t.Fatalf("Start without a binary: %v", f.fatal)
	}
	for _, want := range []string{"VPC_EMULATOR_BIN is not set", "aliyun-vpc-emulator is not on PATH"} {
		if !strings.Contains(f.fatal[0], want) {
			t.Fatalf("%q does not say %q", f.fatal[0], want)
		}
	}
	f.cleanup()

	t.Setenv("VPC_EMULATOR_BIN", "/nonexistent/aliyun-vpc-emulator")
	f = &fakeTB{TB: t}
	if f.start() != nil || len(f.fatal) != 1 || !strings.Contains(f.fatal[0], "/nonexistent/aliyun-vpc-emulator (VPC_EMULATOR_BIN)") {
		t.Fatalf("Start with a wrong VPC_EMULATOR_BIN: %v", f.fatal)
	}
	f.cleanup()
}

func TestFailedStartShowsTheLog(t *testing.T) {
	f := &fakeTB{TB: t}
	if f.start(vpcemulator.WithFixtures("/nonexistent/fixtures.json")) != nil || len(f.fatal) != 1 {
		t.Fatalf("Start with a missing fixtures file: %v", f.fatal)
	}
	for _, want := range []string{"did not start", "exit status 2", "/nonexistent/fixtures.json"} {
		if !strings.Contains(f.fatal[0], want) {
			t.Fatalf("%q does not say %q", f.fatal[0], want)
		}
	}
	f.cleanup()
	if len(f.errs) != 0 {
		t.Fatalf("the cleanup reported again: %v", f.errs)
	}
}

// The cleanup stops the process; one that died on its own is reported with its log.
func TestCleanupStopsAndReports(t *testing.T) {
	f := &fakeTB{TB: t}
	emu := f.start()
	f.cleanup()
	if len(f.errs) != 0 {
		t.Fatalf("a clean stop was reported: %v", f.errs)
	}
	if _, err := http.Get(emu.URL() + "/_emulator/health"); err == nil {
		t.Fatal("the emulator still answers after the cleanup")
	}

	f = &fakeTB{TB: t}
	emu = f.start()
	call(t, http.DefaultClient, emu.URL(), map[string]string{"Action": "DescribeRegions"})
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(emu.Logs(), "DescribeRegions"); {
		if time.Now().After(deadline) {
			t.Fatalf("no log line for the call: %q", emu.Logs())
		}
		time.Sleep(10 * time.Millisecond)
	}
	p, _ := os.FindProcess(pidOf(t, emu))
	_ = p.Signal(syscall.SIGKILL)
	f.cleanup()
	if len(f.errs) != 1 || !strings.Contains(f.errs[0], "signal: killed") || !strings.Contains(f.errs[0], "DescribeRegions") {
		t.Fatalf("a killed emulator: %v", f.errs)
	}
}

func pidOf(t *testing.T, emu *vpcemulator.Emulator) int {
	t.Helper()
	return vpcemulator.PID(emu)
}

func itoa(n int) string { return strconv.Itoa(n) }

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }
