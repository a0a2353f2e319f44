// The launcher of a user's service inside an outage-lab Job's pod. The service's image runs it as
// a sidecar container of the shard's pod (a native sidecar: an init container that keeps running);
// the lab in the pod's other container tells it, through a folder both containers mount, when to
// start the service and with which environment and resolv.conf. The pod shares one PID namespace,
// so the lab then treats the service as one of its own processes (signals, /proc), exactly as the
// local runtime does.
//
//	launch [-grace 10s] [-resolv-conf /etc/resolv.conf] <dir> -- <the image's entrypoint and command…>
//
// In <dir> (created here; its existence tells the lab the sidecar is up):
//
//	start.json    written by the lab: {"seq": n, "env": {...}, "resolvConf": "..."}
//	started.json  written here: {"seq": n, "pid": p} once the service runs, or {"seq": n, "error": "..."}
//	exited.json   written here: {"seq": n, "code": c, "signal": "..."} when it ends
//	service.log   the service's output (appended)
//
// The service runs in a process group of its own (the lab signals the group). The launcher waits
// for the next start after one ends, and on SIGTERM (the pod ending) stops a running service —
// SIGTERM to its group, SIGKILL after the grace given as -grace — and exits 0, so the pod's
// outcome is the lab's alone. Built static (CGO_ENABLED=0): it runs in any image.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

type startSpec struct {
	Seq        int64             `json:"seq"`
	Env        map[string]string `json:"env"`
	ResolvConf string            `json:"resolvConf"`
}

// writeJSON writes a file atomically (a temporary file renamed), so the lab never reads half of one.
func writeJSON(dir, name string, v any) {
	b, _ := json.Marshal(v)
	tmp := filepath.Join(dir, "."+name+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "launch: %v\n", err)
		return
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		fmt.Fprintf(os.Stderr, "launch: %v\n", err)
	}
}

func readStart(dir string) (startSpec, bool) {
	var s startSpec
	b, err := os.ReadFile(filepath.Join(dir, "start.json"))
	if err != nil || json.Unmarshal(b, &s) != nil {
		return s, false
	}
	return s, true
}

func environ(extra map[string]string) []string {
	env := map[string]string{}
	order := []string{}
	for _, kv := range os.Environ() {
		for i := 0; i < len(kv); i++ {
			if kv[i] == '=' {
				if _, seen := env[kv[:i]]; !seen {
					order = append(order, kv[:i])
				}
				env[kv[:i]] = kv[i+1:]
				break
			}
		}
	}
	for k, v := range extra {
		if _, seen := env[k]; !seen {
			order = append(order, k)
		}
		env[k] = v
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		out = append(out, k+"="+env[k])
	}
	return out
}

func main() {
	grace := flag.Duration("grace", 10*time.Second, "how long a service has after SIGTERM before SIGKILL when the pod ends")
	resolvPath := flag.String("resolv-conf", "/etc/resolv.conf", "the file the lab's resolv.conf is written to (the container's own)")
	flag.Parse()
	args := flag.Args()
	if len(args) < 3 || args[1] != "--" {
		fmt.Fprintln(os.Stderr, "usage: launch [-grace 10s] [-resolv-conf /etc/resolv.conf] <dir> -- <command…>")
		os.Exit(2)
	}
	dir, command := args[0], args[2:]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(os.Stderr, "launch: %v\n", err)
		os.Exit(1)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	fmt.Printf("launch: waiting in %s to start %v\n", dir, command)

	var last int64
	var child *exec.Cmd
	done := make(chan error, 1)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var seq int64
	for {
		select {
		case <-stop:
			if child != nil {
				_ = syscall.Kill(-child.Process.Pid, syscall.SIGCONT)
				_ = syscall.Kill(-child.Process.Pid, syscall.SIGTERM)
				select {
				case <-done:
				case <-time.After(*grace):
					_ = syscall.Kill(-child.Process.Pid, syscall.SIGKILL)
					<-done
				}
			}
			os.Exit(0)
		case err := <-done:
			code, sig := 0, ""
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					code, sig = -1, ws.Signal().String()
				} else {
					code = ee.ExitCode()
				}
			}
			writeJSON(dir, "exited.json", map[string]any{"seq": seq, "code": code, "signal": sig})
			fmt.Printf("launch: service %d ended (code %d %s)\n", seq, code, sig)
			child = nil
		case <-tick.C:
			if child != nil {
				continue
			}
			s, ok := readStart(dir)
			if !ok || s.Seq <= last {
				continue
			}
			last, seq = s.Seq, s.Seq
			if s.ResolvConf != "" {
				if err := os.WriteFile(*resolvPath, []byte(s.ResolvConf), 0o644); err != nil {
					writeJSON(dir, "started.json", map[string]any{"seq": seq, "error": fmt.Sprintf("cannot write %s: %v", *resolvPath, err)})
					continue
				}
			}
			logf, err := os.OpenFile(filepath.Join(dir, "service.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err != nil {
				writeJSON(dir, "started.json", map[string]any{"seq": seq, "error": err.Error()})
				continue
			}
			cmd := exec.Command(command[0], command[1:]...)
			cmd.Env = environ(s.Env)
			cmd.Stdout, cmd.Stderr = logf, logf
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			if err := cmd.Start(); err != nil {
				logf.Close()
				writeJSON(dir, "started.json", map[string]any{"seq": seq, "error": fmt.Sprintf("cannot start %v: %v", command, err)})
				continue
			}
			logf.Close()
			child = cmd
			fmt.Printf("launch: service %d started, pid %d\n", seq, cmd.Process.Pid)
			writeJSON(dir, "started.json", map[string]any{"seq": seq, "pid": cmd.Process.Pid})
			go func(c *exec.Cmd) { done <- c.Wait() }(cmd)
		}
	}
}
