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
	// As PID 1 of a pod that shares its PID namespace (a shard with a user's service), whatever
	// is orphaned there becomes ours: reap it, as the upstream pause does.
	child := make(chan os.Signal, 8)
	signal.Notify(child, syscall.SIGCHLD)
	for {
		select {
		case <-stop:
			return
		case <-child:
			for {
				pid, err := syscall.Wait4(-1, nil, syscall.WNOHANG, nil)
				if pid <= 0 || err != nil {
					break
				}
			}
		}
	}
}
