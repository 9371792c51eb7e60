package sdktests

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

// A request body over --max-body-bytes, declared by Content-Length, is answered 413 to Go's
// net/http, which writes the body while it waits for the answer (SPEC 14).
func TestNetHTTPReadsThe413OfA2MiBBody(t *testing.T) {
	emu := start(t)
	body := bytes.Repeat([]byte("a"), 2*1024*1024)
	url := "http://" + emu.HostPort() + "/?Action=DescribeRegions&Version=2016-04-28"
	for i := 0; i < 3; i++ {
		resp, err := http.Post(url, "application/x-www-form-urlencoded", bytes.NewReader(body))
		if err != nil {
			t.Fatalf("try %d: %v", i, err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("try %d: reading the answer: %v", i, err)
		}
		var answer map[string]any
		if err := json.Unmarshal(raw, &answer); err != nil {
			t.Fatalf("try %d: %v: %s", i, err, raw)
		}
		if resp.StatusCode != 413 || answer["Code"] != "RequestEntityTooLarge" ||
			answer["Message"] != "The request body is larger than 1048576 bytes." {
			t.Fatalf("try %d: %d %s", i, resp.StatusCode, raw)
		}
	}
}
