package example

import (
	"testing"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/tea"
	vpc "github.com/alibabacloud-go/vpc-20160428/v6/client"
	vpcemulator "github.com/aliyun-vpc-emulator/aliyun-vpc-emulator/go"
)

// Renames an SSL-VPN client certificate of the default fixtures through the official Tea SDK.
func TestRenameCertificate(t *testing.T) {
	emu := vpcemulator.Start(t) // a fresh emulator, stopped when the test ends
	client, err := vpc.NewClient(&openapi.Config{
		AccessKeyId:     tea.String(emu.AccessKeyID()),
		AccessKeySecret: tea.String(emu.AccessKeySecret()),
		Endpoint:        tea.String(emu.Endpoint()),
		Protocol:        tea.String("http"),
		RegionId:        tea.String(emu.Region()),
	})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.ModifySslVpnClientCert(&vpc.ModifySslVpnClientCertRequest{
		RegionId:           tea.String(emu.Region()),
		SslVpnClientCertId: tea.String("vsc-bp1emulator0000000001"),
		Name:               tea.String("laptop"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := tea.StringValue(resp.Body.Name); got != "laptop" {
		t.Fatalf("Name = %q, want laptop", got)
	}
	if calls := emu.Requests("ModifySslVpnClientCert"); len(calls) != 1 {
		t.Fatalf("the emulator saw %d ModifySslVpnClientCert calls, want 1", len(calls))
	}
}
