//go:build !linux

package proc

import "syscall"

// BecomeSubreaper is Linux only; elsewhere orphans go to init.
func BecomeSubreaper() error { return nil }

func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func killTree(leader int, token string, reapLeader bool) {
	if leader > 0 {
		_ = syscall.Kill(-leader, syscall.SIGKILL)
	}
}
