// Package vpcemulator starts aliyun-vpc-emulator, a local emulator of the Alibaba Cloud VPC
// API, for the length of one Go test:
//
//	func TestRename(t *testing.T) {
//		emu := vpcemulator.Start(t)
//		// point any Alibaba Cloud SDK at emu.Endpoint() with emu.AccessKeyID(),
//		// emu.AccessKeySecret() and emu.Region(); protocol "http"
//	}
//
// Start runs the emulator binary on a free port of 127.0.0.1 and stops it through t.Cleanup.
// The binary is $VPC_EMULATOR_BIN, else aliyun-vpc-emulator on PATH (cargo install, the
// container's binary, or the Python package's). Its defaults are the emulator's own: the
// embedded default fixtures, lenient authentication, plain HTTP, region cn-hangzhou and the
// root key of the default fixtures; options change them (WithFixtures, WithTLS,
// WithGatewayBusy, WithSeed, WithArgs, ...).
//
// The admin calls (Reset, State, Requests, AddFault, AdvanceClock, ...) fail the test that
// called Start when they fail, as t.Fatal does: call them from that test's goroutine or from a
// subtest that is not parallel.
//
// The getters are named as those of the Testcontainers modules (Endpoint is host:port, as
// testcontainers-go's Endpoint(ctx, "") gives it; URL has the scheme) so that a Testcontainers
// module can wrap this one later. The package needs nothing but the standard library.
package vpcemulator
