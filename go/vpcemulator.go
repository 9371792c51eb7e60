package vpcemulator

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The well-known values of the emulator's embedded default fixtures.
const (
	// DefaultAccessKeyID is the root key of account 1000000000000001.
	DefaultAccessKeyID = "LTAI5tEmulatorRootKey"
	// DefaultAccessKeySecret is its secret.
	DefaultAccessKeySecret = "EmulatorRootSecret"
	// DefaultRegion is the region of the default fixtures' VPC, gateway, server and certificates.
	DefaultRegion = "cn-hangzhou"
	// BinaryEnv names the environment variable that points at the emulator binary.
	BinaryEnv = "VPC_EMULATOR_BIN"
	// BinaryName is the binary looked up on PATH when BinaryEnv is not set.
	BinaryName = "aliyun-vpc-emulator"
)

// How long Start waits for the listening line, and the cleanup for the process to exit after
// SIGTERM (the emulator exits within 5 s).
const (
	startTimeout = 30 * time.Second
	stopTimeout  = 10 * time.Second
	logTail      = 64 << 10
)

var listening = regexp.MustCompile(`^aliyun-vpc-emulator listening on http://(.+):(\d+)$`)

// Emulator is one running emulator process, stopped when the test that started it ends.
type Emulator struct {
	tb      testing.TB
	cmd     *exec.Cmd
	bin     string
	host    string
	port    int
	tls     bool
	token   string
	akID    string
	akSec   string
	region  string
	log     *tail
	exited  chan struct{} // closed when the process has exited
	waitErr error         // the process's exit, once exited is closed
	caOnce  sync.Once
	caPEM   []byte
	client  *http.Client
	started bool // Start returned it; a failed start has reported its log already
}

// Option changes how Start runs the emulator.
type Option func(*config)

type config struct {
	bin        string
	fixtures   string
	fixtureDoc []byte
	tls        bool
	busy       time.Duration
	seed       *uint64
	token      string
	args       []string
	region     string
	akID       string
	akSecret   string
}

// WithFixtures starts from the fixtures file at path (the state format of GET
// /_emulator/state) instead of the embedded default fixtures. Reset returns to it.
func WithFixtures(path string) Option { return func(c *config) { c.fixtures = path } }

// WithFixturesJSON starts from a fixtures document given as JSON (written to a file in the
// test's temporary directory).
func WithFixturesJSON(doc []byte) Option {
	return func(c *config) { c.fixtureDoc = append([]byte(nil), doc...) }
}

// WithTLS serves HTTPS as well as HTTP on the same port (--tls); CAPEM returns the CA that
// signed the server certificate, and URL starts with https.
func WithTLS() Option { return func(c *config) { c.tls = true } }

// WithGatewayBusy keeps a VPN gateway "updating"/"provisioning" for d after each change
// (--gateway-busy-ms), as the cloud does; the default is 0, no busy window.
func WithGatewayBusy(d time.Duration) Option { return func(c *config) { c.busy = d } }

// WithSeed makes generated IDs and RequestIds reproducible (--seed).
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = &seed } }

// WithAdminToken protects /_emulator/* with a bearer token (--admin-token); the helper's own
// admin calls send it.
func WithAdminToken(token string) Option { return func(c *config) { c.token = token } }

// WithArgs appends command-line flags, e.g. WithArgs("--auth", "strict").
func WithArgs(args ...string) Option { return func(c *config) { c.args = append(c.args, args...) } }

// WithRegion makes Region() return region instead of cn-hangzhou (the emulator serves every
// region of its state).
func WithRegion(region string) Option { return func(c *config) { c.region = region } }

// WithAccessKey makes AccessKeyID() and AccessKeySecret() return this key instead of the
// startup fixtures' root key, e.g. a RAM user's key of your fixtures.
func WithAccessKey(id, secret string) Option {
	return func(c *config) { c.akID, c.akSecret = id, secret }
}

// WithBinary runs the binary at path instead of $VPC_EMULATOR_BIN or PATH's.
func WithBinary(path string) Option { return func(c *config) { c.bin = path } }

