package sdktests

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// captureOne listens on a free port, lets `call` send one request to it, and returns that
// request's bytes exactly as they arrived (answered with a Modify success, so the client is
// content).
func captureOne(t *testing.T, call func(hostPort string)) []byte {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan []byte, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer conn.Close()
		var raw bytes.Buffer
		r := bufio.NewReader(io.TeeReader(conn, &raw))
		length := 0
		chunked := false
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				got <- nil
				return
			}
			lower := strings.ToLower(line)
			if v, ok := strings.CutPrefix(lower, "content-length:"); ok {
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			}
			if strings.HasPrefix(lower, "transfer-encoding:") && strings.Contains(lower, "chunked") {
				chunked = true
			}
			if line == "\r\n" {
				break
			}
		}
		if chunked {
			for {
				line, _ := r.ReadString('\n')
				if line == "0\r\n" {
					_, _ = r.ReadString('\n')
					break
				}
			}
		} else {
			_, _ = io.ReadFull(r, make([]byte, length))
		}
		// What the TeeReader read ahead of the request is not part of it.
		consumed := raw.Len() - r.Buffered()
		body := `{"RequestId":"00000000-0000-4000-8000-000000000000","Name":"cert2","SslVpnClientCertId":"vsc-test123"}`
		fmt.Fprintf(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=utf-8\r\nx-acs-request-id: 00000000-0000-4000-8000-000000000000\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
		got <- raw.Bytes()[:consumed]
	}()
	call(ln.Addr().String())
	return <-got
}

// writeCapture stores a request in the form of tests/captures (CRLF shown as \r\n).
func writeCapture(t *testing.T, dir, client string, raw []byte) {
	t.Helper()
	var out strings.Builder
	fmt.Fprintf(&out, "# client: %s\n# action: ModifySslVpnClientCert\n", client)
	out.WriteString(`# call params: {"RegionId": "cn-hangzhou", "SslVpnClientCertId": "vsc-test123", "Name": "cert2", "ClientToken": "tok-1"}` + "\n")
	out.WriteString("# keys: AccessKeyId LTAItestkey, secret testsecret\n# requests received: 1\n\n")
	out.WriteString("===== RAW REQUEST (verbatim bytes as received; CRLF shown as \\r\\n) =====\n")
	head, body, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		out.WriteString(line + "\\r\\n\n")
	}
	out.WriteString("\\r\\n\n")
	if len(body) > 0 {
		if bytes.ContainsAny(body, "\r\n") {
			t.Fatalf("%s: a body with line breaks cannot be written in this form", client)
		}
		out.Write(body)
		out.WriteString("\n")
	}
	out.WriteString("===== PARSED =====\n(see the raw request)\n")
	path := filepath.Join(dir, client+"__ModifySslVpnClientCert.txt")
	if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// TestWriteCaptures records one ModifySslVpnClientCert of each Go client, signed with the
// test vectors' key, into $CAPTURE_DIR (tests/captures holds them; the Rust tests verify
// their signatures). Skipped unless CAPTURE_DIR is set.
func TestWriteCaptures(t *testing.T) {
	dir := os.Getenv("CAPTURE_DIR")
	if dir == "" {
		t.Skip("CAPTURE_DIR is not set")
	}
	p := params{"RegionId": region, "SslVpnClientCertId": "vsc-test123", "Name": "cert2", "ClientToken": "tok-1"}
	for kind, name := range map[string]string{"tea-acs3": "go-tea", "tea-v1": "go-tea-v2", "legacy": "go-legacy", "tea-rpc": "go-tea-rpc"} {
		raw := captureOne(t, func(hostPort string) {
			c := newClient(t, kind, &emulator{endpoint: hostPort}, "LTAItestkey", "testsecret")
			if _, err := c.Modify(p); err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
		})
		writeCapture(t, dir, name, raw)
	}
}
