package main

import (
	"os/exec"
	"syscall"
)

// endWithParent has the kernel send the child SIGTERM (a graceful stop for
// upshot serve) if this program dies without stopping it, so no server
// outlives the run.
func endWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