// Start runs the emulator on a free port of 127.0.0.1, waits until it serves, and registers
// its stop with tb.Cleanup (a process that then exits with an error, or does not stop within
// 10 s, fails the test with the tail of its log). Any failure to start fails the test at once.
func Start(tb testing.TB, opts ...Option) *Emulator {
	tb.Helper()
	var cfg config
	for _, opt := range opts {
		opt(&cfg)
	}
	bin, err := findBinary(cfg.bin)
	if err != nil {
		tb.Fatalf("vpcemulator: %v", err)
	}
	args := []string{"--host", "127.0.0.1", "--port", "0"}
	if cfg.fixtureDoc != nil {
		path := filepath.Join(tb.TempDir(), "fixtures.json")
		if err := os.WriteFile(path, cfg.fixtureDoc, 0o600); err != nil {
			tb.Fatalf("vpcemulator: %v", err)
		}
		cfg.fixtures = path
	}
	if cfg.fixtures != "" {
		args = append(args, "--fixtures", cfg.fixtures)
	}
	if cfg.tls {
		args = append(args, "--tls")
	}
	if cfg.busy > 0 {
		args = append(args, "--gateway-busy-ms", strconv.FormatInt(cfg.busy.Milliseconds(), 10))
	}
	if cfg.seed != nil {
		args = append(args, "--seed", strconv.FormatUint(*cfg.seed, 10))
	}
	if cfg.token != "" {
		args = append(args, "--admin-token", cfg.token)
	}
	args = append(args, cfg.args...)

	e := &Emulator{tb: tb, bin: bin, tls: cfg.tls, token: cfg.token, log: &tail{max: logTail},
		exited: make(chan struct{}), client: &http.Client{Timeout: 30 * time.Second}}
	e.cmd = exec.Command(bin, args...)
	e.cmd.Env = childEnv()
	e.cmd.Stderr = e.log
	stdout, err := e.cmd.StdoutPipe()
	if err != nil {
		tb.Fatalf("vpcemulator: %v", err)
	}
	if err := e.cmd.Start(); err != nil {
		tb.Fatalf("vpcemulator: cannot run %s: %v", bin, err)
	}
	go func() {
		e.waitErr = e.cmd.Wait()
		close(e.exited)
	}()
	tb.Cleanup(e.stop)

	lines := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		lines <- strings.TrimRight(line, "\r\n")
		_, _ = io.Copy(io.Discard, r) // nothing else is printed there; never block the process
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(startTimeout):
		tb.Fatalf("vpcemulator: %s %s printed no listening line within %s; its log:\n%s",
			bin, strings.Join(args, " "), startTimeout, e.log)
	}
	m := listening.FindStringSubmatch(line)
	if m == nil {
		<-e.exitedWithin(stopTimeout)
		tb.Fatalf("vpcemulator: %s %s did not start (%s); its log:\n%s",
			bin, strings.Join(args, " "), e.exitText(), e.log)
	}
	e.host = m[1]
	if ip := net.ParseIP(strings.Trim(e.host, "[]")); ip != nil && ip.IsUnspecified() {
		e.host = "127.0.0.1"
	}
	e.port, _ = strconv.Atoi(m[2])
	e.region = DefaultRegion
	if cfg.region != "" {
		e.region = cfg.region
	}
	if cfg.akID != "" {
		e.akID, e.akSec = cfg.akID, cfg.akSecret
	} else {
		e.akID, e.akSec = e.rootKey()
	}
	e.started = true
	return e
}

// findBinary is the explicit path, else $VPC_EMULATOR_BIN, else the binary on PATH.
func findBinary(explicit string) (string, error) {
	if explicit != "" {
		return checkBinary(explicit, "the binary given to WithBinary")
	}
	if env := os.Getenv(BinaryEnv); env != "" {
		return checkBinary(env, BinaryEnv)
	}
	path, err := exec.LookPath(BinaryName)
	if err != nil {
		return "", fmt.Errorf("no emulator binary: %s is not set and %s is not on PATH "+
			"(install it with `cargo install --path .` in a checkout, or set %s to the binary)",
			BinaryEnv, BinaryName, BinaryEnv)
	}
	return path, nil
}

func checkBinary(path, from string) (string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("no emulator binary at %s (%s): %v", path, from, err)
	}
	if info.IsDir() || info.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s (%s) is not an executable file", path, from)
	}
	return path, nil
}

// childEnv is this process's environment without the emulator's own variables, so that a
// VPC_EMULATOR_* set in the shell never changes what a test gets.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VPC_EMULATOR_") {
			env = append(env, kv)
		}
	}
	return env
}

