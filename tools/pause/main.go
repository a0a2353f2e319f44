// The pod sandbox's "pause" process for the lab's single-node Kubernetes (containerd's
// sandbox_image): it holds the pod's namespaces and waits until it is told to stop. Built static
// (CGO_ENABLED=0) into an image FROM scratch, since no registry is reachable for the upstream one.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	// As PID 1 of the sandbox, reap whatever exits under it.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGCHLD)
	<-stop
}
