//go:build linux

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal of 100×30: the master to read what is
// drawn and type keys, the slave to give the process as its terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := unix.IoctlSetWinsize(int(s.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Col: 100, Row: 30}); err != nil {
		t.Fatal(err)
	}
	return m, s
}

// With stderr sent to a file (mspwire demo 2>log), the demo draws its
// screens on the terminal stdout is, instead of refusing to start, and
// the log gets no screen.
func TestDemoDrawsOnStdoutWhenStderrIsAFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := shippedBinary(t)
	master, slave := openPTY(t)
	logPath := filepath.Join(t.TempDir(), "log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := exec.Command(bin, "demo", "--companies", "5")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, logFile
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	seen := make(chan string, 1)
	go func() {
		var drawn bytes.Buffer
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			drawn.Write(buf[:n])
			if bytes.Contains(drawn.Bytes(), []byte("mspwire")) && bytes.Contains(drawn.Bytes(), []byte("Home")) || err != nil {
				seen <- drawn.String()
				return
			}
		}
	}()
	select {
	case drawn := <-seen:
		if !strings.Contains(drawn, "Home") {
			t.Fatalf("the terminal shows no wizard:\n%q", drawn)
		}
	case err := <-done:
		raw, _ := os.ReadFile(logPath)
		t.Fatalf("demo ended before drawing: %v\n%s", err, raw)
	case <-time.After(2 * time.Minute):
		t.Fatal("no wizard drawn on the terminal within 2 minutes")
	}
	master.Write([]byte{3}) // ctrl+c
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatal("ctrl+c did not end the demo")
	}
	raw, _ := os.ReadFile(logPath)
	if bytes.Contains(raw, []byte("\x1b[")) || bytes.Contains(raw, []byte("terminal wizard")) {
		t.Fatalf("the log got the screen or a refusal:\n%q", raw)
	}
}