// rootKey is the first active key of the first account of the startup state: the default
// fixtures' root key unless the fixtures say otherwise.
func (e *Emulator) rootKey() (string, string) {
	var state struct {
		Accounts []struct {
			AccessKeys []struct{ AccessKeyId, AccessKeySecret, Status string }
		}
	}
	if err := json.Unmarshal(e.Admin("GET", "state", ""), &state); err == nil && len(state.Accounts) > 0 {
		for _, k := range state.Accounts[0].AccessKeys {
			if k.Status == "" || k.Status == "Active" {
				return k.AccessKeyId, k.AccessKeySecret
			}
		}
	}
	return DefaultAccessKeyID, DefaultAccessKeySecret
}

func (e *Emulator) exitedWithin(d time.Duration) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		select {
		case <-e.exited:
		case <-time.After(d):
		}
		close(done)
	}()
	return done
}

func (e *Emulator) exitText() string {
	select {
	case <-e.exited:
		if e.waitErr == nil {
			return "it exited with status 0"
		}
		return "it exited: " + e.waitErr.Error()
	default:
		return "it is still running"
	}
}

// stop sends SIGTERM and waits for the exit; a failed exit fails the test with the log.
func (e *Emulator) stop() {
	select {
	case <-e.exited:
	default:
		if err := e.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			_ = e.cmd.Process.Kill() // no SIGTERM on this platform
		}
	}
	select {
	case <-e.exited:
	case <-time.After(stopTimeout):
		_ = e.cmd.Process.Kill()
		<-e.exited
		e.tb.Errorf("vpcemulator: the emulator did not stop within %s of SIGTERM; its log:\n%s", stopTimeout, e.log)
		return
	}
	if e.waitErr != nil && e.started {
		e.tb.Errorf("vpcemulator: the emulator exited with %v; its log:\n%s", e.waitErr, e.log)
	}
}

// Endpoint is "127.0.0.1:PORT", what the SDKs take as their endpoint.
func (e *Emulator) Endpoint() string { return net.JoinHostPort(e.host, strconv.Itoa(e.port)) }

// URL is "http://127.0.0.1:PORT", or https with WithTLS (the port answers both).
func (e *Emulator) URL() string {
	if e.tls {
		return "https://" + e.Endpoint()
	}
	return "http://" + e.Endpoint()
}

// Host is the address the emulator listens on, 127.0.0.1.
func (e *Emulator) Host() string { return e.host }

// Port is the port it listens on.
func (e *Emulator) Port() int { return e.port }

// AccessKeyID is the first active key of the first account of the startup fixtures
// (DefaultAccessKeyID with the default fixtures), or WithAccessKey's.
func (e *Emulator) AccessKeyID() string { return e.akID }

// AccessKeySecret is that key's secret.
func (e *Emulator) AccessKeySecret() string { return e.akSec }

// Region is the region to give the clients: cn-hangzhou, or WithRegion's.
func (e *Emulator) Region() string { return e.region }

// CAPEM is the PEM of the CA that signed the HTTPS certificate; the emulator must have been
// started WithTLS.
func (e *Emulator) CAPEM() []byte {
	e.tb.Helper()
	if !e.tls {
		e.tb.Fatalf("vpcemulator: CAPEM needs an emulator started WithTLS()")
	}
	e.caOnce.Do(func() { e.caPEM = e.Admin("GET", "ca.pem", "") })
	return e.caPEM
}

// Reset brings the emulator back to its startup fixtures and clears ClientTokens, the
// request journal, faults and the clock offset (POST /_emulator/reset).
func (e *Emulator) Reset() {
	e.tb.Helper()
	e.Admin("POST", "reset", "")
}

// State is every resource, in the fixtures format (GET /_emulator/state).
func (e *Emulator) State() map[string]any {
	e.tb.Helper()
	out := map[string]any{}
	e.decode(e.Admin("GET", "state", ""), &out)
	return out
}

// PutState replaces every resource (PUT /_emulator/state); doc is JSON text ([]byte,
// json.RawMessage or string) or a value that encoding/json marshals.
func (e *Emulator) PutState(doc any) {
	e.tb.Helper()
	e.Admin("PUT", "state", e.jsonText(doc))
}

