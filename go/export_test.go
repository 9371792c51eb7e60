package vpcemulator

// PID lets the tests kill the process behind the helper's back.
func PID(e *Emulator) int { return e.cmd.Process.Pid }
