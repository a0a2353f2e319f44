// Minimal CoreDNS build for outage-lab: only the plugins the lab uses.
// Built from CoreDNS's Go module as its docs describe for an external main package.
package main

import (
	"github.com/coredns/coredns/core/dnsserver"
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/bind"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/file"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
)

// Order matters: it is the order plugins run in a server block.
var directives = []string{
	"bind",
	"ready",
	"health",
	"prometheus",
	"errors",
	"log",
	"file",
}

func init() {
	dnsserver.Directives = directives
}

func main() {
	coremain.Run()
}