// Request is one entry of the request journal (GET /_emulator/requests).
type Request struct {
	Time       int64          `json:"Time"` // epoch milliseconds
	RequestID  string         `json:"RequestId"`
	Action     string         `json:"Action"` // "" when the action is unknown
	AccountID  string         `json:"AccountId"`
	Principal  string         `json:"Principal"` // "root", "user:NAME" or "anonymous"
	Params     map[string]any `json:"Params"`    // without signature fields or secrets
	HTTPStatus int            `json:"HttpStatus"`
	Code       string         `json:"Code"` // "" on success
	// Entry is the whole entry as the emulator gave it, every field included.
	Entry map[string]any `json:"-"`
}

// Requests is the request journal, oldest first; with actions, only the calls of those
// actions.
func (e *Emulator) Requests(actions ...string) []Request {
	e.tb.Helper()
	var entries []json.RawMessage
	e.decode(e.Admin("GET", "requests", ""), &entries)
	out := []Request{}
	for _, raw := range entries {
		var r Request
		e.decode(raw, &r)
		e.decode(raw, &r.Entry)
		if len(actions) == 0 || contains(actions, r.Action) {
			out = append(out, r)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ClearRequests empties the request journal (DELETE /_emulator/requests).
func (e *Emulator) ClearRequests() {
	e.tb.Helper()
	e.Admin("DELETE", "requests", "")
}

// Fault is a rule of POST /_emulator/faults: the next Count (default 1) calls of Action ("*"
// for any) answer the error Code, after DelayMs if given. HTTPStatus and Message are needed
// only for a code outside the emulator's catalogue.
type Fault struct {
	Action     string `json:"Action"`
	Code       string `json:"Code,omitempty"`
	Count      int    `json:"Count,omitempty"`
	HTTPStatus int    `json:"HttpStatus,omitempty"`
	Message    string `json:"Message,omitempty"`
	DelayMs    int    `json:"DelayMs,omitempty"`
}

// AddFault adds a fault rule.
func (e *Emulator) AddFault(f Fault) {
	e.tb.Helper()
	e.Admin("POST", "faults", e.jsonText(f))
}

// ClearFaults removes every fault rule.
func (e *Emulator) ClearFaults() {
	e.tb.Helper()
	e.Admin("DELETE", "faults", "")
}

// AdvanceClock moves the emulator clock (certificate status, busy windows, timestamps of new
// resources) by d, a whole number of seconds, possibly negative.
func (e *Emulator) AdvanceClock(d time.Duration) {
	e.tb.Helper()
	if d%time.Second != 0 {
		e.tb.Fatalf("vpcemulator: AdvanceClock takes whole seconds, not %s", d)
	}
	e.Admin("POST", "clock", fmt.Sprintf(`{"AdvanceSeconds": %d}`, int64(d/time.Second)))
}

// Admin calls GET/POST/PUT/DELETE /_emulator/{call} (call may carry a query) with a JSON body
// ("" for none) and returns the answer's body; an answer other than 200 fails the test.
func (e *Emulator) Admin(method, call, body string) []byte {
	e.tb.Helper()
	var reader io.Reader
	if body != "" {
		reader = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://"+e.Endpoint()+"/_emulator/"+call, reader)
	if err != nil {
		e.tb.Fatalf("vpcemulator: %v", err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if e.token != "" {
		req.Header.Set("Authorization", "Bearer "+e.token)
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.tb.Fatalf("vpcemulator: %s /_emulator/%s: %v (%s); its log:\n%s", method, call, err, e.exitText(), e.log)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.tb.Fatalf("vpcemulator: %s /_emulator/%s: %v", method, call, err)
	}
	if resp.StatusCode != http.StatusOK {
		e.tb.Fatalf("vpcemulator: %s /_emulator/%s: %s %s", method, call, resp.Status, bytes.TrimSpace(data))
	}
	return data
}

func (e *Emulator) decode(data []byte, v any) {
	e.tb.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		e.tb.Fatalf("vpcemulator: cannot decode %.200q: %v", data, err)
	}
}

func (e *Emulator) jsonText(doc any) string {
	e.tb.Helper()
	switch d := doc.(type) {
	case string:
		return d
	case []byte:
		return string(d)
	case json.RawMessage:
		return string(d)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		e.tb.Fatalf("vpcemulator: %v", err)
	}
	return string(data)
}

// Logs is the tail (the last 64 KiB) of what the emulator wrote to stderr: one line per API
// call, and its errors.
func (e *Emulator) Logs() string { return e.log.String() }

// tail keeps the last max bytes written to it.
type tail struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}
